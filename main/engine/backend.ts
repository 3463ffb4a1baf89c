import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError, received } from '../../common/errors';
import { backendNameSchema, type BackendName, type BackendReport } from '../../common/training/backend';
import { probeCuda, type CudaProbe } from './cudaProbe';
import { registerWasmGradientKernels } from './kernels/index';
import { registerGradientFixes } from './gradients/index';
import { WASM_PACKAGE, wasmBinaryFolder, wasmDeviceName, wasmSimdSupported } from './wasmSupport';
import { plannedWasmThreads, registerThreadedWasmBackend, runningWasmThreads } from './wasmThreads';

/** The tfjs module every engine file works with (one engine, whatever the backend). */
export type Tfjs = typeof tf;

type BackendCandidate = BackendReport['candidates'][number];

/** Candidates in the order DESIGN.md principle 6 prefers them. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The npm package that provides each backend. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: WASM_PACKAGE,
  cpu: '@tensorflow/tfjs',
};

/** The tfjs backend name each candidate registers (both native packages register `tensorflow`). */
const TFJS_BACKEND_NAMES: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const NOT_INSTALLED = 'not installed (its libtensorflow download needs internet at install time)';

/** Options for choosing a backend. */
export interface BackendOptions {
  /** Forces this backend instead of the automatic order (from settings or `--backend`). */
  preference?: BackendName | undefined;
}

/** What `probeBackends` finds out about one candidate, before anything is loaded. */
interface CandidateProbe {
  candidate: BackendCandidate;
  device: string;
}

const requireFromHere = createRequire(import.meta.url);

/** The package's folder, or `undefined` when npm did not install it (optional dependencies). */
function packageFolder(packageName: string): string | undefined {
  try {
    return path.dirname(requireFromHere.resolve(`${packageName}/package.json`));
  } catch {
    return undefined;
  }
}

