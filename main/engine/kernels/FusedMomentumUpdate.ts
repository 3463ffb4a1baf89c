import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { FusedMomentumUpdate, type FusedMomentumUpdateAttrs, type FusedMomentumUpdateInputs } from './fusedUpdates';
import { addressOf, requireSimdKernels, type HeapBackend } from './heapBackend';

function fusedMomentumUpdate(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { variable, gradient, accumulation } = args.inputs as FusedMomentumUpdateInputs;
  const { learningRate, momentum, nesterov } = args.attrs as unknown as FusedMomentumUpdateAttrs;
  const backend = args.backend as HeapBackend;
  const kernels = requireSimdKernels(backend, FusedMomentumUpdate);
  const next = backend.makeOutput(variable.shape, 'float32');
  kernels.momentumUpdate(
    addressOf(backend, variable), addressOf(backend, next), addressOf(backend, gradient), addressOf(backend, accumulation),
    util.sizeFromShape(variable.shape), -learningRate, momentum, nesterov ? 1 : 0,
  );
  return [next];
}

/** SGD with momentum, optionally Nesterov: one SIMD pass that writes the variable's next value and its accumulation. */
export const fusedMomentumUpdateConfig: KernelConfig = {
  kernelName: FusedMomentumUpdate,
  backendName: 'wasm',
  kernelFunc: fusedMomentumUpdate,
};
