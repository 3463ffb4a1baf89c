import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { FusedSgdUpdate, type FusedSgdUpdateAttrs, type FusedSgdUpdateInputs } from './fusedUpdates';
import { addressOf, requireSimdKernels, type HeapBackend } from './heapBackend';

function fusedSgdUpdate(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { variable, gradient } = args.inputs as FusedSgdUpdateInputs;
  const { learningRate } = args.attrs as unknown as FusedSgdUpdateAttrs;
  const backend = args.backend as HeapBackend;
  const kernels = requireSimdKernels(backend, FusedSgdUpdate);
  const next = backend.makeOutput(variable.shape, 'float32');
  kernels.sgdUpdate(addressOf(backend, variable), addressOf(backend, next), addressOf(backend, gradient), util.sizeFromShape(variable.shape), -learningRate);
  return [next];
}

/** Plain SGD: one SIMD pass (simd/simdKernels.c) that writes the variable's next value. */
export const fusedSgdUpdateConfig: KernelConfig = {
  kernelName: FusedSgdUpdate,
  backendName: 'wasm',
  kernelFunc: fusedSgdUpdate,
};
