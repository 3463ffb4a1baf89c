import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { FusedRmspropUpdate, type FusedRmspropUpdateAttrs, type FusedRmspropUpdateInputs } from './fusedUpdates';
import { addressOf, requireSimdKernels, type HeapBackend } from './heapBackend';

function fusedRmspropUpdate(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { variable, gradient, meanSquare, moment, meanGrad } = args.inputs as FusedRmspropUpdateInputs;
  const { learningRate, decay, momentum, epsilon, centered } = args.attrs as unknown as FusedRmspropUpdateAttrs;
  const backend = args.backend as HeapBackend;
  if (centered && meanGrad === undefined) throw new Error('wasm backend FusedRmspropUpdate expects input meanGrad when centered.');
  const kernels = requireSimdKernels(backend, FusedRmspropUpdate);
  const next = backend.makeOutput(variable.shape, 'float32');
  kernels.rmspropUpdate(
    addressOf(backend, variable), addressOf(backend, next), addressOf(backend, gradient), addressOf(backend, meanSquare), addressOf(backend, moment),
    centered && meanGrad !== undefined ? addressOf(backend, meanGrad) : 0, util.sizeFromShape(variable.shape),
    learningRate, decay, 1 - decay, momentum, epsilon,
  );
  return [next];
}

/** RMSprop, plain or centered: one SIMD pass (simd/simdKernels.c) that writes the variable's next value and its state. */
export const fusedRmspropUpdateConfig: KernelConfig = {
  kernelName: FusedRmspropUpdate,
  backendName: 'wasm',
  kernelFunc: fusedRmspropUpdate,
};
