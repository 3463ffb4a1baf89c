import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { BatchNormTraining, batchNormOutputs, channelRows, type BatchNormTrainingAttrs, type BatchNormTrainingInputs } from './fusedBatchNorm';
import { addressOf, requireSimdKernels, withScratch, type HeapBackend } from './heapBackend';

function batchNormTraining(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { x, gamma, beta } = args.inputs as BatchNormTrainingInputs;
  const { epsilon } = args.attrs as unknown as BatchNormTrainingAttrs;
  const backend = args.backend as HeapBackend;
  const kernels = requireSimdKernels(backend, BatchNormTraining);
  const { channels, rows } = channelRows(x.shape);
  const [y, mean, variance] = batchNormOutputs(backend, x.shape);
  const at = (tensor: TensorInfo): number => addressOf(backend, tensor);
  withScratch(backend, channels, (scratch) => kernels.batchNormTraining(at(x), at(gamma), at(beta), at(y), at(mean), at(variance), scratch, rows, channels, epsilon));
  return [y, mean, variance];
}

/** Batch normalization in training mode: statistics and output in three SIMD passes (simd/simdKernels.c). */
export const batchNormTrainingConfig: KernelConfig = {
  kernelName: BatchNormTraining,
  backendName: 'wasm',
  kernelFunc: batchNormTraining,
};
