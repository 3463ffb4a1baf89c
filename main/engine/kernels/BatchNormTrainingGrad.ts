import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { BatchNormTrainingGrad, batchNormOutputs, channelRows, type BatchNormTrainingAttrs, type BatchNormTrainingGradInputs } from './fusedBatchNorm';
import { addressOf, requireSimdKernels, withScratch, type HeapBackend } from './heapBackend';

function batchNormTrainingGrad(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { dy, x, mean, variance, gamma } = args.inputs as BatchNormTrainingGradInputs;
  const { epsilon } = args.attrs as unknown as BatchNormTrainingAttrs;
  const backend = args.backend as HeapBackend;
  const kernels = requireSimdKernels(backend, BatchNormTrainingGrad);
  const { channels, rows } = channelRows(x.shape);
  const [dx, dgamma, dbeta] = batchNormOutputs(backend, x.shape);
  const at = (tensor: TensorInfo): number => addressOf(backend, tensor);
  withScratch(backend, 3 * channels, (scratch) => kernels.batchNormTrainingGrad(at(dy), at(x), at(mean), at(variance), at(gamma), at(dx), at(dgamma), at(dbeta), scratch, rows, channels, epsilon));
  return [dx, dgamma, dbeta];
}

/** [dx, dgamma, dbeta] of BatchNormTraining in two SIMD passes (simd/simdKernels.c). */
export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: BatchNormTrainingGrad,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingGrad,
};
