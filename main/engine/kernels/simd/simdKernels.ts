import { SIMD_KERNELS_PLAIN_BASE64, SIMD_KERNELS_SHARED_BASE64 } from './simdKernelsBinary';

/**
 * The SIMD kernels of simdKernels.c, instantiated on tfjs-backend-wasm's own memory so they
 * read and write tensors where the backend keeps them. Arguments are byte addresses in that
 * memory (the backend's `dataIdMap.get(dataId).memoryOffset`) and sizes; see the C source
 * for each kernel's contract.
 */
export interface SimdKernels {
  maxPoolGrad(
    x: number, y: number, dy: number, dx: number, batch: number, inHeight: number, inWidth: number, channels: number,
    outHeight: number, outWidth: number, strideHeight: number, strideWidth: number, dilationHeight: number,
    dilationWidth: number, effectiveHeight: number, effectiveWidth: number, top: number, left: number,
  ): void;
  columnSum(x: number, out: number, partial: number, rows: number, cols: number): void;
  addRows(x: number, bias: number, out: number, rows: number, cols: number): void;
  conv2dBackpropFilterTaps(
    x: number, dy: number, dw: number, partial: number, batch: number, inHeight: number, inWidth: number,
    inChannels: number, outHeight: number, outWidth: number, outChannels: number, filterHeight: number,
    filterWidth: number, strideHeight: number, strideWidth: number, top: number, left: number,
  ): void;
  /** The optimizer steps read `variable` and write its next value to `next`; the state is rewritten in place. */
  sgdUpdate(variable: number, next: number, gradient: number, size: number, negLearningRate: number): void;
  momentumUpdate(variable: number, next: number, gradient: number, accumulation: number, size: number, negLearningRate: number, momentum: number, nesterov: number): void;
  adamUpdate(
    variable: number, next: number, gradient: number, firstMoment: number, secondMoment: number, accBeta1: number, accBeta2: number, size: number,
    negLearningRate: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, epsilon: number, decayFactor: number,
  ): void;
  /** `meanGrad` 0 for plain RMSprop. */
  rmspropUpdate(
    variable: number, next: number, gradient: number, meanSquare: number, moment: number, meanGrad: number, size: number,
    learningRate: number, decay: number, oneMinusDecay: number, momentum: number, epsilon: number,
  ): void;
  batchNormTraining(x: number, gamma: number, beta: number, y: number, mean: number, variance: number, scratch: number, rows: number, cols: number, epsilon: number): void;
  /** `scratch` holds 3 × `cols` floats. */
  batchNormTrainingGrad(
    dy: number, x: number, mean: number, variance: number, gamma: number, dx: number, dgamma: number, dbeta: number, scratch: number,
    rows: number, cols: number, epsilon: number,
  ): void;
  movingAveragesUpdate(movingMean: number, movingVariance: number, mean: number, variance: number, nextMean: number, nextVariance: number, cols: number, decay: number): void;
}

/** A WasmMemory: Node's type definitions here leave out the WebAssembly global. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The part of the WebAssembly global this file uses. */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The WebAssembly global, typed. */
export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The Emscripten module behind tfjs's BackendWasm, as far as finding its memory goes. */
interface EmscriptenMemoryOwner {
  /** Set by the threaded build's glue (its memory is created in JavaScript and imported). */
  wasmMemory?: WasmMemory;
  /** The single-threaded build exports its memory. */
  asm?: { memory?: WasmMemory };
}

const instances = new WeakMap<WasmMemory, SimdKernels>();
const compiled: { plain?: object; shared?: object } = {};

function compile(kind: 'plain' | 'shared'): object {
  const known = compiled[kind];
  if (known !== undefined) return known;
  const module = new webAssembly.Module(Buffer.from(kind === 'shared' ? SIMD_KERNELS_SHARED_BASE64 : SIMD_KERNELS_PLAIN_BASE64, 'base64'));
  compiled[kind] = module;
  return module;
}

/** The memory of the Emscripten module `wasm`, or undefined when it hides it. */
export function emscriptenMemory(wasm: unknown): WasmMemory | undefined {
  const owner = wasm as EmscriptenMemoryOwner | undefined;
  const memory = owner?.wasmMemory ?? owner?.asm?.memory;
  return memory instanceof webAssembly.Memory ? memory : undefined;
}

/**
 * The kernels on `memory` (one instance per memory, made on first use): the shared-memory
 * module for the threaded build's SharedArrayBuffer, the plain one otherwise.
 */
export function simdKernelsOn(memory: WasmMemory): SimdKernels {
  const known = instances.get(memory);
  if (known !== undefined) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const instance = new webAssembly.Instance(compile(shared ? 'shared' : 'plain'), { env: { memory } });
  const { exports } = instance;
  const kernel = (name: string): ((...args: number[]) => void) => {
    const func = exports[name];
    if (typeof func !== 'function') throw new Error(`simdKernels.wasm lacks the ${name} export; rebuild it with scripts/build-simd-kernels.mjs`);
    return func as (...args: number[]) => void;
  };
  const kernels: SimdKernels = {
    maxPoolGrad: kernel('max_pool_grad'),
    columnSum: kernel('column_sum'),
    addRows: kernel('add_rows'),
    conv2dBackpropFilterTaps: kernel('conv2d_backprop_filter_taps'),
    sgdUpdate: kernel('sgd_update'),
    momentumUpdate: kernel('momentum_update'),
    adamUpdate: kernel('adam_update'),
    rmspropUpdate: kernel('rmsprop_update'),
    batchNormTraining: kernel('batch_norm_training'),
    batchNormTrainingGrad: kernel('batch_norm_training_grad'),
    movingAveragesUpdate: kernel('moving_averages_update'),
  };
  instances.set(memory, kernels);
  return kernels;
}
