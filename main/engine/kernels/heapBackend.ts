import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { DisposingBackend } from './kernelScope';
import { emscriptenMemory, simdKernelsOn, type SimdKernels } from './simd/simdKernels';

/**
 * The part of the wasm backend that kernels working on its memory use: tensors live in
 * the Emscripten module's linear memory (`wasm`), `makeOutput` allocates there and
 * `getMemoryOffset` gives a tensor's byte address.
 */
export interface HeapBackend extends DisposingBackend {
  wasm: unknown;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  getMemoryOffset(dataId: DataId): number;
}

/**
 * The SIMD kernels on `backend`'s memory, or undefined when its module does not show its
 * memory (a tfjs build other than 4.22's): callers then run tfjs's own kernel.
 */
export function simdKernelsOf(backend: HeapBackend): SimdKernels | undefined {
  const memory = emscriptenMemory(backend.wasm);
  return memory === undefined ? undefined : simdKernelsOn(memory);
}

/**
 * The SIMD kernels on `backend`'s memory, for kernels that have no tfjs kernel to fall back
 * on (the fused optimizer updates and batch normalization, which `confirmWasmKernels`
 * unregisters when the memory is hidden).
 * @throws Error naming `kernelName` when the memory is hidden all the same.
 */
export function requireSimdKernels(backend: HeapBackend, kernelName: string): SimdKernels {
  const kernels = simdKernelsOf(backend);
  if (kernels === undefined) throw new Error(`wasm backend ${kernelName} needs the backend's WebAssembly memory, which this tfjs-backend-wasm build does not show.`);
  return kernels;
}

/** The byte address of `tensor` in the backend's memory. */
export function addressOf(backend: HeapBackend, tensor: TensorInfo): number {
  return backend.getMemoryOffset(tensor.dataId);
}

/** Runs `body` with the address of `floats` float32s of scratch in the backend's memory, freed afterwards. */
export function withScratch<T>(backend: HeapBackend, floats: number, body: (address: number) => T): T {
  const scratch = backend.makeOutput([floats], 'float32');
  try {
    return body(addressOf(backend, scratch));
  } finally {
    backend.disposeData(scratch.dataId);
  }
}
