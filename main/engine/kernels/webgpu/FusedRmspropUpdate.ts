import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FusedRmspropUpdate, type FusedRmspropUpdateAttrs, type FusedRmspropUpdateInputs } from '../fusedUpdates';
import { runInPlaceUpdate, type InPlaceUpdate } from './inPlaceUpdate';

/** tfjs's RMSPropOptimizer: s ← s·ρ + g²·(1−ρ), p ← p·momentum + g·lr/√(s+ε), w ← w − p. */
const RMSPROP: InPlaceUpdate = {
  key: 'modelLabFusedRmsprop',
  written: ['variable', 'meanSquare', 'moment'],
  read: ['gradient'],
  scalars: [],
  uniforms: ['learningRate', 'decay', 'oneMinusDecay', 'momentum', 'epsilon'],
  body: `
    let g = gradient[i];
    let s = meanSquare[i] * u.decay + (g * g) * u.oneMinusDecay;
    let p = moment[i] * u.momentum + (g * u.learningRate) / sqrt(s + u.epsilon);
    meanSquare[i] = s;
    moment[i] = p;
    variable[i] = variable[i] - p;`,
};

/** Centered, as tfjs computes it: also μ ← μ·ρ + g·(1−ρ), and the root is √(s − (μ² + ε)). */
const CENTERED: InPlaceUpdate = {
  ...RMSPROP,
  key: 'modelLabFusedRmspropCentered',
  written: ['variable', 'meanSquare', 'moment', 'meanGrad'],
  body: `
    let g = gradient[i];
    let s = meanSquare[i] * u.decay + (g * g) * u.oneMinusDecay;
    let mu = meanGrad[i] * u.decay + g * u.oneMinusDecay;
    let p = moment[i] * u.momentum + (g * u.learningRate) / sqrt(s - (mu * mu + u.epsilon));
    meanSquare[i] = s;
    meanGrad[i] = mu;
    moment[i] = p;
    variable[i] = variable[i] - p;`,
};

function fusedRmspropUpdate(args: Parameters<KernelFunc>[0]): [] {
  const attrs = args.attrs as unknown as FusedRmspropUpdateAttrs;
  runInPlaceUpdate(args.backend as WebGPUBackend, attrs.centered ? CENTERED : RMSPROP, args.inputs as FusedRmspropUpdateInputs, {
    learningRate: attrs.learningRate, decay: attrs.decay, oneMinusDecay: 1 - attrs.decay, momentum: attrs.momentum, epsilon: attrs.epsilon,
  });
  return [];
}

/** RMSprop, plain or centered: the update of one variable in one WebGPU dispatch. */
export const fusedRmspropUpdateConfig: KernelConfig = {
  kernelName: FusedRmspropUpdate,
  backendName: 'webgpu',
  kernelFunc: fusedRmspropUpdate,
};
