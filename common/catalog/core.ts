import { z } from 'zod';
import { LabError } from '../errors';
import { formatShape, type Shape } from '../graph/shape';
import type { LayerSpec, WeightSpec } from './types';
import { intPairField, kerasBaseConfig, kernelLayerFields, kerasKernelLayerConfig } from './paramSchemas';
import { activationShorthand, pairShorthand, symmetricPairShorthand } from './normalizeUtils';
import { IMAGE_INPUT } from './convolutionUtils';
import { badParam, rankError, requireKnownDim, requirePositive, requirePositiveOutput, singleInput } from './layerErrors';
import { tfjsKernelLayerArgs } from './tfjsConfig';

/**
 * Core and reshaping layers: Dense, Flatten, Reshape, and the 2D spatial reshapers
 * ZeroPadding2D, Cropping2D and UpSampling2D (Keras `layers/core/`, `layers/reshaping/`).
 */

// ---------------------------------------------------------------- Dense

const denseParams = z.object({
  units: z.number().int().default(64).describe('Number of output features (Keras requires it; the palette starts at 64).'),
  ...kernelLayerFields(),
});
/** Dense arguments, Keras names. */
export type DenseParams = z.infer<typeof denseParams>;

/** The input of Dense: rank >= 2 with a known last axis. */
function denseInput(inputs: readonly Shape[]): { shape: Shape; features: number } {
  const shape = singleInput(inputs);
  if (shape.length < 2) throw rankError('an input of rank >= 2 (batch, ..., features)', shape);
  return { shape, features: requireKnownDim(shape, shape.length - 1, 'last dimension') };
}

/**
 * Keras `Dense`. Like Keras it applies to the last axis of an input of any rank >= 2
 * (a 4D input gives a 4D output); the graph analysis warns when that was probably unintended.
 */
export const dense: LayerSpec<DenseParams> = {
  type: 'Dense',
  family: 'core',
  summary: 'Fully connected layer: every output sees every input feature.',
  docs: { input: 'tensor (batch, ..., features)', output: 'tensor (batch, ..., units)' },
  params: denseParams,
  keyParams: ['units', 'activation'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => activationShorthand(raw),
  validate: (params) =>
    params.units > 0 ? [] : [badParam('units', 'Invalid value for argument `units`. Expected a strictly positive value.', params.units)],
  outputShape: (inputs, params) => {
    const { shape } = denseInput(inputs);
    return [...shape.slice(0, -1), params.units];
  },
  weights: (inputs, params) => {
    const { features } = denseInput(inputs);
    const weights: WeightSpec[] = [{ name: 'kernel', shape: [features, params.units], trainable: true }];
    if (params.use_bias) weights.push({ name: 'bias', shape: [params.units], trainable: true });
    return weights;
  },
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    units: params.units,
    ...kerasKernelLayerConfig(params),
  }),
  requiredArguments: ['units'],
  tfjsConfig: (params) => ({ factory: 'dense', args: { units: params.units, ...tfjsKernelLayerArgs(params) } }),
};

// ---------------------------------------------------------------- Flatten

const flattenParams = z.object({});
/** Flatten has no arguments (data_format is always channels_last). */
export type FlattenParams = z.infer<typeof flattenParams>;

/** Keras `Flatten`: (batch, ...) -> (batch, product of the rest). */
export const flatten: LayerSpec<FlattenParams> = {
  type: 'Flatten',
  family: 'core',
  summary: 'Unrolls each sample into one vector, e.g. before Dense.',
  docs: { input: 'tensor (batch, ...)', output: '2D tensor (batch, features)' },
  params: flattenParams,
  keyParams: [],
  arity: { min: 1, max: 1 },
  outputShape: (inputs) => {
    const shape = singleInput(inputs);
    const rest = shape.slice(1);
    // Keras: a rank-1 input gains a feature axis of length 1.
    if (rest.length === 0) return [shape[0] ?? null, 1];
    const size = rest.some((d) => d === null) ? null : rest.reduce<number>((product, d) => product * (d as number), 1);
    return [shape[0] ?? null, size];
  },
  weights: () => [],
  kerasConfig: () => ({ ...kerasBaseConfig(), data_format: 'channels_last' }),
  tfjsConfig: () => ({ factory: 'flatten', args: { dataFormat: 'channelsLast' } }),
};

