import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError, received } from '../../common/errors';
import { backendNameSchema, type BackendFault, type BackendName, type BackendReport } from '../../common/training/backend';
import { probeCuda, type CudaProbe } from './cudaProbe';
import { confirmWasmKernels, registerWasmKernels } from './kernels/index';
import { registerWebGpuKernels } from './kernels/webgpu/index';
import { registerGradientFixes } from './gradients/index';
import { currentGpuFault } from './gpuFaults';
import { WASM_PACKAGE, wasmBinaryFolder, wasmDeviceName, wasmSimdSupported } from './wasmSupport';
import { plannedWasmThreads, registerThreadedWasmBackend, runningWasmThreads } from './wasmThreads';
import { DAWN_PACKAGE, WEBGPU_BACKEND_PACKAGE, WEBGPU_TFJS_BACKEND, registerWebGpuBackend, requestWebGpuAdapter } from './webgpuSupport';
import { quietTfjsConsole } from './quietTfjs';

/** The tfjs module every engine file works with (one engine, whatever the backend). */
export type Tfjs = typeof tf;

type BackendCandidate = BackendReport['candidates'][number];

/** Candidates in the order DESIGN.md principle 6 prefers them. */
export const BACKEND_ORDER: readonly BackendName[] = backendNameSchema.options;

/** The npm package that provides each backend. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: WEBGPU_BACKEND_PACKAGE,
  tensorflow: '@tensorflow/tfjs-node',
  wasm: WASM_PACKAGE,
  cpu: '@tensorflow/tfjs',
};

/** The tfjs backend name each candidate registers (both native packages register `tensorflow`). */
const TFJS_BACKEND_NAMES: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': 'tensorflow',
  webgpu: WEBGPU_TFJS_BACKEND,
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const NOT_INSTALLED = 'not installed (its libtensorflow download needs internet at install time)';

/** Options for choosing a backend. */
export interface BackendOptions {
  /** Forces this backend instead of the automatic order (from settings or `--backend`). */
  preference?: BackendName | undefined;
  /**
   * Backends an earlier run failed on (GPU lost, out of memory, a shader that did not
   * compile): skipped, even when preferred, with a notice in the report.
   */
  avoid?: readonly BackendFault[] | undefined;
}

