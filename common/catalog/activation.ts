import { z } from 'zod';
import type { LabError } from '../errors';
import type { LayerSpec } from './types';
import { activationField, initializerField, kerasBaseConfig, kerasInitializer, kerasRegularizer, regularizerField } from './paramSchemas';
import { activationShorthand } from './normalizeUtils';
import { badParam, rankError, requireKnownDim, singleInput } from './layerErrors';
import { tfjsActivation, tfjsInitializer, tfjsRegularizer, type TfjsLimit } from './tfjsConfig';

/** Activation layers (Keras `layers/activations/`). All keep their input's shape. */

const SAME_SHAPE_DOCS = { input: 'any tensor', output: 'same shape as input' };

// ---------------------------------------------------------------- Activation

const activationParams = z.object({
  activation: activationField('relu', 'The function applied element-wise (Keras requires it; the palette starts at relu).'),
});
/** Activation arguments, Keras names. */
export type ActivationParams = z.infer<typeof activationParams>;

/** Keras `Activation`. */
export const activation: LayerSpec<ActivationParams> = {
  type: 'Activation',
  family: 'activation',
  summary: 'Applies a named activation function.',
  docs: SAME_SHAPE_DOCS,
  params: activationParams,
  keyParams: ['activation'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => activationShorthand(raw),
  outputShape: (inputs) => singleInput(inputs),
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), activation: params.activation }),
  requiredArguments: ['activation'],
  tfjsConfig: (params) => ({ factory: 'activation', args: { activation: tfjsActivation(params.activation) } }),
};

// ---------------------------------------------------------------- ReLU

const reluParams = z.object({
  max_value: z.number().nullable().default(null).describe('Upper bound of the output, or null for none (6 gives ReLU6).'),
  negative_slope: z.number().default(0).describe('Slope below the threshold.'),
  threshold: z.number().default(0).describe('Values below it are scaled by negative_slope.'),
});
/** ReLU arguments, Keras names. */
export type ReluParams = z.infer<typeof reluParams>;

/** Keras `ReLU`. */
export const relu: LayerSpec<ReluParams> = {
  type: 'ReLU',
  family: 'activation',
  summary: 'Rectified linear unit with optional cap, leak and threshold.',
  docs: SAME_SHAPE_DOCS,
  params: reluParams,
  keyParams: ['max_value'],
  arity: { min: 1, max: 1 },
  validate: (params) => {
    const errors: LabError[] = [];
    if (params.max_value !== null && params.max_value < 0) {
      errors.push(badParam('max_value', 'max_value of a ReLU layer cannot be a negative value.', params.max_value));
    }
    if (params.negative_slope < 0) {
      errors.push(badParam('negative_slope', 'negative_slope of a ReLU layer cannot be a negative value.', params.negative_slope));
    }
    if (params.threshold < 0) errors.push(badParam('threshold', 'threshold of a ReLU layer cannot be a negative value.', params.threshold));
    return errors;
  },
  outputShape: (inputs) => singleInput(inputs),
  weights: () => [],
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    max_value: params.max_value,
    negative_slope: params.negative_slope,
    threshold: params.threshold,
  }),
  tfjsConfig: (params) => {
    const ownClassOnly: TfjsLimit[] = [];
    if (params.negative_slope !== 0) ownClassOnly.push({ field: 'negative_slope', value: params.negative_slope, reason: 'TF.js 4.22 ReLU has no negative slope.' });
    if (params.threshold !== 0) ownClassOnly.push({ field: 'threshold', value: params.threshold, reason: 'TF.js 4.22 ReLU has no threshold.' });
    return { factory: 'reLU', args: { maxValue: params.max_value, negativeSlope: params.negative_slope, threshold: params.threshold }, ownClassOnly };
  },
};

// ---------------------------------------------------------------- LeakyReLU

const leakyReluParams = z.object({
  negative_slope: z.number().default(0.3).describe('Slope for negative inputs.'),
});
/** LeakyReLU arguments, Keras 3 names (tf.keras 2.x called negative_slope `alpha`). */
export type LeakyReluParams = z.infer<typeof leakyReluParams>;

