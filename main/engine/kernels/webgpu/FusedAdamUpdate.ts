import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { FusedAdamUpdate, type FusedAdamUpdateAttrs, type FusedAdamUpdateInputs } from '../fusedUpdates';
import { runInPlaceUpdate, type InPlaceUpdate } from './inPlaceUpdate';

/**
 * tfjs's Adam arithmetic in its order, one variable per dispatch:
 *   m ← m·β1 + g·(1−β1),  v ← v·β2 + g²·(1−β2)
 *   w ← (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε) · (−lr) + w·decay
 */
const ADAM: InPlaceUpdate = {
  key: 'modelLabFusedAdam',
  written: ['variable', 'firstMoment', 'secondMoment'],
  read: ['gradient', 'accBeta1', 'accBeta2'],
  scalars: ['accBeta1', 'accBeta2'],
  uniforms: ['negLearningRate', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'epsilon', 'decayFactor'],
  body: `
    let g = gradient[i];
    let m = firstMoment[i] * u.beta1 + g * u.oneMinusBeta1;
    let v = secondMoment[i] * u.beta2 + (g * g) * u.oneMinusBeta2;
    firstMoment[i] = m;
    secondMoment[i] = v;
    let mHat = m / (1.0 - accBeta1[0]);
    let vHat = v / (1.0 - accBeta2[0]);
    variable[i] = (mHat / (sqrt(vHat) + u.epsilon)) * u.negLearningRate + variable[i] * u.decayFactor;`,
};

function fusedAdamUpdate(args: Parameters<KernelFunc>[0]): [] {
  const attrs = args.attrs as unknown as FusedAdamUpdateAttrs;
  runInPlaceUpdate(args.backend as WebGPUBackend, ADAM, args.inputs as FusedAdamUpdateInputs, {
    negLearningRate: -attrs.learningRate, beta1: attrs.beta1, oneMinusBeta1: 1 - attrs.beta1, beta2: attrs.beta2,
    oneMinusBeta2: 1 - attrs.beta2, epsilon: attrs.epsilon, decayFactor: attrs.decayFactor,
  });
  return [];
}

/** Adam and AdamW's update of one variable in one WebGPU dispatch. */
export const fusedAdamUpdateConfig: KernelConfig = {
  kernelName: FusedAdamUpdate,
  backendName: 'webgpu',
  kernelFunc: fusedAdamUpdate,
};