// ---------------------------------------------------------------- Reshape

const reshapeParams = z.object({
  target_shape: z.array(z.number().int()).min(1).default([-1]).describe('Shape of one sample after reshaping, without the batch axis; one entry may be -1 (inferred).'),
});
/** Reshape arguments, Keras names. */
export type ReshapeParams = z.infer<typeof reshapeParams>;

/** Keras `Reshape._fix_unknown_dimension`, on the per-sample shapes. */
function reshapedDims(inputShape: Shape, target: readonly number[]): (number | null)[] {
  const rest = inputShape.slice(1);
  if (rest.some((d) => d === null)) return target.map((d) => (d === -1 ? null : d));
  const original = rest.reduce<number>((product, d) => product * (d as number), 1);
  const known = target.filter((d) => d !== -1).reduce((product, d) => product * d, 1);
  const unknownIndex = target.indexOf(-1);
  const mismatch = () =>
    new LabError(
      'SHAPE_MISMATCH',
      `Expected target_shape to hold the same number of values as the input (${original}). Received: target_shape=${JSON.stringify(target)}, input_shape=${formatShape(inputShape)}`,
      { field: 'target_shape', received: target },
    );
  if (unknownIndex === -1) {
    if (known !== original) throw mismatch();
    return [...target];
  }
  if (known === 0 || original % known !== 0) throw mismatch();
  return target.map((d) => (d === -1 ? original / known : d));
}

/** Keras `Reshape`. */
export const reshape: LayerSpec<ReshapeParams> = {
  type: 'Reshape',
  family: 'core',
  summary: 'Rearranges each sample into a new shape with the same number of values.',
  docs: { input: 'tensor (batch, ...)', output: 'tensor (batch, *target_shape)' },
  params: reshapeParams,
  keyParams: ['target_shape'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => (typeof raw['target_shape'] === 'number' ? { ...raw, target_shape: [raw['target_shape']] } : raw),
  validate: (params) => {
    const errors: LabError[] = [];
    if (params.target_shape.filter((d) => d === -1).length > 1) {
      errors.push(badParam('target_shape', 'There must be at most one unknown (-1) dimension in `target_shape`.', params.target_shape));
    }
    if (params.target_shape.some((d) => d !== -1 && d <= 0)) {
      errors.push(badParam('target_shape', 'Expected every entry of `target_shape` to be a positive integer or -1.', params.target_shape));
    }
    return errors;
  },
  outputShape: (inputs, params) => {
    const shape = singleInput(inputs);
    return [shape[0] ?? null, ...reshapedDims(shape, params.target_shape)];
  },
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), target_shape: [...params.target_shape] }),
  requiredArguments: ['target_shape'],
  tfjsConfig: (params) => ({ factory: 'reshape', args: { targetShape: [...params.target_shape] } }),
};

// ---------------------------------------------------------------- ZeroPadding2D and Cropping2D

const pairOfPairs = (defaultValue: [[number, number], [number, number]], description: string) =>
  z
    .tuple([z.tuple([z.number().int(), z.number().int()]), z.tuple([z.number().int(), z.number().int()])])
    .default(defaultValue)
    .describe(description);

const zeroPadding2dParams = z.object({
  padding: pairOfPairs([[1, 1], [1, 1]], 'Zeros added as [[top, bottom], [left, right]]; n or [h, w] are shorthands.'),
});
/** ZeroPadding2D arguments, Keras names. */
export type ZeroPadding2dParams = z.infer<typeof zeroPadding2dParams>;

function validateNonNegativePairs(field: string, value: readonly (readonly number[])[]): LabError[] {
  return value.flat().some((v) => v < 0)
    ? [badParam(field, `Expected \`${field}\` to hold non-negative integers as [[top, bottom], [left, right]].`, value)]
    : [];
}

function addToDim(dim: number | null | undefined, delta: number): number | null {
  return dim === null || dim === undefined ? null : dim + delta;
}

