import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { FusedAdamUpdate, type FusedAdamUpdateAttrs, type FusedAdamUpdateInputs } from './fusedUpdates';
import { addressOf, requireSimdKernels, type HeapBackend } from './heapBackend';

function fusedAdamUpdate(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { variable, gradient, firstMoment, secondMoment, accBeta1, accBeta2 } = args.inputs as FusedAdamUpdateInputs;
  const { learningRate, beta1, beta2, epsilon, decayFactor } = args.attrs as unknown as FusedAdamUpdateAttrs;
  const backend = args.backend as HeapBackend;
  const at = (tensor: typeof variable): number => addressOf(backend, tensor);
  const kernels = requireSimdKernels(backend, FusedAdamUpdate);
  const next = backend.makeOutput(variable.shape, 'float32');
  kernels.adamUpdate(
    at(variable), at(next), at(gradient), at(firstMoment), at(secondMoment), at(accBeta1), at(accBeta2), util.sizeFromShape(variable.shape),
    -learningRate, beta1, 1 - beta1, beta2, 1 - beta2, epsilon, decayFactor,
  );
  return [next];
}

/** Adam and AdamW: one SIMD pass (simd/simdKernels.c) that writes the variable's next value and both moments. */
export const fusedAdamUpdateConfig: KernelConfig = {
  kernelName: FusedAdamUpdate,
  backendName: 'wasm',
  kernelFunc: fusedAdamUpdate,
};
