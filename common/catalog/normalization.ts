import { z } from 'zod';
import type { LabError } from '../errors';
import type { Shape } from '../graph/shape';
import type { LayerSpec, WeightSpec } from './types';
import { initializerField, kerasBaseConfig, kerasInitializer } from './paramSchemas';
import { badParam, requireKnownDim, resolveAxis, singleInput } from './layerErrors';
import { tfjsInitializer } from './tfjsConfig';

/** Normalization layers (Keras `layers/normalization/`). */

/** Checks shared by both normalizations. Keras itself does not check these; a zero epsilon divides by zero. */
function validateEpsilon(epsilon: number): LabError[] {
  return epsilon > 0 ? [] : [badParam('epsilon', 'Expected `epsilon` to be a strictly positive number.', epsilon)];
}

// ---------------------------------------------------------------- BatchNormalization

const batchNormalizationParams = z.object({
  axis: z.number().int().default(-1).describe('The features axis to normalize per channel (-1: channels_last).'),
  momentum: z.number().default(0.99).describe('Momentum of the moving mean and variance.'),
  epsilon: z.number().default(0.001).describe('Added to the variance to avoid dividing by zero.'),
  center: z.boolean().default(true).describe('Learn an offset beta.'),
  scale: z.boolean().default(true).describe('Learn a scale gamma.'),
  beta_initializer: initializerField('zeros', 'Initializer of beta.'),
  gamma_initializer: initializerField('ones', 'Initializer of gamma.'),
  moving_mean_initializer: initializerField('zeros', 'Initializer of the moving mean.'),
  moving_variance_initializer: initializerField('ones', 'Initializer of the moving variance.'),
});
/** BatchNormalization arguments, Keras names. */
export type BatchNormalizationParams = z.infer<typeof batchNormalizationParams>;

function channelCount(inputs: readonly Shape[], axis: number): number {
  const shape = singleInput(inputs);
  return requireKnownDim(shape, resolveAxis(axis, shape), `normalized axis (${axis})`);
}

/** Keras `BatchNormalization`. Its moving statistics count as non-trainable parameters. */
export const batchNormalization: LayerSpec<BatchNormalizationParams> = {
  type: 'BatchNormalization',
  family: 'normalization',
  summary: 'Normalizes each channel over the batch; steadies and speeds up training.',
  docs: { input: 'any tensor', output: 'same shape as input' },
  params: batchNormalizationParams,
  keyParams: ['momentum', 'epsilon'],
  arity: { min: 1, max: 1 },
  validate: (params) => {
    const errors = validateEpsilon(params.epsilon);
    if (params.momentum < 0 || params.momentum > 1) errors.push(badParam('momentum', 'Expected `momentum` in [0, 1].', params.momentum));
    return errors;
  },
  outputShape: (inputs, params) => {
    channelCount(inputs, params.axis);
    return singleInput(inputs);
  },
  // Keras order: gamma, beta, moving_mean, moving_variance.
  weights: (inputs, params) => {
    const channels = channelCount(inputs, params.axis);
    const weights: WeightSpec[] = [];
    if (params.scale) weights.push({ name: 'gamma', shape: [channels], trainable: true });
    if (params.center) weights.push({ name: 'beta', shape: [channels], trainable: true });
    weights.push({ name: 'moving_mean', shape: [channels], trainable: false });
    weights.push({ name: 'moving_variance', shape: [channels], trainable: false });
    return weights;
  },
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    axis: params.axis,
    momentum: params.momentum,
    epsilon: params.epsilon,
    center: params.center,
    scale: params.scale,
    beta_initializer: kerasInitializer(params.beta_initializer),
    gamma_initializer: kerasInitializer(params.gamma_initializer),
    moving_mean_initializer: kerasInitializer(params.moving_mean_initializer),
    moving_variance_initializer: kerasInitializer(params.moving_variance_initializer),
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null,
  }),
  tfjsConfig: (params) => ({
    factory: 'batchNormalization',
    args: {
      axis: params.axis,
      momentum: params.momentum,
      epsilon: params.epsilon,
      center: params.center,
      scale: params.scale,
      betaInitializer: tfjsInitializer(params.beta_initializer),
      gammaInitializer: tfjsInitializer(params.gamma_initializer),
      movingMeanInitializer: tfjsInitializer(params.moving_mean_initializer),
      movingVarianceInitializer: tfjsInitializer(params.moving_variance_initializer),
    },
  }),
};

// ---------------------------------------------------------------- LayerNormalization

const layerNormalizationParams = z.object({
  axis: z
    .union([z.number().int(), z.array(z.number().int()).min(1)])
    .default(-1)
    .describe('Axis or axes normalized within each sample (-1: the features axis).'),
  epsilon: z.number().default(0.001).describe('Added to the variance to avoid dividing by zero.'),
  center: z.boolean().default(true).describe('Learn an offset beta.'),
  scale: z.boolean().default(true).describe('Learn a scale gamma.'),
  beta_initializer: initializerField('zeros', 'Initializer of beta.'),
  gamma_initializer: initializerField('ones', 'Initializer of gamma.'),
});
/** LayerNormalization arguments, Keras names. */
export type LayerNormalizationParams = z.infer<typeof layerNormalizationParams>;

/** Keras `LayerNormalization.build`: the weight shape is the input's size along each normalized axis. */
function layerNormParamShape(inputs: readonly Shape[], axis: number | number[]): number[] {
  const shape = singleInput(inputs);
  const axes = typeof axis === 'number' ? [axis] : axis;
  return axes.map((a) => requireKnownDim(shape, resolveAxis(a, shape), `normalized axis (${a})`));
}

/** Keras `LayerNormalization`. */
export const layerNormalization: LayerSpec<LayerNormalizationParams> = {
  type: 'LayerNormalization',
  family: 'normalization',
  summary: 'Normalizes each sample over its features; independent of batch size.',
  docs: { input: 'any tensor', output: 'same shape as input' },
  params: layerNormalizationParams,
  keyParams: ['axis', 'epsilon'],
  arity: { min: 1, max: 1 },
  validate: (params) => validateEpsilon(params.epsilon),
  outputShape: (inputs, params) => {
    layerNormParamShape(inputs, params.axis);
    return singleInput(inputs);
  },
  weights: (inputs, params) => {
    const paramShape = layerNormParamShape(inputs, params.axis);
    const weights: WeightSpec[] = [];
    if (params.scale) weights.push({ name: 'gamma', shape: paramShape, trainable: true });
    if (params.center) weights.push({ name: 'beta', shape: paramShape, trainable: true });
    return weights;
  },
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    axis: params.axis,
    epsilon: params.epsilon,
    center: params.center,
    scale: params.scale,
    beta_initializer: kerasInitializer(params.beta_initializer),
    gamma_initializer: kerasInitializer(params.gamma_initializer),
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null,
  }),
  tfjsConfig: (params) => ({
    factory: 'layerNormalization',
    args: {
      axis: typeof params.axis === 'number' ? params.axis : [...params.axis],
      epsilon: params.epsilon,
      center: params.center,
      scale: params.scale,
      betaInitializer: tfjsInitializer(params.beta_initializer),
      gammaInitializer: tfjsInitializer(params.gamma_initializer),
    },
  }),
};
