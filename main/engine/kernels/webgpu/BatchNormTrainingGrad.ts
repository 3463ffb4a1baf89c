import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { BatchNormTrainingGrad, type BatchNormTrainingAttrs, type BatchNormTrainingGradInputs } from '../fusedBatchNorm';
import { channelReduction, ChannelSumsProgram, ChannelwiseProgram, emptyBatchNormResults, emptyTensor, runChannelSums, runChannelwise, SUM_PARTIALS } from './batchNormPrograms';
import { runInPlaceUpdate, type InPlaceUpdate } from './inPlaceUpdate';

/** dβ = Σ dy and dγ = Σ dy·x̂ from the slices' sums. */
const PARAMETER_GRADIENTS: InPlaceUpdate = {
  key: 'modelLabBatchNormParameterGrads',
  written: ['dgamma', 'dbeta'],
  read: ['partials'],
  scalars: [],
  uniforms: ['slices'],
  body: `${SUM_PARTIALS}
    dbeta[i] = first;
    dgamma[i] = second;`,
};

function batchNormTrainingGrad(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const { dy, x, mean, variance, gamma } = args.inputs as BatchNormTrainingGradInputs;
  const { epsilon } = args.attrs as unknown as BatchNormTrainingAttrs;
  const backend = args.backend as WebGPUBackend;
  const reduction = channelReduction(x.shape);
  if (reduction.rows * reduction.channels === 0) return emptyBatchNormResults(backend, x.shape);
  const channels = [reduction.channels];
  const sums = runChannelSums(backend, new ChannelSumsProgram(
    reduction, ['dy', 'x', 'mean', 'variance'], 'modelLabBatchNormGradSums',
    'let m = mean[c]; let r = inverseSqrt(variance[c] + uniforms.epsilon);',
    'let g = dy[p * uniforms.channels + c]; let first = g; let second = g * (x[p * uniforms.channels + c] - m) * r;',
  ), [dy, x, mean, variance], reduction, epsilon);
  const dgamma = emptyTensor(backend, channels);
  const dbeta = emptyTensor(backend, channels);
  runInPlaceUpdate(backend, PARAMETER_GRADIENTS, { dgamma, dbeta, partials: sums }, { slices: reduction.slices });
  backend.disposeData(sums.dataId);
  const dx = runChannelwise(backend, new ChannelwiseProgram(
    x.shape, ['dy', 'x', 'mean', 'variance', 'gamma', 'dgamma', 'dbeta'], 'modelLabBatchNormInputGrad',
    `let r = inverseSqrt(variance[c] + uniforms.epsilon);
     let normalized = (x[index] - mean[c]) * r;
     value = gamma[c] * r * (dy[index] - dbeta[c] / uniforms.count - normalized * dgamma[c] / uniforms.count);`,
  ), [dy, x, mean, variance, gamma, dgamma, dbeta], x.shape, epsilon, reduction.rows);
  return [dx, dgamma, dbeta];
}

/** The gradient of training-mode batch normalization for the webgpu backend, in closed form: two reduction passes and one element-wise pass. */
export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: BatchNormTrainingGrad,
  backendName: 'webgpu',
  kernelFunc: batchNormTrainingGrad,
};
