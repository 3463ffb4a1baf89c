import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { BatchNormTraining, type BatchNormTrainingAttrs, type BatchNormTrainingInputs } from '../fusedBatchNorm';
import { channelReduction, ChannelSumsProgram, ChannelwiseProgram, emptyBatchNormResults, emptyTensor, runChannelSums, runChannelwise, SUM_PARTIALS } from './batchNormPrograms';
import { runInPlaceUpdate, type InPlaceUpdate } from './inPlaceUpdate';

/**
 * Mean and variance from the slices' sums of d = x − shift and d², shifted by the channel's
 * first value: sums of raw x and x² would cancel catastrophically in float32 whenever the
 * mean is large against the spread.
 */
const MOMENTS: InPlaceUpdate = {
  key: 'modelLabBatchNormMoments',
  written: ['mean', 'variance'],
  read: ['partials', 'x'],
  scalars: [],
  uniforms: ['slices', 'count'],
  body: `${SUM_PARTIALS}
    let shifted = first / u.count;
    mean[i] = x[i] + shifted;
    variance[i] = max(second / u.count - shifted * shifted, T(0.0));`,
};

function batchNormTraining(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { x, gamma, beta } = args.inputs as BatchNormTrainingInputs;
  const { epsilon } = args.attrs as unknown as BatchNormTrainingAttrs;
  const backend = args.backend as WebGPUBackend;
  const reduction = channelReduction(x.shape);
  if (reduction.rows * reduction.channels === 0) return emptyBatchNormResults(backend, x.shape);
  const channels = [reduction.channels];
  const sums = runChannelSums(backend, new ChannelSumsProgram(
    reduction, ['x'], 'modelLabBatchNormSums', 'let shift = x[c];',
    'let d = x[p * uniforms.channels + c] - shift; let first = d; let second = d * d;',
  ), [x], reduction, epsilon);
  const mean = emptyTensor(backend, channels);
  const variance = emptyTensor(backend, channels);
  runInPlaceUpdate(backend, MOMENTS, { mean, variance, partials: sums, x }, { slices: reduction.slices, count: reduction.rows });
  backend.disposeData(sums.dataId);
  const y = runChannelwise(backend, new ChannelwiseProgram(
    x.shape, ['x', 'mean', 'variance', 'gamma', 'beta'], 'modelLabBatchNormApply',
    'value = (x[index] - mean[c]) * inverseSqrt(variance[c] + uniforms.epsilon) * gamma[c] + beta[c];',
  ), [x, mean, variance, gamma, beta], x.shape, epsilon, reduction.rows);
  return [y, mean, variance];
}

/** Training-mode batch normalization for the webgpu backend: statistics in two passes, the normalisation in a third. */
export const batchNormTrainingConfig: KernelConfig = {
  kernelName: BatchNormTraining,
  backendName: 'webgpu',
  kernelFunc: batchNormTraining,
};
