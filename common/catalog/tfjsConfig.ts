import type { ActivationName, InitializerName, KernelLayerParams, RegularizerParams } from './paramSchemas';

/**
 * How a layer is written in TF.js: the vocabulary of a catalog entry's `tfjsConfig(params)`.
 * The engine turns it into a live TF.js layer (`main/engine/tfjsLayerFactory.ts`) and the
 * TF.js code generator prints it (`common/codegen/tfjs.ts`), so both read one description.
 */

/** A plain TF.js argument value: a number, string, flag, `null`, or a list of them. */
export type TfjsValue = null | boolean | number | string | readonly TfjsValue[];

/** An initializer argument: the engine seeds it from the compile's seed sequence; generated code calls its `tf.initializers` factory. */
export interface TfjsInitializerArgument {
  readonly kind: 'initializer';
  readonly name: InitializerName;
}

/** An L1L2 weight penalty argument (`tf.regularizers.l1l2`). */
export interface TfjsRegularizerArgument {
  readonly kind: 'regularizer';
  readonly l1: number;
  readonly l2: number;
}

/** A random layer's seed: `null` lets the engine draw the compile's next seed, and generated code leaves it out. */
export interface TfjsSeedArgument {
  readonly kind: 'seed';
  readonly seed: number | null;
}

/**
 * An activation by its Keras name. TF.js spells every catalog activation the same way
 * except `leaky_relu`, which the engine registers as `leakyRelu` and generated code writes
 * as a LeakyReLU layer.
 */
export interface TfjsActivationArgument {
  readonly kind: 'activation';
  readonly name: ActivationName;
}

/** An argument that is more than a plain value; each consumer builds or prints it its own way. */
export type TfjsTaggedArgument = TfjsInitializerArgument | TfjsRegularizerArgument | TfjsSeedArgument | TfjsActivationArgument;

/** One TF.js constructor argument. */
export type TfjsArgument = TfjsValue | TfjsTaggedArgument;

/** A param value TF.js cannot take as it is, with the reason, for the error that names the field. */
export interface TfjsLimit {
  /** The Keras param (`groups`). */
  field: string;
  value: unknown;
  /** Why, as a sentence: `TF.js 4.22 Conv2DTranspose has no dilation; expected dilation_rate=(1, 1).` */
  reason: string;
}

/** A layer as TF.js builds it: what a catalog entry's `tfjsConfig(params)` returns. */
export interface TfjsLayerConfig {
  /**
   * The `tf.layers` factory of stock TF.js 4.22 that builds this layer (`conv2d`), or `null`
   * when stock TF.js has none: the engine then builds Model Lab's own class
   * (`main/engine/layers/`) and generated code defines a small class of the same name.
   */
  factory: string | null;
  /**
   * Every constructor argument with TF.js's name (camelCase). Generated code writes them in
   * this order, and the engine draws initializer seeds in this order, so moving an
   * initializer changes the weights a seeded compile draws.
   */
  args: Readonly<Record<string, TfjsArgument>>;
  /**
   * Arguments the stock `factory` needs besides `args` to compute what Keras does
   * (SpatialDropout2D is a Dropout whose mask is shared over height and width). Generated
   * code writes them; Model Lab's own class needs none.
   */
  factoryArgs?: Readonly<Record<string, TfjsValue>>;
  /**
   * Params at a value the stock factory ignores or lacks (Conv2D `groups` above 1): Model
   * Lab's own layer class computes them, generated code cannot express them.
   */
  ownClassOnly?: readonly TfjsLimit[];
  /** Params at a value no TF.js layer computes, Model Lab's own classes included. */
  unsupported?: readonly TfjsLimit[];
}

/** An initializer argument. */
export function tfjsInitializer(name: InitializerName): TfjsInitializerArgument {
  return { kind: 'initializer', name };
}

/** A regularizer argument; Keras's `None` stays `null`. */
export function tfjsRegularizer(regularizer: RegularizerParams | null): TfjsRegularizerArgument | null {
  return regularizer === null ? null : { kind: 'regularizer', l1: regularizer.l1, l2: regularizer.l2 };
}

/** A seed argument. */
export function tfjsSeed(seed: number | null): TfjsSeedArgument {
  return { kind: 'seed', seed };
}

/** An activation argument. */
export function tfjsActivation(name: ActivationName): TfjsActivationArgument {
  return { kind: 'activation', name };
}

/** True for the tagged arguments (initializer, regularizer, seed, activation); false for plain values. */
export function isTaggedArgument(argument: TfjsArgument | undefined): argument is TfjsTaggedArgument {
  return typeof argument === 'object' && argument !== null && !Array.isArray(argument);
}

/** The TF.js initializer factory of a Keras initializer name, and the arguments Keras's defaults give it. */
export interface TfjsInitializerSpec {
  /** The `tf.initializers` factory (`heNormal`). */
  factory: string;
  /** Its arguments other than the seed, TF.js names. */
  config: Readonly<Record<string, number>>;
  /** Whether it draws random values, and so takes a seed. */
  random: boolean;
}

/** Each Keras initializer as TF.js builds it, with Keras's default arguments. */
export const TFJS_INITIALIZERS: Readonly<Record<InitializerName, TfjsInitializerSpec>> = {
  glorot_uniform: { factory: 'glorotUniform', config: {}, random: true },
  glorot_normal: { factory: 'glorotNormal', config: {}, random: true },
  he_uniform: { factory: 'heUniform', config: {}, random: true },
  he_normal: { factory: 'heNormal', config: {}, random: true },
  lecun_uniform: { factory: 'leCunUniform', config: {}, random: true },
  lecun_normal: { factory: 'leCunNormal', config: {}, random: true },
  zeros: { factory: 'zeros', config: {}, random: false },
  ones: { factory: 'ones', config: {}, random: false },
  random_normal: { factory: 'randomNormal', config: { mean: 0, stddev: 0.05 }, random: true },
  random_uniform: { factory: 'randomUniform', config: { minval: -0.05, maxval: 0.05 }, random: true },
  truncated_normal: { factory: 'truncatedNormal', config: { mean: 0, stddev: 0.05 }, random: true },
  orthogonal: { factory: 'orthogonal', config: { gain: 1 }, random: true },
};

/** The window arguments of the 2D convolutions, TF.js names, in Keras's config order. */
export function tfjsWindowArgs(params: {
  kernel_size: readonly [number, number];
  strides: readonly [number, number];
  padding: 'valid' | 'same';
  dilation_rate: readonly [number, number];
}): Record<string, TfjsArgument> {
  return {
    kernelSize: [...params.kernel_size],
    strides: [...params.strides],
    padding: params.padding,
    dataFormat: 'channelsLast',
    dilationRate: [...params.dilation_rate],
  };
}

/** Activation, bias and kernel arguments of Conv2D, Conv2DTranspose and Dense, in Keras's config order. */
export function tfjsKernelLayerArgs(params: KernelLayerParams): Record<string, TfjsArgument> {
  return {
    activation: tfjsActivation(params.activation),
    useBias: params.use_bias,
    kernelInitializer: tfjsInitializer(params.kernel_initializer),
    biasInitializer: tfjsInitializer(params.bias_initializer),
    kernelRegularizer: tfjsRegularizer(params.kernel_regularizer),
  };
}

/** `kernel_size` -> `kernelSize`: TF.js's spelling of a Keras argument. */
export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