/** Keras `LeakyReLU`. */
export const leakyRelu: LayerSpec<LeakyReluParams> = {
  type: 'LeakyReLU',
  family: 'activation',
  summary: 'ReLU that lets a small slope through for negative inputs.',
  docs: SAME_SHAPE_DOCS,
  params: leakyReluParams,
  keyParams: ['negative_slope'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => {
    if (!('alpha' in raw)) return raw;
    const { alpha, ...rest } = raw;
    return rest['negative_slope'] === undefined ? { ...rest, negative_slope: alpha } : rest;
  },
  validate: (params) =>
    params.negative_slope >= 0
      ? []
      : [badParam('negative_slope', 'The negative_slope value of a Leaky ReLU layer cannot be None or negative.', params.negative_slope)],
  outputShape: (inputs) => singleInput(inputs),
  weights: () => [],
  // tf.keras 2.x names the slope `alpha`; Keras 3 still reads `alpha` when loading.
  kerasConfig: (params) => ({ ...kerasBaseConfig(), alpha: params.negative_slope }),
  tfjsConfig: (params) => ({ factory: 'leakyReLU', args: { alpha: params.negative_slope } }),
};

// ---------------------------------------------------------------- PReLU

const preluParams = z.object({
  alpha_initializer: initializerField('zeros', 'Initializer of the learned slopes.'),
  alpha_regularizer: regularizerField('L1/L2 penalty on the slopes.'),
  shared_axes: z
    .array(z.number().int())
    .nullable()
    .default(null)
    .describe('Axes (1 = height, 2 = width, ...) along which one slope is shared; [1, 2] gives one slope per channel.'),
});
/** PReLU arguments, Keras names. */
export type PreluParams = z.infer<typeof preluParams>;

/** Keras `PReLU.build`: one slope per input value except along the shared axes. */
function preluAlphaShape(inputs: Parameters<LayerSpec['weights']>[0], sharedAxes: readonly number[] | null): number[] {
  const shape = singleInput(inputs);
  if (shape.length < 2) throw rankError('an input of rank >= 2', shape);
  const shared = new Set(sharedAxes ?? []);
  for (const axis of shared) {
    if (axis >= shape.length) throw rankError(`shared_axes within the input's ${shape.length - 1} non-batch axes (shared_axes=${JSON.stringify(sharedAxes)})`, shape);
  }
  return shape.slice(1).map((_dim, index) => (shared.has(index + 1) ? 1 : requireKnownDim(shape, index + 1, `dimension ${index + 1}`)));
}

/** Keras `PReLU`: a leaky ReLU whose slopes are learned. */
export const prelu: LayerSpec<PreluParams> = {
  type: 'PReLU',
  family: 'activation',
  summary: 'Leaky ReLU with learned slopes.',
  docs: SAME_SHAPE_DOCS,
  params: preluParams,
  keyParams: ['shared_axes'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => (typeof raw['shared_axes'] === 'number' ? { ...raw, shared_axes: [raw['shared_axes']] } : raw),
  validate: (params) =>
    params.shared_axes !== null && params.shared_axes.some((a) => a < 1)
      ? [badParam('shared_axes', 'Expected `shared_axes` to list non-batch axes (integers >= 1).', params.shared_axes)]
      : [],
  outputShape: (inputs, params) => {
    preluAlphaShape(inputs, params.shared_axes);
    return singleInput(inputs);
  },
  weights: (inputs, params) => [{ name: 'alpha', shape: preluAlphaShape(inputs, params.shared_axes), trainable: true }],
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    alpha_initializer: kerasInitializer(params.alpha_initializer),
    alpha_regularizer: kerasRegularizer(params.alpha_regularizer),
    alpha_constraint: null,
    shared_axes: params.shared_axes === null ? null : [...params.shared_axes],
  }),
  tfjsConfig: (params) => ({
    factory: 'prelu',
    args: {
      alphaInitializer: tfjsInitializer(params.alpha_initializer),
      alphaRegularizer: tfjsRegularizer(params.alpha_regularizer),
      sharedAxes: params.shared_axes === null ? null : [...params.shared_axes],
    },
  }),
};
