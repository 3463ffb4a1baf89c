import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { DisposingBackend } from './kernelScope';

/**
 * The part of the wasm backend that kernels written in JavaScript use: tensors live in the
 * module's linear memory, `makeOutput` allocates there and `typedArrayFromHeap` views a
 * tensor's bytes without copying. A view is valid until the next allocation (which may grow
 * the heap), so kernels take their views after allocating their outputs.
 */
export interface HeapBackend extends DisposingBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(tensor: TensorInfo): Float32Array | Int32Array | Uint8Array;
}
