import type * as tfjs from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tfjs as TfModule } from '../backend';
import { ownData } from './fusedUpdates';

/**
 * Batch normalization in training mode as two kernels (forward; gradient in closed form)
 * and the moving-average update as one, for backends that register them. Composed from
 * tfjs ops, a training step of one BatchNormalization layer runs about forty-five kernels
 * (moments, normalisation, their gradients through every op, six for the moving
 * averages); fused it runs seven. The statistics reduce over every axis but the last
 * (channels-last data, Keras's default axis).
 */

/** [y, mean, variance] of x normalised per channel with its batch statistics (population variance, as tfjs). */
export const BatchNormTraining = 'ModelLabBatchNormTraining';
export interface BatchNormTrainingInputs extends NamedTensorInfoMap {
  x: TensorInfo;
  gamma: TensorInfo;
  beta: TensorInfo;
}
export interface BatchNormTrainingAttrs {
  epsilon: number;
}

/**
 * [dx, dgamma, dbeta] of `BatchNormTraining`, through the batch statistics:
 * dx = γ·r·(dy − Σdy/n − x̂·Σ(dy·x̂)/n), dγ = Σ dy·x̂, dβ = Σ dy, with r = 1/√(var + ε).
 */
export const BatchNormTrainingGrad = 'ModelLabBatchNormTrainingGrad';
export interface BatchNormTrainingGradInputs extends NamedTensorInfoMap {
  dy: TensorInfo;
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  gamma: TensorInfo;
}

/**
 * movingMean and movingVariance each move towards the batch's by `decay` (1 − momentum):
 * in place when the kernel returns no tensor (webgpu), or as the two next values, which the
 * caller assigns (wasm, where tensors are not rewritten in place: see ./fusedUpdates.ts).
 */
export const MovingAveragesUpdate = 'ModelLabMovingAveragesUpdate';
export interface MovingAveragesUpdateInputs extends NamedTensorInfoMap {
  movingMean: TensorInfo;
  movingVariance: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
}
export interface MovingAveragesUpdateAttrs {
  decay: number;
}

/** The channels (the last axis) of a batch-norm input and the rows of them its statistics reduce over. */
export function channelRows(shape: readonly number[]): { channels: number; rows: number } {
  const channels = shape[shape.length - 1] ?? 1;
  return { channels, rows: channels === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / channels };
}

/**
 * Allocates the three outputs both batch-norm kernels return, [like x, per channel, per
 * channel], on a backend that allocates with `makeOutput` (wasm).
 */
export function batchNormOutputs(backend: { makeOutput(shape: number[], dtype: 'float32'): TensorInfo }, shape: number[]): [TensorInfo, TensorInfo, TensorInfo] {
  const { channels } = channelRows(shape);
  return [backend.makeOutput(shape, 'float32'), backend.makeOutput([channels], 'float32'), backend.makeOutput([channels], 'float32')];
}

/** True when the active backend runs batch normalization fused. */
export function hasFusedBatchNorm(tf: TfModule): boolean {
  const backend = tf.getBackend();
  return [BatchNormTraining, BatchNormTrainingGrad, MovingAveragesUpdate].every((name) => tf.getKernel(name, backend) !== undefined);
}

/**
 * Normalises `x` with its batch statistics and returns them too (the caller disposes
 * all three); gradients flow to x, gamma and beta through the fused gradient kernel.
 */
export function batchNormTraining(tf: TfModule, x: tfjs.Tensor, gamma: tfjs.Tensor, beta: tfjs.Tensor, epsilon: number): { y: tfjs.Tensor; mean: tfjs.Tensor; variance: tfjs.Tensor } {
  let statistics: tfjs.Tensor[] = [];
  const attrs = { epsilon } as unknown as NamedAttrMap;
  // customGrad passes the inputs, then the function that saves tensors for the gradient.
  const normalize = tf.customGrad((...args: Array<tfjs.Tensor | tfjs.GradSaveFunc>) => {
    const [input, scale, offset, save] = args as [tfjs.Tensor, tfjs.Tensor, tfjs.Tensor, tfjs.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(BatchNormTraining, { x: input, gamma: scale, beta: offset }, attrs) as tfjs.Tensor[];
    // The forward runs in a scope that frees everything but y; the statistics leave it kept.
    statistics = [tf.keep(mean as tfjs.Tensor), tf.keep(variance as tfjs.Tensor)];
    save([input, scale, mean as tfjs.Tensor, variance as tfjs.Tensor]);
    return {
      value: y as tfjs.Tensor,
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]): tfjs.Tensor[] => {
        const [savedX, savedGamma, savedMean, savedVariance] = saved;
        return tf.engine().runKernel(BatchNormTrainingGrad, { dy, x: savedX as tfjs.Tensor, mean: savedMean as tfjs.Tensor, variance: savedVariance as tfjs.Tensor, gamma: savedGamma as tfjs.Tensor }, attrs) as tfjs.Tensor[];
      },
    };
  });
  const y = normalize(x, gamma, beta) as tfjs.Tensor;
  const [mean, variance] = statistics as [tfjs.Tensor, tfjs.Tensor];
  return { y, mean, variance };
}

/**
 * Moves the moving statistics towards the batch's as tfjs's BatchNormalization does
 * (moving ← moving − (moving − batch)·(1 − momentum)), in one kernel. A kernel that writes
 * the moving variables in place needs them to have data of their own, so they get it first
 * if other tensors share it; one that returns their next values has them assigned.
 */
export function updateMovingAverages(tf: TfModule, movingMean: tfjs.Variable, movingVariance: tfjs.Variable, mean: tfjs.Tensor, variance: tfjs.Tensor, momentum: number): void {
  ownData(tf, movingMean);
  ownData(tf, movingVariance);
  const next = tf.engine().runKernel(MovingAveragesUpdate, { movingMean, movingVariance, mean, variance }, { decay: 1 - momentum } as unknown as NamedAttrMap) as tfjs.Tensor[];
  const [nextMean, nextVariance] = next;
  if (nextMean === undefined || nextVariance === undefined) return;
  movingMean.assign(nextMean);
  movingVariance.assign(nextVariance);
  tf.dispose(next);
}
