import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { WASM_PACKAGE } from './wasmSupport';

/**
 * tfjs-backend-wasm's multithreaded build, started under Node.
 *
 * tfjs-backend-wasm 4.22 never picks its threaded build under Node
 * (WASM_HAS_MULTITHREAD_SUPPORT is false there, tensorflow/tfjs#3830), and forcing the
 * flag fails: it hands Emscripten blob: URLs for the pthread worker and for the script the
 * workers load, which worker_threads refuses. The build itself runs under Node: its
 * Emscripten glue has a Node path (worker_threads, fs, SharedArrayBuffer memory). So this
 * module registers the `wasm` backend with a factory that starts the threaded build from
 * files:
 *   - the pthread worker script, which tfjs ships as a string, written to a file;
 *   - a copy of the glue with two patches: the logical core count it reports under Node
 *     comes from the factory (backend.cc halves that count, assuming two hardware threads
 *     per core, and caps the pool there, which leaves a 2-core machine one thread), and it
 *     starts as many pthread workers as the pool uses instead of eight.
 * Both files go to a folder named after their content in the system's temporary folder.
 * Every other piece is tfjs's own (the .wasm, BackendWasm, the kernels). If anything here
 * fails (an unexpected glue after an upgrade, no SharedArrayBuffer, no worker_threads),
 * the factory falls back to tfjs's own single-threaded factory and records why.
 */

/** The threaded build's files in the package. */
const THREADED_GLUE = 'wasm-out/tfjs-backend-wasm-threaded-simd.js';
const THREADED_WORKER = 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
const THREADED_BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

/** The most threads the build's pool takes (backend.cc's max_num_threads). */
export const WASM_MAX_THREADS = 8;

/** The two glue patches: what tfjs-backend-wasm 4.22's glue says, and what it says instead. */
const GLUE_PATCHES: ReadonlyArray<{ find: string; replace: string; why: string }> = [
  {
    find: 'if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;',
    replace: 'if(ENVIRONMENT_IS_NODE)return Module["nodeLogicalCores"];',
    why: 'the logical core count under Node',
  },
  {
    find: 'var pthreadPoolSize=8;',
    replace: 'var pthreadPoolSize=Module["pthreadPoolSize"];',
    why: 'the number of pthread workers started',
  },
];

/** The Emscripten module the threaded factory resolves to, as far as this file uses it. */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: Array<{ unref(): void }> };
  tfjs?: Record<string, (...args: number[]) => number>;
}

/** The settings the patched glue reads from its module object, besides Emscripten's own. */
interface ThreadedModuleConfig {
  locateFile(file: string): string;
  mainScriptUrlOrBlob: string;
  nodeLogicalCores: number;
  pthreadPoolSize: number;
  onAbort(what: unknown): void;
}

type ThreadedFactory = (config: ThreadedModuleConfig) => Promise<ThreadedModule>;

/** What started: the threads XNNPACK's pool runs with, and why when it is one. */
export interface WasmThreadsStatus {
  threads: number;
  /** Set when the threaded build was wanted and did not start. */
  fallbackReason?: string;
}

/**
 * The threads the wasm backend should use: `MODEL_LAB_WASM_THREADS` when set (1 keeps the
 * single-threaded build), otherwise every core this process may use, up to the build's cap.
 * @throws Error naming the variable when it is not a positive integer.
 */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism()): number {
  const raw = env.MODEL_LAB_WASM_THREADS;
  if (raw === undefined || raw === '') return Math.max(1, Math.min(cores, WASM_MAX_THREADS));
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Expected MODEL_LAB_WASM_THREADS to be a positive integer. Received: MODEL_LAB_WASM_THREADS=${JSON.stringify(raw)}`);
  }
  return Math.min(value, WASM_MAX_THREADS);
}

/** Applies the glue patches. @throws Error naming the patch whose text the glue lacks. */
export function patchThreadedGlue(glue: string): string {
  let patched = glue;
  for (const patch of GLUE_PATCHES) {
    if (!patched.includes(patch.find)) {
      throw new Error(`the threaded build's glue no longer sets ${patch.why} as tfjs-backend-wasm 4.22 does (expected ${JSON.stringify(patch.find)})`);
    }
    patched = patched.replace(patch.find, patch.replace);
  }
  return patched;
}

