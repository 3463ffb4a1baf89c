import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { MovingAveragesUpdate, type MovingAveragesUpdateAttrs, type MovingAveragesUpdateInputs } from './fusedBatchNorm';
import { addressOf, requireSimdKernels, type HeapBackend } from './heapBackend';

function movingAveragesUpdate(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { movingMean, movingVariance, mean, variance } = args.inputs as MovingAveragesUpdateInputs;
  const { decay } = args.attrs as unknown as MovingAveragesUpdateAttrs;
  const backend = args.backend as HeapBackend;
  const kernels = requireSimdKernels(backend, MovingAveragesUpdate);
  const nextMean = backend.makeOutput(movingMean.shape, 'float32');
  const nextVariance = backend.makeOutput(movingVariance.shape, 'float32');
  const at = (tensor: TensorInfo): number => addressOf(backend, tensor);
  kernels.movingAveragesUpdate(at(movingMean), at(movingVariance), at(mean), at(variance), at(nextMean), at(nextVariance), util.sizeFromShape(movingMean.shape), decay);
  return [nextMean, nextVariance];
}

/**
 * The moving statistics' next values, as new tensors the layer assigns: like the weights
 * (./FusedAdamUpdate.ts), they are not rewritten in place on wasm.
 */
export const movingAveragesUpdateConfig: KernelConfig = {
  kernelName: MovingAveragesUpdate,
  backendName: 'wasm',
  kernelFunc: movingAveragesUpdate,
};
