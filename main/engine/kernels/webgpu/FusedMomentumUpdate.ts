import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FusedMomentumUpdate, type FusedMomentumUpdateAttrs, type FusedMomentumUpdateInputs } from '../fusedUpdates';
import { runInPlaceUpdate, type InPlaceUpdate } from './inPlaceUpdate';

/** tfjs's MomentumOptimizer: a ← momentum·a + g, then w ← (−lr)·a + w. */
const MOMENTUM: InPlaceUpdate = {
  key: 'modelLabFusedMomentum',
  written: ['variable', 'accumulation'],
  read: ['gradient'],
  scalars: [],
  uniforms: ['negLearningRate', 'momentum'],
  body: `
    let g = gradient[i];
    let a = u.momentum * accumulation[i] + g;
    accumulation[i] = a;
    variable[i] = u.negLearningRate * a + variable[i];`,
};

/** With Nesterov: w ← (−lr)·(g + a·momentum) + w. */
const NESTEROV: InPlaceUpdate = {
  ...MOMENTUM,
  key: 'modelLabFusedNesterov',
  body: `
    let g = gradient[i];
    let a = u.momentum * accumulation[i] + g;
    accumulation[i] = a;
    variable[i] = u.negLearningRate * (g + a * u.momentum) + variable[i];`,
};

function fusedMomentumUpdate(args: Parameters<KernelFunc>[0]): [] {
  const attrs = args.attrs as unknown as FusedMomentumUpdateAttrs;
  runInPlaceUpdate(args.backend as WebGPUBackend, attrs.nesterov ? NESTEROV : MOMENTUM, args.inputs as FusedMomentumUpdateInputs, {
    negLearningRate: -attrs.learningRate, momentum: attrs.momentum,
  });
  return [];
}

/** SGD with (Nesterov) momentum: the update of one variable in one WebGPU dispatch. */
export const fusedMomentumUpdateConfig: KernelConfig = {
  kernelName: FusedMomentumUpdate,
  backendName: 'webgpu',
  kernelFunc: fusedMomentumUpdate,
};
