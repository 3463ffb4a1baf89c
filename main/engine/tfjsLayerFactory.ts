import { LabError, received } from '../../common/errors';
import type { GraphNode } from '../../common/graph/schema';
import type { Conv2dParams, Conv2dTransposeParams, DepthwiseConv2dParams, SeparableConv2dParams } from '../../common/catalog/convolutional';
import type { GlobalPooling2dParams, Pooling2dParams } from '../../common/catalog/pooling';
import type { Cropping2dParams, DenseParams, ReshapeParams, UpSampling2dParams, ZeroPadding2dParams } from '../../common/catalog/core';
import type { BatchNormalizationParams, LayerNormalizationParams } from '../../common/catalog/normalization';
import type { DropoutParams } from '../../common/catalog/regularization';
import type { ActivationParams, LeakyReluParams, PreluParams, ReluParams } from '../../common/catalog/activation';
import type { ConcatenateParams } from '../../common/catalog/merge';
import type { RescalingParams } from '../../common/catalog/input';
import type { Tfjs } from './backend';
import { tfjsActivation, tfjsInitializer, tfjsRegularizer } from './tfjsArgs';
import { BatchNormalization, Conv2D, DepthwiseConv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, ReLU, SeparableConv2D, SpatialDropout2D, Subtract } from './layers/index';

/** A TF.js layer, whatever its class. */
export type TfjsLayer = InstanceType<Tfjs['layers']['Layer']>;

/** What every layer gets besides its own params. */
export interface LayerContext {
  tf: Tfjs;
  node: GraphNode;
  /** The next seed for an initializer or a random layer; `undefined` when compiling unseeded. */
  nextSeed: () => number | undefined;
}

type Factory = (params: Record<string, unknown>, context: LayerContext) => TfjsLayer;

function unsupported(node: GraphNode, field: string, what: string, value: unknown): LabError {
  return new LabError('LAYER_UNSUPPORTED', `${node.type} layer "${node.name}": ${what} ${received(field, value)}`, {
    nodeId: node.id,
    nodeName: node.name,
    field,
    received: value,
  });
}

/** The arguments every TF.js layer takes: Keras's layer name and the frozen flag. */
function base(context: LayerContext): { name: string; trainable: boolean } {
  return { name: context.node.name, trainable: context.node.trainable };
}

/** The window arguments shared by the 2D convolutions. */
function windowArgs(p: Pick<Conv2dParams, 'kernel_size' | 'strides' | 'padding' | 'dilation_rate'>) {
  return {
    kernelSize: [...p.kernel_size] as [number, number],
    strides: [...p.strides] as [number, number],
    padding: p.padding,
    dilationRate: [...p.dilation_rate] as [number, number],
    dataFormat: 'channelsLast' as const,
  };
}

/** Activation, bias and kernel arguments shared by Conv2D, Conv2DTranspose and Dense. */
function kernelArgs(p: Pick<DenseParams, 'activation' | 'use_bias' | 'kernel_initializer' | 'bias_initializer' | 'kernel_regularizer'>, context: LayerContext) {
  const { tf } = context;
  return {
    activation: tfjsActivation(p.activation),
    useBias: p.use_bias,
    kernelInitializer: tfjsInitializer(tf, p.kernel_initializer, context.nextSeed()),
    biasInitializer: tfjsInitializer(tf, p.bias_initializer, context.nextSeed()),
    kernelRegularizer: tfjsRegularizer(tf, p.kernel_regularizer),
  };
}

const conv2d: Factory = (raw, context) => {
  const p = raw as Conv2dParams;
  return new Conv2D({ ...base(context), filters: p.filters, groups: p.groups, ...windowArgs(p), ...kernelArgs(p, context) });
};

const separableConv2d: Factory = (raw, context) => {
  const p = raw as SeparableConv2dParams;
  const { tf } = context;
  return new SeparableConv2D({
    ...base(context),
    filters: p.filters,
    ...windowArgs(p),
    depthMultiplier: p.depth_multiplier,
    activation: tfjsActivation(p.activation),
    useBias: p.use_bias,
    depthwiseInitializer: tfjsInitializer(tf, p.depthwise_initializer, context.nextSeed()),
    pointwiseInitializer: tfjsInitializer(tf, p.pointwise_initializer, context.nextSeed()),
    biasInitializer: tfjsInitializer(tf, p.bias_initializer, context.nextSeed()),
    depthwiseRegularizer: tfjsRegularizer(tf, p.depthwise_regularizer),
    pointwiseRegularizer: tfjsRegularizer(tf, p.pointwise_regularizer),
  });
};