/** True when a tfjs-node package has its native binding (`lib/napi-v*\/tfjs_binding.node`). */
function hasNativeBinding(folder: string): boolean {
  const lib = path.join(folder, 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((entry) => entry.startsWith('napi-v') && existsSync(path.join(lib, entry, 'tfjs_binding.node')));
}

function cpuCores(): number {
  return os.availableParallelism?.() ?? os.cpus().length;
}

function probeNativeGpu(cuda: CudaProbe): CandidateProbe {
  const packageName = BACKEND_PACKAGES['tensorflow-gpu'];
  const gpuName = cuda.gpus[0];
  const device = `${gpuName ?? 'GPU'} (CUDA)`;
  if (gpuName === undefined) {
    return { device, candidate: { name: 'tensorflow-gpu', packageName, available: false, reason: cuda.evidence } };
  }
  const folder = packageFolder(packageName);
  if (folder === undefined) {
    return { device, candidate: { name: 'tensorflow-gpu', packageName, available: false, reason: `${NOT_INSTALLED}; ${cuda.evidence}` } };
  }
  if (!hasNativeBinding(folder)) {
    return { device, candidate: { name: 'tensorflow-gpu', packageName, available: false, reason: `installed without its native binding (the libtensorflow download failed at install time); ${cuda.evidence}` } };
  }
  return { device, candidate: { name: 'tensorflow-gpu', packageName, available: true, reason: `${cuda.evidence}` } };
}

function probeNativeCpu(): CandidateProbe {
  const packageName = BACKEND_PACKAGES.tensorflow;
  const device = `CPU (native TensorFlow, ${cpuCores()} cores)`;
  const folder = packageFolder(packageName);
  if (folder === undefined) return { device, candidate: { name: 'tensorflow', packageName, available: false, reason: NOT_INSTALLED } };
  if (!hasNativeBinding(folder)) {
    return { device, candidate: { name: 'tensorflow', packageName, available: false, reason: 'installed without its native binding (the libtensorflow download failed at install time)' } };
  }
  return { device, candidate: { name: 'tensorflow', packageName, available: true, reason: 'native TensorFlow for the CPU is installed' } };
}

function wasmReason(simd: boolean, threads: string): string {
  return `XNNPACK in WebAssembly, ${simd ? 'SIMD on' : 'SIMD unsupported by this runtime'}, ${threads}`;
}

function probeWasm(): CandidateProbe {
  const simd = wasmSimdSupported();
  const planned = plannedWasmThreads(simd);
  const device = wasmDeviceName(simd, planned.threads);
  const folder = wasmBinaryFolder();
  if (folder === undefined) {
    return { device, candidate: { name: 'wasm', packageName: WASM_PACKAGE, available: false, reason: 'its .wasm files are missing from node_modules' } };
  }
  return { device, candidate: { name: 'wasm', packageName: WASM_PACKAGE, available: true, reason: wasmReason(simd, planned.why) } };
}

function probeCpu(): CandidateProbe {
  return {
    device: 'CPU (JavaScript, 1 thread)',
    candidate: { name: 'cpu', packageName: BACKEND_PACKAGES.cpu, available: true, reason: 'plain JavaScript; always available, about 100x slower than wasm' },
  };
}

/** Marks the chosen candidate's reason and builds the report. */
function buildReport(probes: readonly CandidateProbe[], chosen: BackendName, overridden: boolean, deviceOverride?: string): BackendReport {
  const candidates = probes.map(({ candidate }) => {
    if (!candidate.available) return { ...candidate };
    if (candidate.name === chosen) {
      const why = overridden ? 'chosen (requested)' : 'chosen (first available)';
      return { ...candidate, reason: `${why}: ${candidate.reason}` };
    }
    const note = overridden ? `not used: ${chosen} was requested` : `not used: ${chosen} comes first`;
    return { ...candidate, reason: `${note}; ${candidate.reason}` };
  });
  const device = deviceOverride ?? probes.find((p) => p.candidate.name === chosen)?.device ?? 'CPU';
  return { chosen, device, candidates, overridden };
}

/**
 * Parses a backend name from settings, the environment or `--backend`.
 * @returns `undefined` for an empty value (automatic order).
 * @throws LabError `BACKEND_UNAVAILABLE` for a name that is not a backend.
 */
export function parseBackendName(value: unknown): BackendName | undefined {
  if (value === undefined || value === null || value === '' || value === 'auto') return undefined;
  const parsed = backendNameSchema.safeParse(value);
  if (!parsed.success) {
    throw new LabError('BACKEND_UNAVAILABLE', `Expected a backend among ${BACKEND_ORDER.join(', ')} (or auto). ${received('backend', value)}`, { field: 'backend', received: value });
  }
  return parsed.data;
}

let probeCache: Promise<CandidateProbe[]> | undefined;

/** Probes every candidate once per process (GPU query included); `refresh` probes again. */
function probeCandidates(refresh: boolean): Promise<CandidateProbe[]> {
  if (refresh || probeCache === undefined) {
    probeCache = probeCuda().then((cuda) => [probeNativeGpu(cuda), probeNativeCpu(), probeWasm(), probeCpu()]);
  }
  return probeCache;
}

/**
 * Says which backend training would use and why, without loading or initialising any
 * backend: packages and native bindings are looked up on disk and GPUs are found with
 * nvidia-smi or the driver's /proc entries. Cached for the process.
 *
 * A preference that is unavailable is reported in that candidate's reason and the
 * automatic choice is shown; `initBackend` with the same preference throws.
 */
export async function probeBackends(options: BackendOptions & { refresh?: boolean } = {}): Promise<BackendReport> {
  const probes = await probeCandidates(options.refresh ?? false);
  const preferred = options.preference === undefined ? undefined : probes.find((p) => p.candidate.name === options.preference);
  if (preferred?.candidate.available) return buildReport(probes, preferred.candidate.name, true);
  const automatic = probes.find((p) => p.candidate.available)?.candidate.name ?? 'cpu';
  const report = buildReport(probes, automatic, false);
  if (preferred === undefined) return report;
  return {
    ...report,
    candidates: report.candidates.map((c) => (c.name === preferred.candidate.name ? { ...c, reason: `requested but unavailable: ${c.reason}` } : c)),
  };
}

/** Loads a native tfjs-node package, which registers the `tensorflow` backend on the shared engine. */
async function loadNative(packageName: string): Promise<void> {
  // A computed specifier keeps bundlers and the type checker from requiring a package
  // that npm may have dropped (it is an optional dependency).
  const specifier: string = packageName;
  await import(/* @vite-ignore */ specifier);
}

/** Makes `name` the engine's backend, or throws the reason it could not start. */
async function activate(name: BackendName): Promise<void> {
  if (name === 'tensorflow-gpu' || name === 'tensorflow') await loadNative(BACKEND_PACKAGES[name]);
  if (name === 'wasm') {
    const folder = wasmBinaryFolder();
    if (folder === undefined) throw new Error('its .wasm files are missing from node_modules');
    setWasmPaths(folder);
    // A bad MODEL_LAB_WASM_THREADS keeps one thread (the report says why) rather than losing wasm.
    registerThreadedWasmBackend(folder, plannedWasmThreads(wasmSimdSupported()).threads);
    registerWasmGradientKernels();
  }
  registerGradientFixes();
  const started = await tf.setBackend(TFJS_BACKEND_NAMES[name]);
  if (!started) throw new Error(`tfjs could not start the ${TFJS_BACKEND_NAMES[name]} backend`);
  await tf.ready();
}

/** The device line once a backend runs (the wasm thread count is known only then). */
function runningDevice(name: BackendName, probed: string): string {
  if (name === 'wasm') return wasmDeviceName(wasmSimdSupported(), getThreadsCount());
  return probed;
}

/**
 * Starts the best available backend (or the requested one) and reports the choice with a
 * reason for every candidate. A candidate that fails to load is recorded and the next one
 * is tried, so a broken optional package never stops training.
 *
 * @returns the tfjs module, now running on the chosen backend, and the report.
 * @throws LabError `BACKEND_UNAVAILABLE` when the requested backend is unavailable or
 *   fails to start (the message says why).
 */
export async function initBackend(options: BackendOptions = {}): Promise<{ tf: Tfjs; report: BackendReport }> {
  const probes = (await probeCandidates(false)).map((p) => ({ ...p, candidate: { ...p.candidate } }));
  const preference = options.preference;
  const order = preference === undefined ? BACKEND_ORDER : [preference];
  for (const name of order) {
    const probe = probes.find((p) => p.candidate.name === name);
    if (probe === undefined) continue;
    if (!probe.candidate.available) {
      if (preference !== undefined) {
        throw new LabError('BACKEND_UNAVAILABLE', `The ${name} backend (${probe.candidate.packageName}) is unavailable: ${probe.candidate.reason}. ${received('backend', name)}`, { field: 'backend', received: name, candidates: probes.map((p) => p.candidate) });
      }
      continue;
    }
    try {
      await activate(name);
    } catch (error) {
      const why = `failed to load: ${(error as Error).message.split('\n')[0] ?? String(error)}`;
      probe.candidate.available = false;
      probe.candidate.reason = why;
      if (preference !== undefined) {
        throw new LabError('BACKEND_UNAVAILABLE', `The ${name} backend (${probe.candidate.packageName}) ${why}. ${received('backend', name)}`, { field: 'backend', received: name, candidates: probes.map((p) => p.candidate) });
      }
      continue;
    }
    if (name === 'wasm') {
      const simd = wasmSimdSupported();
      probe.candidate.reason = wasmReason(simd, runningWasmThreads(getThreadsCount(), plannedWasmThreads(simd)));
    }
    return { tf, report: buildReport(probes, name, preference !== undefined, runningDevice(name, probe.device)) };
  }
  // The JavaScript cpu backend ships inside @tensorflow/tfjs, so this is reached only if it failed to start.
  throw new LabError('BACKEND_UNAVAILABLE', `Expected at least one backend to start. Received: ${probes.map((p) => `${p.candidate.name}=${p.candidate.reason}`).join('; ')}`);
}