/** Keras `ZeroPadding2D`. */
export const zeroPadding2d: LayerSpec<ZeroPadding2dParams> = {
  type: 'ZeroPadding2D',
  family: 'core',
  summary: 'Adds rows and columns of zeros around the image.',
  docs: { input: '4D tensor (batch, height, width, channels)', output: '4D tensor (batch, padded_height, padded_width, channels)' },
  params: zeroPadding2dParams,
  keyParams: ['padding'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => symmetricPairShorthand(raw, 'padding'),
  validate: (params) => validateNonNegativePairs('padding', params.padding),
  outputShape: (inputs, params) => {
    const shape = singleInput(inputs, 4, IMAGE_INPUT);
    const [[top, bottom], [left, right]] = params.padding;
    return [shape[0] ?? null, addToDim(shape[1], top + bottom), addToDim(shape[2], left + right), shape[3] ?? null];
  },
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), padding: params.padding.map((pair) => [...pair]), data_format: 'channels_last' }),
  tfjsConfig: (params) => ({ factory: 'zeroPadding2d', args: { padding: params.padding.map((pair) => [...pair]), dataFormat: 'channelsLast' } }),
};

const cropping2dParams = z.object({
  cropping: pairOfPairs([[0, 0], [0, 0]], 'Rows and columns removed as [[top, bottom], [left, right]]; n or [h, w] are shorthands.'),
});
/** Cropping2D arguments, Keras names. */
export type Cropping2dParams = z.infer<typeof cropping2dParams>;

/** Keras `Cropping2D`. */
export const cropping2d: LayerSpec<Cropping2dParams> = {
  type: 'Cropping2D',
  family: 'core',
  summary: 'Removes rows and columns from the image borders.',
  docs: { input: '4D tensor (batch, height, width, channels)', output: '4D tensor (batch, cropped_height, cropped_width, channels)' },
  params: cropping2dParams,
  keyParams: ['cropping'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => symmetricPairShorthand(raw, 'cropping'),
  validate: (params) => validateNonNegativePairs('cropping', params.cropping),
  outputShape: (inputs, params) => {
    const shape = singleInput(inputs, 4, IMAGE_INPUT);
    const [[top, bottom], [left, right]] = params.cropping;
    return requirePositiveOutput(
      [shape[0] ?? null, addToDim(shape[1], -(top + bottom)), addToDim(shape[2], -(left + right)), shape[3] ?? null],
      shape,
      `cropping=${JSON.stringify(params.cropping)}`,
    );
  },
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), cropping: params.cropping.map((pair) => [...pair]), data_format: 'channels_last' }),
  tfjsConfig: (params) => ({ factory: 'cropping2D', args: { cropping: params.cropping.map((pair) => [...pair]), dataFormat: 'channelsLast' } }),
};

// ---------------------------------------------------------------- UpSampling2D

const upSampling2dParams = z.object({
  size: intPairField([2, 2], 'Upsampling factors for height and width.'),
  interpolation: z.enum(['nearest', 'bilinear']).default('nearest').describe('How new pixels are filled.'),
});
/** UpSampling2D arguments, Keras names. */
export type UpSampling2dParams = z.infer<typeof upSampling2dParams>;

/** Keras `UpSampling2D`: repeats (or interpolates) rows and columns. */
export const upSampling2d: LayerSpec<UpSampling2dParams> = {
  type: 'UpSampling2D',
  family: 'core',
  summary: 'Enlarges the image by whole factors without weights.',
  docs: { input: '4D tensor (batch, height, width, channels)', output: '4D tensor (batch, height * size[0], width * size[1], channels)' },
  params: upSampling2dParams,
  keyParams: ['size', 'interpolation'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => pairShorthand(raw, ['size']),
  validate: (params) => {
    const errors: LabError[] = [];
    requirePositive(errors, 'size', params.size, 'a tuple of 2 integers');
    return errors;
  },
  outputShape: (inputs, params) => {
    const shape = singleInput(inputs, 4, IMAGE_INPUT);
    const scale = (dim: number | null | undefined, factor: number) => (dim === null || dim === undefined ? null : dim * factor);
    return [shape[0] ?? null, scale(shape[1], params.size[0]), scale(shape[2], params.size[1]), shape[3] ?? null];
  },
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), size: [...params.size], data_format: 'channels_last', interpolation: params.interpolation }),
  tfjsConfig: (params) => ({ factory: 'upSampling2d', args: { size: [...params.size], dataFormat: 'channelsLast', interpolation: params.interpolation } }),
};