const depthwiseConv2d: Factory = (raw, context) => {
  const p = raw as DepthwiseConv2dParams;
  const { tf } = context;
  return new DepthwiseConv2D({
    ...base(context),
    ...windowArgs(p),
    depthMultiplier: p.depth_multiplier,
    activation: tfjsActivation(p.activation),
    useBias: p.use_bias,
    depthwiseInitializer: tfjsInitializer(tf, p.depthwise_initializer, context.nextSeed()),
    biasInitializer: tfjsInitializer(tf, p.bias_initializer, context.nextSeed()),
    depthwiseRegularizer: tfjsRegularizer(tf, p.depthwise_regularizer),
  });
};

const conv2dTranspose: Factory = (raw, context) => {
  const p = raw as Conv2dTransposeParams;
  const { tf, node } = context;
  if (p.output_padding !== null) throw unsupported(node, 'output_padding', 'TF.js 4.22 Conv2DTranspose infers the output padding; expected output_padding=None.', p.output_padding);
  if (p.dilation_rate.some((d) => d !== 1)) throw unsupported(node, 'dilation_rate', 'TF.js 4.22 Conv2DTranspose has no dilation; expected dilation_rate=(1, 1).', p.dilation_rate);
  const { dilationRate: _dilationRate, ...window } = windowArgs(p);
  return tf.layers.conv2dTranspose({ ...base(context), filters: p.filters, ...window, ...kernelArgs(p, context) });
};

function pooling(kind: 'max' | 'average'): Factory {
  return (raw, context) => {
    const p = raw as Pooling2dParams;
    const strides = p.strides ?? p.pool_size;
    const args = { ...base(context), poolSize: [p.pool_size[0], p.pool_size[1]] as [number, number], strides: [strides[0], strides[1]] as [number, number], padding: p.padding, dataFormat: 'channelsLast' as const };
    return kind === 'max' ? context.tf.layers.maxPooling2d(args) : context.tf.layers.averagePooling2d(args);
  };
}

function globalPooling(kind: 'max' | 'average'): Factory {
  return (raw, context) => {
    const args = { ...base(context), dataFormat: 'channelsLast' as const, keepdims: (raw as GlobalPooling2dParams).keepdims };
    return kind === 'max' ? new GlobalMaxPooling2D(args) : new GlobalAveragePooling2D(args);
  };
}

const dense: Factory = (raw, context) => {
  const p = raw as DenseParams;
  return context.tf.layers.dense({ ...base(context), units: p.units, ...kernelArgs(p, context) });
};

const batchNormalization: Factory = (raw, context) => {
  const p = raw as BatchNormalizationParams;
  const { tf } = context;
  return new BatchNormalization({
    ...base(context),
    axis: p.axis,
    momentum: p.momentum,
    epsilon: p.epsilon,
    center: p.center,
    scale: p.scale,
    betaInitializer: tfjsInitializer(tf, p.beta_initializer, context.nextSeed()),
    gammaInitializer: tfjsInitializer(tf, p.gamma_initializer, context.nextSeed()),
    movingMeanInitializer: tfjsInitializer(tf, p.moving_mean_initializer, context.nextSeed()),
    movingVarianceInitializer: tfjsInitializer(tf, p.moving_variance_initializer, context.nextSeed()),
  });
};

const layerNormalization: Factory = (raw, context) => {
  const p = raw as LayerNormalizationParams;
  const { tf } = context;
  return tf.layers.layerNormalization({
    ...base(context),
    axis: typeof p.axis === 'number' ? p.axis : [...p.axis],
    epsilon: p.epsilon,
    center: p.center,
    scale: p.scale,
    betaInitializer: tfjsInitializer(tf, p.beta_initializer, context.nextSeed()),
    gammaInitializer: tfjsInitializer(tf, p.gamma_initializer, context.nextSeed()),
  });
};

// Differs from Keras on `seed`: a seeded TF.js Dropout reuses one mask on every step, which
// would silently weaken the regularisation, so Dropout always draws fresh masks.
const dropout: Factory = (raw, context) => context.tf.layers.dropout({ ...base(context), rate: (raw as DropoutParams).rate });

const spatialDropout2d: Factory = (raw, context) => {
  const p = raw as DropoutParams;
  return new SpatialDropout2D({ ...base(context), rate: p.rate, seed: p.seed ?? context.nextSeed() ?? null });
};

