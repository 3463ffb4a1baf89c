import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { MovingAveragesUpdate, type MovingAveragesUpdateAttrs, type MovingAveragesUpdateInputs } from '../fusedBatchNorm';
import { runInPlaceUpdate, type InPlaceUpdate } from './inPlaceUpdate';

/** tfjs's BatchNormalization update, moving ← moving − (moving − batch)·decay, for both statistics. */
const MOVING_AVERAGES: InPlaceUpdate = {
  key: 'modelLabMovingAverages',
  written: ['movingMean', 'movingVariance'],
  read: ['mean', 'variance'],
  scalars: [],
  uniforms: ['decay'],
  body: `
    movingMean[i] = movingMean[i] - (movingMean[i] - mean[i]) * u.decay;
    movingVariance[i] = movingVariance[i] - (movingVariance[i] - variance[i]) * u.decay;`,
};

function movingAveragesUpdate(args: Parameters<KernelFunc>[0]): [] {
  const { decay } = args.attrs as unknown as MovingAveragesUpdateAttrs;
  runInPlaceUpdate(args.backend as WebGPUBackend, MOVING_AVERAGES, args.inputs as MovingAveragesUpdateInputs, { decay });
  return [];
}

/** A BatchNormalization layer's moving mean and variance updated in place in one WebGPU dispatch. */
export const movingAveragesUpdateConfig: KernelConfig = {
  kernelName: MovingAveragesUpdate,
  backendName: 'webgpu',
  kernelFunc: movingAveragesUpdate,
};
