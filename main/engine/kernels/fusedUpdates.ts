import type * as tfjs from '@tensorflow/tfjs';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tfjs as TfModule } from '../backend';

/**
 * Optimizer updates as single kernels: the variable and its optimizer state are updated
 * in one pass, instead of the ten or so element-wise kernels (and as many new buffers)
 * tfjs's optimizers run per variable. A backend that registers one of these names gets the
 * fused step from `main/engine/train/fusedOptimizers.ts`; every other backend keeps tfjs's
 * own update. The state tensors are rewritten in place, which requires that nothing but
 * they themselves hold their data. The variable is rewritten in place too when the kernel
 * returns no tensor (webgpu); a kernel may instead return one tensor, the variable's next
 * value, which the caller assigns to it (wasm: tfjs-backend-wasm keeps XNNPACK's packed
 * copy of a weight for as long as its tensor lives, so a weight rewritten in place would
 * leave the next forward pass on the old values).
 */

/** Adam (and AdamW through `decayFactor`): tfjs's AdamOptimizer step for one variable. */
export const FusedAdamUpdate = 'ModelLabFusedAdamUpdate';
export interface FusedAdamUpdateInputs extends NamedTensorInfoMap {
  variable: TensorInfo;
  gradient: TensorInfo;
  firstMoment: TensorInfo;
  secondMoment: TensorInfo;
  /** beta1 to the power of the step number, before this step (a scalar). */
  accBeta1: TensorInfo;
  accBeta2: TensorInfo;
}
export interface FusedAdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** The variable is multiplied by this before the Adam step: 1 − lr·weightDecay for AdamW, 1 for Adam. */
  decayFactor: number;
}

/** SGD with momentum, optionally Nesterov: tfjs's MomentumOptimizer step. */
export const FusedMomentumUpdate = 'ModelLabFusedMomentumUpdate';
export interface FusedMomentumUpdateInputs extends NamedTensorInfoMap {
  variable: TensorInfo;
  gradient: TensorInfo;
  accumulation: TensorInfo;
}
export interface FusedMomentumUpdateAttrs {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

/** Plain SGD: tfjs's SGDOptimizer step. */
export const FusedSgdUpdate = 'ModelLabFusedSgdUpdate';
export interface FusedSgdUpdateInputs extends NamedTensorInfoMap {
  variable: TensorInfo;
  gradient: TensorInfo;
}
export interface FusedSgdUpdateAttrs {
  learningRate: number;
}

/** RMSprop, plain or centered: tfjs's RMSPropOptimizer step. */
export const FusedRmspropUpdate = 'ModelLabFusedRmspropUpdate';
export interface FusedRmspropUpdateInputs extends NamedTensorInfoMap {
  variable: TensorInfo;
  gradient: TensorInfo;
  meanSquare: TensorInfo;
  moment: TensorInfo;
  /** Only when centered. */
  meanGrad?: TensorInfo;
}
export interface FusedRmspropUpdateAttrs {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
}

/**
 * Gives `variable` data of its own when other tensors share it (`tf.variable(t)` and
 * `assign(t)` share t's until t is disposed): the fused kernels write in place, which must
 * not show through another tensor. Copying once costs one kernel; afterwards the variable
 * owns what the kernels write.
 */
export function ownData(tf: TfModule, variable: tfjs.Variable): void {
  if (tf.backend().refCount(variable.dataId) === 1) return;
  tf.tidy(() => {
    variable.assign(tf.mul(variable, 1));
  });
}