const prelu: Factory = (raw, context) => {
  const p = raw as PreluParams;
  const { tf } = context;
  return tf.layers.prelu({
    ...base(context),
    alphaInitializer: tfjsInitializer(tf, p.alpha_initializer, context.nextSeed()),
    alphaRegularizer: tfjsRegularizer(tf, p.alpha_regularizer),
    ...(p.shared_axes === null ? {} : { sharedAxes: [...p.shared_axes] }),
  });
};

/** How each catalog type becomes a TF.js layer. `Input` is made by `tf.input` in compile.ts. */
const FACTORIES: Readonly<Record<string, Factory>> = {
  Rescaling: (raw, context) => context.tf.layers.rescaling({ ...base(context), scale: (raw as RescalingParams).scale, offset: (raw as RescalingParams).offset }),
  Conv2D: conv2d,
  SeparableConv2D: separableConv2d,
  DepthwiseConv2D: depthwiseConv2d,
  Conv2DTranspose: conv2dTranspose,
  MaxPooling2D: pooling('max'),
  AveragePooling2D: pooling('average'),
  GlobalAveragePooling2D: globalPooling('average'),
  GlobalMaxPooling2D: globalPooling('max'),
  Dense: dense,
  Flatten: (_raw, context) => context.tf.layers.flatten({ ...base(context), dataFormat: 'channelsLast' }),
  Reshape: (raw, context) => context.tf.layers.reshape({ ...base(context), targetShape: [...(raw as ReshapeParams).target_shape] }),
  ZeroPadding2D: (raw, context) => {
    const [[top, bottom], [left, right]] = (raw as ZeroPadding2dParams).padding;
    return context.tf.layers.zeroPadding2d({ ...base(context), padding: [[top, bottom], [left, right]], dataFormat: 'channelsLast' });
  },
  Cropping2D: (raw, context) => {
    const [[top, bottom], [left, right]] = (raw as Cropping2dParams).cropping;
    return context.tf.layers.cropping2D({ ...base(context), cropping: [[top, bottom], [left, right]], dataFormat: 'channelsLast' });
  },
  UpSampling2D: (raw, context) => {
    const p = raw as UpSampling2dParams;
    return context.tf.layers.upSampling2d({ ...base(context), size: [...p.size], interpolation: p.interpolation, dataFormat: 'channelsLast' });
  },
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Dropout: dropout,
  SpatialDropout2D: spatialDropout2d,
  Activation: (raw, context) => context.tf.layers.activation({ ...base(context), activation: tfjsActivation((raw as ActivationParams).activation) }),
  ReLU: (raw, context) => {
    const p = raw as ReluParams;
    return new ReLU({ ...base(context), maxValue: p.max_value, negativeSlope: p.negative_slope, threshold: p.threshold });
  },
  LeakyReLU: (raw, context) => context.tf.layers.leakyReLU({ ...base(context), alpha: (raw as LeakyReluParams).negative_slope }),
  PReLU: prelu,
  Add: (_raw, context) => context.tf.layers.add(base(context)),
  Subtract: (_raw, context) => new Subtract(base(context)),
  Multiply: (_raw, context) => context.tf.layers.multiply(base(context)),
  Average: (_raw, context) => context.tf.layers.average(base(context)),
  Maximum: (_raw, context) => context.tf.layers.maximum(base(context)),
  Concatenate: (raw, context) => context.tf.layers.concatenate({ ...base(context), axis: (raw as ConcatenateParams).axis }),
};

/** True when `type` (other than `Input`) has a TF.js counterpart. */
export function hasTfjsLayer(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(FACTORIES, type);
}

/**
 * Builds the TF.js layer for one graph node from its resolved (canonical) params,
 * keeping the node's name and frozen flag.
 * @throws LabError `LAYER_UNSUPPORTED` naming the layer when TF.js cannot express the type
 *   or one of its arguments.
 */
export function createTfjsLayer(params: Record<string, unknown>, context: LayerContext): TfjsLayer {
  const factory = FACTORIES[context.node.type];
  if (factory === undefined) {
    throw new LabError('LAYER_UNSUPPORTED', `${context.node.type} layer "${context.node.name}" has no TF.js counterpart. ${received('type', context.node.type)}`, {
      nodeId: context.node.id,
      nodeName: context.node.name,
      field: 'type',
      received: context.node.type,
    });
  }
  return factory(params, context);
}
