import { z } from 'zod';
import { LabError } from '../errors';
import { formatShape, type Shape } from '../graph/shape';
import type { LayerSpec, WeightSpec } from './types';
import {
  activationField,
  initializerField,
  intPairField,
  kerasBaseConfig,
  kerasInitializer,
  kerasKernelLayerConfig,
  kerasRegularizer,
  kernelLayerFields,
  paddingField,
  regularizerField,
} from './paramSchemas';
import { activationShorthand, pairShorthand } from './normalizeUtils';
import { convInput, convOutputShape, deconvOutputLength, validateConvWindow, validateFilters, type ConvWindowParams } from './convolutionUtils';
import { badParam, requirePositive, requirePositiveOutput } from './layerErrors';
import { tfjsActivation, tfjsInitializer, tfjsKernelLayerArgs, tfjsRegularizer, tfjsWindowArgs, type TfjsLimit } from './tfjsConfig';

/**
 * 2D convolutions: Conv2D, SeparableConv2D, DepthwiseConv2D, Conv2DTranspose
 * (Keras `layers/convolutional/`). All are channels_last.
 */

const IMAGE_DOCS = { input: '4D tensor (batch, height, width, channels)', output: '4D tensor (batch, new_height, new_width, filters)' };
const WINDOW_FIELDS = ['kernel_size', 'strides', 'dilation_rate'] as const;

function windowFields() {
  return {
    kernel_size: intPairField([3, 3], 'Height and width of the convolution window (Keras requires it; the palette starts at 3x3).'),
    strides: intPairField([1, 1], 'Step of the window along height and width.'),
    padding: paddingField(),
    dilation_rate: intPairField([1, 1], 'Spacing between kernel elements (atrous convolution).'),
  };
}

function normalizeConv(raw: Record<string, unknown>, extraPairs: readonly string[] = []): Record<string, unknown> {
  return activationShorthand(pairShorthand(raw, [...WINDOW_FIELDS, ...extraPairs]));
}

/** The window part of a Keras conv `get_config()`. */
function windowConfig(params: ConvWindowParams): Record<string, unknown> {
  return {
    kernel_size: [...params.kernel_size],
    strides: [...params.strides],
    padding: params.padding,
    data_format: 'channels_last',
    dilation_rate: [...params.dilation_rate],
  };
}

const biasWeight = (size: number): WeightSpec => ({ name: 'bias', shape: [size], trainable: true });

// ---------------------------------------------------------------- Conv2D

const conv2dParams = z.object({
  filters: z.number().int().default(32).describe('Number of output channels (Keras requires it; the palette starts at 32).'),
  ...windowFields(),
  groups: z.number().int().default(1).describe('Number of channel groups; input channels and filters must both divide by it.'),
  ...kernelLayerFields(),
});
/** Conv2D arguments, Keras names. */
export type Conv2dParams = z.infer<typeof conv2dParams>;

/** Keras `Conv2D`. */
export const conv2d: LayerSpec<Conv2dParams> = {
  type: 'Conv2D',
  family: 'convolutional',
  summary: 'Slides learned filters over the image; the workhorse of CNNs.',
  docs: IMAGE_DOCS,
  params: conv2dParams,
  keyParams: ['filters', 'kernel_size', 'strides', 'padding', 'activation'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => normalizeConv(raw),
  validate: (params) => {
    const errors: LabError[] = [...validateFilters(params.filters), ...validateConvWindow(params)];
    if (params.groups <= 0) errors.push(badParam('groups', 'Invalid value for argument `groups`. Expected a strictly positive value.', params.groups));
    else if (params.filters > 0 && params.filters % params.groups !== 0) {
      errors.push(
        badParam('groups', `The number of filters must be evenly divisible by the number of groups (filters=${params.filters}).`, params.groups),
      );
    }
    return errors;
  },
  outputShape: (inputs, params) => {
    const { shape, channels } = convInput(inputs);
    requireGroupsDivide(channels, params.groups, shape);
    return convOutputShape(shape, params, params.filters);
  },
  weights: (inputs, params) => {
    const { shape, channels } = convInput(inputs);
    requireGroupsDivide(channels, params.groups, shape);
    const weights: WeightSpec[] = [{ name: 'kernel', shape: [...params.kernel_size, channels / params.groups, params.filters], trainable: true }];
    if (params.use_bias) weights.push(biasWeight(params.filters));
    return weights;
  },
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    filters: params.filters,
    ...windowConfig(params),
    groups: params.groups,
    ...kerasKernelLayerConfig(params),
  }),
  requiredArguments: ['filters', 'kernel_size'],
  tfjsConfig: (params) => ({
    factory: 'conv2d',
    args: { filters: params.filters, ...tfjsWindowArgs(params), groups: params.groups, ...tfjsKernelLayerArgs(params) },
    ownClassOnly: params.groups === 1 ? [] : [{ field: 'groups', value: params.groups, reason: 'TF.js 4.22 Conv2D has no channel groups.' }],
  }),
};

