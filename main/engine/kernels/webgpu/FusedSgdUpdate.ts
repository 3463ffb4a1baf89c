import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FusedSgdUpdate, type FusedSgdUpdateAttrs, type FusedSgdUpdateInputs } from '../fusedUpdates';
import { runInPlaceUpdate, type InPlaceUpdate } from './inPlaceUpdate';

/** tfjs's SGDOptimizer: w ← (−lr)·g + w. */
const SGD: InPlaceUpdate = {
  key: 'modelLabFusedSgd',
  written: ['variable'],
  read: ['gradient'],
  scalars: [],
  uniforms: ['negLearningRate'],
  body: 'variable[i] = u.negLearningRate * gradient[i] + variable[i];',
};

function fusedSgdUpdate(args: Parameters<KernelFunc>[0]): [] {
  const attrs = args.attrs as unknown as FusedSgdUpdateAttrs;
  runInPlaceUpdate(args.backend as WebGPUBackend, SGD, args.inputs as FusedSgdUpdateInputs, { negLearningRate: -attrs.learningRate });
  return [];
}

/** Plain SGD: the update of one variable in one WebGPU dispatch, without a new buffer. */
export const fusedSgdUpdateConfig: KernelConfig = {
  kernelName: FusedSgdUpdate,
  backendName: 'webgpu',
  kernelFunc: fusedSgdUpdate,
};