/** Writes `content` to `file` unless it is there, through a rename so a concurrent reader never sees half a file. */
function writeOnce(file: string, content: string): void {
  if (existsSync(file)) return;
  const partial = `${file}.${process.pid}.${Date.now()}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, file);
}

/** Writes the patched glue and the worker script to a folder named after their content; returns their paths. */
function writeThreadedFiles(packageFolder: string): { glue: string; worker: string } {
  const glue = patchThreadedGlue(readFileSync(path.join(packageFolder, THREADED_GLUE), 'utf8'));
  const { wasmWorkerContents } = createRequire(import.meta.url)(path.join(packageFolder, THREADED_WORKER)) as { wasmWorkerContents: string };
  // tfjs escapes the script's "\n" sequences the same way before it makes a blob of it.
  const worker = wasmWorkerContents.replace(/\n/g, '\\n');
  const digest = createHash('sha256').update(glue).update('\0').update(worker).digest('hex').slice(0, 16);
  const folder = path.join(os.tmpdir(), `model-lab-tfjs-wasm-${digest}`);
  mkdirSync(folder, { recursive: true });
  const files = { glue: path.join(folder, 'tfjs-backend-wasm-threaded-simd.cjs'), worker: path.join(folder, 'tfjs-backend-wasm-threaded-simd.worker.cjs') };
  writeOnce(files.glue, glue);
  writeOnce(files.worker, worker);
  return files;
}

/** Starts the threaded build on `threads` threads and wraps it as tfjs's BackendWasm. */
async function startThreaded(packageFolder: string, binaryFolder: string, threads: number): Promise<BackendWasm> {
  const files = writeThreadedFiles(packageFolder);
  const factory = createRequire(import.meta.url)(files.glue) as ThreadedFactory;
  let aborted: unknown;
  const module = await factory({
    locateFile: (file) => (file.endsWith('.worker.js') ? files.worker : path.join(binaryFolder, THREADED_BINARY)),
    mainScriptUrlOrBlob: files.glue,
    nodeLogicalCores: 2 * threads,
    // The calling thread is one of the pool's threads.
    pthreadPoolSize: threads - 1,
    onAbort: (what) => {
      aborted = what;
    },
  });
  if (aborted !== undefined) throw new Error(`the threaded build aborted: ${String(aborted)}`);
  // The same bindings tfjs's own init() makes (backend_wasm.ts).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  // BackendWasm's constructor types the module as tfjs's; this is that module, built by the same glue.
  const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  // The pool's workers wait for work for as long as the backend lives; they must not keep the process alive.
  for (const worker of module.PThread.runningWorkers) worker.unref();
  return backend;
}

let status: WasmThreadsStatus = { threads: 1 };
let registered = false;

/**
 * Registers a `wasm` backend factory that starts the threaded build on `threads` threads,
 * falling back to tfjs's own single-threaded factory (reason kept in `wasmThreadsStatus`).
 * Call before the wasm backend is first set; later calls do nothing.
 */
export function registerThreadedWasmBackend(binaryFolder: string, threads: number): void {
  if (registered || threads < 2) return;
  const stock = tf.findBackendFactory('wasm');
  if (stock === null) throw new Error(`${WASM_PACKAGE} registered no wasm backend`);
  registered = true;
  // Replacing a backend that already runs would dispose its tensors.
  if (tf.engine().registry['wasm'] !== undefined) {
    status = { threads: 1, fallbackReason: 'the wasm backend was already running before Model Lab chose its build' };
    return;
  }
  const packageFolder = path.dirname(createRequire(import.meta.url).resolve(`${WASM_PACKAGE}/package.json`));
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', async () => {
    try {
      const backend = await startThreaded(packageFolder, binaryFolder, threads);
      status = { threads };
      return backend;
    } catch (error) {
      status = { threads: 1, fallbackReason: (error as Error).message.split('\n')[0] ?? String(error) };
      return stock();
    }
  }, 2);
}

/** How the registered wasm backend started (one thread until it has). */
export function wasmThreadsStatus(): WasmThreadsStatus {
  return status;
}

function threadsText(threads: number): string {
  return `${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * The threads the wasm backend will run with, before it starts, and why: the threaded
 * build needs SIMD and more than one thread to be wanted.
 */
export function plannedWasmThreads(simd: boolean, env: NodeJS.ProcessEnv = process.env): { threads: number; why: string } {
  let wanted: number;
  try {
    wanted = wantedWasmThreads(env);
  } catch (error) {
    return { threads: 1, why: `1 thread (${(error as Error).message})` };
  }
  if (!simd) return { threads: 1, why: '1 thread (the threaded build needs SIMD)' };
  const requested = env.MODEL_LAB_WASM_THREADS ? `MODEL_LAB_WASM_THREADS=${env.MODEL_LAB_WASM_THREADS}` : undefined;
  if (wanted === 1) return { threads: 1, why: `1 thread (${requested ?? 'one core available'})` };
  return { threads: wanted, why: `${threadsText(wanted)} (tfjs-backend-wasm's threaded build, ${requested ?? `one thread per available core up to ${WASM_MAX_THREADS}`})` };
}

/**
 * The running backend's threads, `actual` being what XNNPACK's pool reports: the planned
 * text when that is what started, otherwise the real count and why the threaded build did
 * not start.
 */
export function runningWasmThreads(actual: number, planned: { threads: number; why: string }): string {
  const { fallbackReason } = status;
  if (fallbackReason !== undefined) return `${threadsText(actual)} (the threaded build did not start: ${fallbackReason})`;
  return actual === planned.threads ? planned.why : threadsText(actual);
}