/** Keras `Conv.build`: the input channels must split evenly into the groups. */
function requireGroupsDivide(channels: number, groups: number, shape: Shape): void {
  if (channels % groups !== 0) {
    throw badShapeGroups(channels, groups, shape);
  }
}

function badShapeGroups(channels: number, groups: number, shape: Shape): LabError {
  return new LabError(
    'SHAPE_MISMATCH',
    `Expected the input channels to be evenly divisible by the number of groups. Received: groups=${groups}, input_shape=${formatShape(shape)}`,
    { field: 'groups', received: channels },
  );
}

// ---------------------------------------------------------------- SeparableConv2D

const separableConv2dParams = z.object({
  filters: z.number().int().default(32).describe('Number of output channels of the pointwise step (Keras requires it; the palette starts at 32).'),
  ...windowFields(),
  depth_multiplier: z.number().int().default(1).describe('Depthwise output channels per input channel.'),
  activation: activationField('linear', 'Activation applied to the output.'),
  use_bias: z.boolean().default(true).describe('Whether the layer adds a bias vector.'),
  depthwise_initializer: initializerField('glorot_uniform', 'Initializer of the depthwise kernel.'),
  pointwise_initializer: initializerField('glorot_uniform', 'Initializer of the pointwise kernel.'),
  bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
  depthwise_regularizer: regularizerField('L1/L2 penalty on the depthwise kernel.'),
  pointwise_regularizer: regularizerField('L1/L2 penalty on the pointwise kernel.'),
});
/** SeparableConv2D arguments, Keras names. */
export type SeparableConv2dParams = z.infer<typeof separableConv2dParams>;

/** Keras `SeparableConv2D`: a depthwise convolution followed by a 1x1 pointwise one. */
export const separableConv2d: LayerSpec<SeparableConv2dParams> = {
  type: 'SeparableConv2D',
  family: 'convolutional',
  summary: 'Depthwise then pointwise convolution: far fewer weights than Conv2D.',
  docs: IMAGE_DOCS,
  params: separableConv2dParams,
  keyParams: ['filters', 'kernel_size', 'strides', 'padding', 'activation'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => normalizeConv(raw),
  validate: (params) => {
    const errors: LabError[] = [...validateFilters(params.filters), ...validateConvWindow(params)];
    requirePositive(errors, 'depth_multiplier', params.depth_multiplier, 'an integer');
    return errors;
  },
  outputShape: (inputs, params) => convOutputShape(convInput(inputs).shape, params, params.filters),
  weights: (inputs, params) => {
    const { channels } = convInput(inputs);
    const weights: WeightSpec[] = [
      { name: 'depthwise_kernel', shape: [...params.kernel_size, channels, params.depth_multiplier], trainable: true },
      { name: 'pointwise_kernel', shape: [1, 1, channels * params.depth_multiplier, params.filters], trainable: true },
    ];
    if (params.use_bias) weights.push(biasWeight(params.filters));
    return weights;
  },
  // tf.keras 2.x merges the Conv base config (kernel_* included) with the separable fields.
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    filters: params.filters,
    ...windowConfig(params),
    groups: 1,
    activation: params.activation,
    use_bias: params.use_bias,
    kernel_initializer: kerasInitializer('glorot_uniform'),
    bias_initializer: kerasInitializer(params.bias_initializer),
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
    depth_multiplier: params.depth_multiplier,
    depthwise_initializer: kerasInitializer(params.depthwise_initializer),
    pointwise_initializer: kerasInitializer(params.pointwise_initializer),
    depthwise_regularizer: kerasRegularizer(params.depthwise_regularizer),
    pointwise_regularizer: kerasRegularizer(params.pointwise_regularizer),
    depthwise_constraint: null,
    pointwise_constraint: null,
  }),
  requiredArguments: ['filters', 'kernel_size'],
  // The bias initializer comes after the depthwise and pointwise ones (unlike Keras's
  // config) because that is the order seeded compiles have always drawn seeds in.
  tfjsConfig: (params) => ({
    factory: 'separableConv2d',
    args: {
      filters: params.filters,
      ...tfjsWindowArgs(params),
      activation: tfjsActivation(params.activation),
      useBias: params.use_bias,
      depthMultiplier: params.depth_multiplier,
      depthwiseInitializer: tfjsInitializer(params.depthwise_initializer),
      pointwiseInitializer: tfjsInitializer(params.pointwise_initializer),
      biasInitializer: tfjsInitializer(params.bias_initializer),
      depthwiseRegularizer: tfjsRegularizer(params.depthwise_regularizer),
      pointwiseRegularizer: tfjsRegularizer(params.pointwise_regularizer),
    },
  }),
};