/** What `probeBackends` finds out about one candidate, before any tfjs backend is loaded. */
export interface CandidateProbe {
  candidate: BackendCandidate;
  device: string;
  /**
   * Usable when asked for by name although never chosen automatically: a software WebGPU
   * adapter (llvmpipe, SwiftShader), correct but at CPU speed.
   */
  forcible?: boolean;
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

/** Whether npm installed a tfjs-node package, and with its native binding. */
export interface NativeInstall {
  folder: string | undefined;
  hasBinding: boolean;
}

function nativeInstall(packageName: string): NativeInstall {
  const folder = packageFolder(packageName);
  return { folder, hasBinding: folder !== undefined && hasNativeBinding(folder) };
}

/**
 * The tensorflow-gpu candidate from what the machine has. It is available only with a
 * visible GPU, the package and its binding, and every CUDA library it links against:
 * with one missing, libtensorflow still loads and silently computes on the CPU.
 */
export function describeNativeGpu(cuda: CudaProbe, install: NativeInstall, platform: NodeJS.Platform = process.platform): CandidateProbe {
  const packageName = BACKEND_PACKAGES['tensorflow-gpu'];
  const gpuName = cuda.gpus[0];
  const device = `${gpuName ?? 'GPU'} (CUDA)`;
  const unavailable = (reason: string): CandidateProbe => ({ device, candidate: { name: 'tensorflow-gpu', packageName, available: false, reason } });
  if (platform === 'darwin') return unavailable('tfjs-node-gpu has no macOS build (CUDA is not available on macOS)');
  if (gpuName === undefined) return unavailable(cuda.evidence);
  if (install.folder === undefined) return unavailable(`${NOT_INSTALLED}; ${cuda.evidence}`);
  if (!install.hasBinding) return unavailable(`installed without its native binding (the libtensorflow download failed at install time); ${cuda.evidence}`);
  if (!cuda.libraries.complete) return unavailable(`installed, but it would train on the CPU: ${cuda.libraries.evidence}; ${cuda.evidence}`);
  return { device, candidate: { name: 'tensorflow-gpu', packageName, available: true, reason: `${cuda.evidence}; CUDA libraries ${cuda.libraries.evidence}` } };
}

/** Asks Dawn for an adapter (no device is created): a GPU is chosen automatically, a software adapter only on request. */
async function probeWebGpu(): Promise<CandidateProbe> {
  const packageName = BACKEND_PACKAGES.webgpu;
  const { probe } = await requestWebGpuAdapter();
  const candidate = (available: boolean, reason: string): BackendCandidate => ({ name: 'webgpu', packageName, available, reason });
  if (!probe.found) return { device: probe.device, candidate: candidate(false, probe.evidence) };
  if (probe.software) {
    return { device: probe.device, forcible: true, candidate: candidate(false, `${probe.evidence}; never chosen automatically, only when asked for (--backend webgpu, MODEL_LAB_BACKEND=webgpu)`) };
  }
  return { device: probe.device, candidate: candidate(true, `${probe.evidence} through dawn.node (${DAWN_PACKAGE})`) };
}

function probeNativeCpu(): CandidateProbe {
  const packageName = BACKEND_PACKAGES.tensorflow;
  const device = `CPU (native TensorFlow, ${cpuCores()} cores)`;
  const install = nativeInstall(packageName);
  if (install.folder === undefined) return { device, candidate: { name: 'tensorflow', packageName, available: false, reason: NOT_INSTALLED } };
  if (!install.hasBinding) {
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

/** Why a backend an earlier run failed on is skipped. */
function avoidedReason(fault: BackendFault): string {
  return `skipped: run ${fault.runId} failed on it (${fault.at}): ${fault.reason}`;
}

/** The report's notice when a backend that would have run is skipped after a failure. */
function avoidedNotice(fault: BackendFault, chosen: BackendName): string {
  return `${fault.backend} is not used because run ${fault.runId} failed on ${fault.device}: ${fault.reason} Training runs on ${chosen} instead; start a run with the ${fault.backend} backend to try it again.`;
}

/**
 * Marks the avoided candidates unavailable, with the failure as their reason, and says which
 * failure (if any) moved the choice away from the backend that would otherwise run.
 */
function applyAvoided(probes: CandidateProbe[], avoid: readonly BackendFault[], preference: BackendName | undefined): { probes: CandidateProbe[]; displaced: BackendFault | undefined } {
  let displaced: BackendFault | undefined;
  const naturalChoice = preference ?? probes.find((p) => p.candidate.available)?.candidate.name;
  const marked = probes.map((probe) => {
    const fault = avoid.find((f) => f.backend === probe.candidate.name);
    if (fault === undefined) return probe;
    if (probe.candidate.name === naturalChoice) displaced = fault;
    return { ...probe, forcible: false, candidate: { ...probe.candidate, available: false, reason: `${avoidedReason(fault)}; ${probe.candidate.reason}` } };
  });
  return { probes: marked, displaced };
}

/** Marks the chosen candidate's reason and builds the report. */
function buildReport(probes: readonly CandidateProbe[], chosen: BackendName, overridden: boolean, deviceOverride?: string, notice?: string): BackendReport {
  const candidates = probes.map(({ candidate, forcible }) => {
    if (candidate.name === chosen && (candidate.available || forcible === true)) {
      const why = overridden ? 'chosen (requested)' : 'chosen (first available)';
      return { ...candidate, available: true, reason: `${why}: ${candidate.reason}` };
    }
    if (!candidate.available) return { ...candidate };
    const note = overridden ? `not used: ${chosen} was requested` : `not used: ${chosen} comes first`;
    return { ...candidate, reason: `${note}; ${candidate.reason}` };
  });
  const device = deviceOverride ?? probes.find((p) => p.candidate.name === chosen)?.device ?? 'CPU';
  return { chosen, device, candidates, overridden, ...(notice === undefined ? {} : { notice }) };
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
    probeCache = Promise.all([probeCuda(), probeWebGpu()]).then(([cuda, webgpu]) => [describeNativeGpu(cuda, nativeInstall(BACKEND_PACKAGES['tensorflow-gpu'])), webgpu, probeNativeCpu(), probeWasm(), probeCpu()]);
  }
  return probeCache;
}

/** True when a candidate may run: available, or asked for by name and usable on request. */
function usable(probe: CandidateProbe, requested: boolean): boolean {
  return probe.candidate.available || (requested && probe.forcible === true);
}

/**
 * Says which backend training would use and why, without loading or initialising any
 * backend: packages and native bindings are looked up on disk, GPUs are found with
 * nvidia-smi or the driver's /proc entries, and Dawn is asked for an adapter (no device).
 * Cached for the process.
 *
 * A preference that is unavailable is reported in that candidate's reason and the
 * automatic choice is shown; `initBackend` with the same preference throws.
 */
export async function probeBackends(options: BackendOptions & { refresh?: boolean } = {}): Promise<BackendReport> {
  const { probes, displaced } = applyAvoided(await probeCandidates(options.refresh ?? false), options.avoid ?? [], options.preference);
  const preferred = options.preference === undefined ? undefined : probes.find((p) => p.candidate.name === options.preference);
  if (preferred !== undefined && usable(preferred, true)) return buildReport(probes, preferred.candidate.name, true);
  const automatic = probes.find((p) => p.candidate.available)?.candidate.name ?? 'cpu';
  const report = buildReport(probes, automatic, false, undefined, displaced === undefined ? undefined : avoidedNotice(displaced, automatic));
  if (preferred === undefined || displaced !== undefined) return report;
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

/**
 * Runs one computation on the WebGPU device and reads it back: uploads, a dispatch and a
 * buffer mapping. A device that cannot do this (a broken driver, or a runtime whose V8
 * sandbox refuses dawn.node's mapped buffers) fails here, at start, not in the middle of a run.
 */
async function checkWebGpuRoundTrip(): Promise<void> {
  // Above tfjs-backend-webgpu's CPU hand-off size (1000 elements), so it runs on the GPU.
  const length = 1024;
  const result = tf.tidy(() => tf.add(tf.tensor1d(Float32Array.from({ length }, (_, i) => i)), tf.scalar(1)));
  try {
    const values = await result.data();
    if (values[0] !== 1 || values[length - 1] !== length) {
      throw new Error(`a test computation on the GPU returned ${values[0]}, …, ${values[length - 1]} instead of 1, …, ${length}`);
    }
  } finally {
    result.dispose();
  }
  const fault = currentGpuFault(tf);
  if (fault) throw new Error(fault.message);
}

/** True when the engine already runs a healthy webgpu backend (activating again would replace its device). */
function webGpuBackendHealthy(): boolean {
  return tf.findBackend(WEBGPU_TFJS_BACKEND) !== null && tf.getBackend() === WEBGPU_TFJS_BACKEND && currentGpuFault(tf) === undefined;
}

/** Registers tfjs's webgpu backend on a fresh adapter (an adapter gives out one device) and starts it. */
async function activateWebGpu(): Promise<string | undefined> {
  if (webGpuBackendHealthy()) {
    registerWebGpuKernels();
    return undefined;
  }
  const { adapter, probe } = await requestWebGpuAdapter();
  if (adapter === undefined) throw new Error(probe.evidence);
  await registerWebGpuBackend(tf, adapter, probe.device);
  // Only now: importing tfjs-backend-webgpu registers its own kernels over any registered before.
  registerWebGpuKernels();
  return probe.device;
}

/**
 * Makes `name` the engine's backend, or throws the reason it could not start.
 * @returns the device line when starting it named the device anew (WebGPU's adapter).
 */
async function activate(name: BackendName): Promise<string | undefined> {
  let device: string | undefined;
  if (name === 'tensorflow-gpu' || name === 'tensorflow') await loadNative(BACKEND_PACKAGES[name]);
  if (name === 'wasm') {
    const folder = wasmBinaryFolder();
    if (folder === undefined) throw new Error('its .wasm files are missing from node_modules');
    setWasmPaths(folder);
    // A bad MODEL_LAB_WASM_THREADS keeps one thread (the report says why) rather than losing wasm.
    registerThreadedWasmBackend(folder, plannedWasmThreads(wasmSimdSupported()).threads);
    registerWasmKernels();
  }
  if (name === 'webgpu') device = await activateWebGpu();
  registerGradientFixes();
  const started = await tf.setBackend(TFJS_BACKEND_NAMES[name]);
  if (!started) throw new Error(`tfjs could not start the ${TFJS_BACKEND_NAMES[name]} backend`);
  await tf.ready();
  if (name === 'wasm') confirmWasmKernels(tf.backend());
  if (name === 'tensorflow-gpu' && (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === false) {
    throw new Error('libtensorflow loaded but found no usable GPU (it would compute on the CPU)');
  }
  if (name === 'webgpu') await checkWebGpuRoundTrip();
  return device;
}

/** The device line once a backend runs (the wasm thread count is known only then). */
function runningDevice(name: BackendName, probed: string): string {
  if (name === 'wasm') return wasmDeviceName(wasmSimdSupported(), getThreadsCount());
  return probed;
}

/**
 * Starts the best available backend (or the requested one) and reports the choice with a
 * reason for every candidate. A candidate that fails to load is recorded and the next one
 * is tried, so a broken optional package never stops training. A backend in `avoid` is
 * skipped, a requested one too, and the report's notice says so.
 *
 * @returns the tfjs module, now running on the chosen backend, and the report.
 * @throws LabError `BACKEND_UNAVAILABLE` when the requested backend is unavailable or
 *   fails to start (the message says why).
 */
export async function initBackend(options: BackendOptions = {}): Promise<{ tf: Tfjs; report: BackendReport }> {
  quietTfjsConsole(tf);
  const fresh = (await probeCandidates(false)).map((p) => ({ ...p, candidate: { ...p.candidate } }));
  const { probes, displaced } = applyAvoided(fresh, options.avoid ?? [], options.preference);
  const preference = displaced !== undefined && displaced.backend === options.preference ? undefined : options.preference;
  const order = preference === undefined ? BACKEND_ORDER : [preference];
  for (const name of order) {
    const probe = probes.find((p) => p.candidate.name === name);
    if (probe === undefined) continue;
    if (!usable(probe, preference !== undefined)) {
      if (preference !== undefined) {
        throw new LabError('BACKEND_UNAVAILABLE', `The ${name} backend (${probe.candidate.packageName}) is unavailable: ${probe.candidate.reason}. ${received('backend', name)}`, { field: 'backend', received: name, candidates: probes.map((p) => p.candidate) });
      }
      continue;
    }
    let device: string | undefined;
    try {
      device = await activate(name);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const why = `failed to load: ${message.split('\n')[0] ?? message}`;
      probe.candidate.available = false;
      probe.forcible = false;
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
    const notice = displaced === undefined ? undefined : avoidedNotice(displaced, name);
    return { tf, report: buildReport(probes, name, preference !== undefined, device ?? runningDevice(name, probe.device), notice) };
  }
  // The JavaScript cpu backend ships inside @tensorflow/tfjs, so this is reached only if it failed to start.
  throw new LabError('BACKEND_UNAVAILABLE', `Expected at least one backend to start. Received: ${probes.map((p) => `${p.candidate.name}=${p.candidate.reason}`).join('; ')}`);
}