// ---------------------------------------------------------------- DepthwiseConv2D

const depthwiseConv2dParams = z.object({
  ...windowFields(),
  depth_multiplier: z.number().int().default(1).describe('Output channels per input channel.'),
  activation: activationField('linear', 'Activation applied to the output.'),
  use_bias: z.boolean().default(true).describe('Whether the layer adds a bias vector.'),
  depthwise_initializer: initializerField('glorot_uniform', 'Initializer of the depthwise kernel.'),
  bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
  depthwise_regularizer: regularizerField('L1/L2 penalty on the depthwise kernel.'),
});
/** DepthwiseConv2D arguments, Keras names. */
export type DepthwiseConv2dParams = z.infer<typeof depthwiseConv2dParams>;

/** Keras `DepthwiseConv2D`: one filter (or `depth_multiplier` filters) per input channel. */
export const depthwiseConv2d: LayerSpec<DepthwiseConv2dParams> = {
  type: 'DepthwiseConv2D',
  family: 'convolutional',
  summary: 'Convolves each channel on its own (MobileNet building block).',
  docs: { input: IMAGE_DOCS.input, output: '4D tensor (batch, new_height, new_width, channels * depth_multiplier)' },
  params: depthwiseConv2dParams,
  keyParams: ['kernel_size', 'strides', 'padding', 'depth_multiplier', 'activation'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => normalizeConv(raw),
  validate: (params) => {
    const errors = validateConvWindow(params);
    requirePositive(errors, 'depth_multiplier', params.depth_multiplier, 'an integer');
    return errors;
  },
  outputShape: (inputs, params) => {
    const { shape, channels } = convInput(inputs);
    return convOutputShape(shape, params, channels * params.depth_multiplier);
  },
  weights: (inputs, params) => {
    const { channels } = convInput(inputs);
    const weights: WeightSpec[] = [{ name: 'depthwise_kernel', shape: [...params.kernel_size, channels, params.depth_multiplier], trainable: true }];
    if (params.use_bias) weights.push(biasWeight(channels * params.depth_multiplier));
    return weights;
  },
  // tf.keras 2.x: the Conv2D config without filters and kernel_*, plus the depthwise fields.
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    ...windowConfig(params),
    groups: 1,
    activation: params.activation,
    use_bias: params.use_bias,
    bias_initializer: kerasInitializer(params.bias_initializer),
    bias_regularizer: null,
    activity_regularizer: null,
    bias_constraint: null,
    depth_multiplier: params.depth_multiplier,
    depthwise_initializer: kerasInitializer(params.depthwise_initializer),
    depthwise_regularizer: kerasRegularizer(params.depthwise_regularizer),
    depthwise_constraint: null,
  }),
  requiredArguments: ['kernel_size'],
  // As in SeparableConv2D, the bias initializer follows the depthwise one (seed order).
  tfjsConfig: (params) => ({
    factory: 'depthwiseConv2d',
    args: {
      ...tfjsWindowArgs(params),
      activation: tfjsActivation(params.activation),
      useBias: params.use_bias,
      depthMultiplier: params.depth_multiplier,
      depthwiseInitializer: tfjsInitializer(params.depthwise_initializer),
      biasInitializer: tfjsInitializer(params.bias_initializer),
      depthwiseRegularizer: tfjsRegularizer(params.depthwise_regularizer),
    },
  }),
};

// ---------------------------------------------------------------- Conv2DTranspose

const conv2dTransposeParams = z.object({
  filters: z.number().int().default(32).describe('Number of output channels (Keras requires it; the palette starts at 32).'),
  ...windowFields(),
  output_padding: z
    .tuple([z.number().int(), z.number().int()])
    .nullable()
    .default(null)
    .describe('Extra rows/columns added to one side of the output; each must be smaller than its stride. None infers it.'),
  ...kernelLayerFields(),
});
/** Conv2DTranspose arguments, Keras names. */
export type Conv2dTransposeParams = z.infer<typeof conv2dTransposeParams>;

/** Keras `Conv2DTranspose` (a.k.a. deconvolution): upsamples by its strides. */
export const conv2dTranspose: LayerSpec<Conv2dTransposeParams> = {
  type: 'Conv2DTranspose',
  family: 'convolutional',
  summary: 'Transposed convolution: learns to upsample (decoders, segmentation).',
  docs: IMAGE_DOCS,
  params: conv2dTransposeParams,
  keyParams: ['filters', 'kernel_size', 'strides', 'padding', 'activation'],
  arity: { min: 1, max: 1 },
  normalize: (raw) => normalizeConv(raw, ['output_padding']),
  validate: (params) => {
    const errors: LabError[] = [...validateFilters(params.filters), ...validateConvWindow(params)];
    const outputPadding = params.output_padding;
    if (outputPadding !== null) {
      if (outputPadding.some((p) => p < 0)) {
        errors.push(badParam('output_padding', 'Invalid value for argument `output_padding`. Expected non-negative integers.', outputPadding));
      } else if (outputPadding.some((p, i) => p >= (params.strides[i] ?? 1))) {
        errors.push(
          badParam(
            'output_padding',
            `Strides must be greater than output padding (strides=${JSON.stringify(params.strides)}).`,
            outputPadding,
          ),
        );
      }
    }
    return errors;
  },
  outputShape: (inputs, params) => {
    const { shape } = convInput(inputs);
    const length = (axis: 0 | 1) =>
      deconvOutputLength(shape[axis + 1] ?? null, params.kernel_size[axis], params.padding, params.output_padding?.[axis] ?? null, params.strides[axis], params.dilation_rate[axis]);
    return requirePositiveOutput([shape[0] ?? null, length(0), length(1), params.filters], shape, `kernel_size=${JSON.stringify(params.kernel_size)}, strides=${JSON.stringify(params.strides)}`);
  },
  weights: (inputs, params) => {
    const { channels } = convInput(inputs);
    // Transposed kernels store output channels before input channels.
    const weights: WeightSpec[] = [{ name: 'kernel', shape: [...params.kernel_size, params.filters, channels], trainable: true }];
    if (params.use_bias) weights.push(biasWeight(params.filters));
    return weights;
  },
  kerasConfig: (params) => ({
    ...kerasBaseConfig(),
    filters: params.filters,
    ...windowConfig(params),
    groups: 1,
    ...kerasKernelLayerConfig(params),
    output_padding: params.output_padding === null ? null : [...params.output_padding],
  }),
  requiredArguments: ['filters', 'kernel_size'],
  tfjsConfig: (params) => {
    const unsupported: TfjsLimit[] = [];
    if (params.output_padding !== null) {
      unsupported.push({ field: 'output_padding', value: params.output_padding, reason: 'TF.js 4.22 Conv2DTranspose infers the output padding; expected output_padding=None.' });
    }
    if (params.dilation_rate.some((d) => d !== 1)) {
      unsupported.push({ field: 'dilation_rate', value: params.dilation_rate, reason: 'TF.js 4.22 Conv2DTranspose has no dilation; expected dilation_rate=(1, 1).' });
    }
    return { factory: 'conv2dTranspose', args: { filters: params.filters, ...tfjsWindowArgs(params), ...tfjsKernelLayerArgs(params) }, unsupported };
  },
};
