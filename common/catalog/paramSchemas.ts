import { z } from 'zod';

/**
 * Zod fields shared by several layer families, with Keras's names and defaults, and the
 * serializers that turn them back into what tf.keras 2.x writes in `get_config()`.
 */

/** Activation names accepted by `activation` arguments, as Keras spells them. */
export const ACTIVATIONS = [
  'relu',
  'relu6',
  'leaky_relu',
  'elu',
  'selu',
  'gelu',
  'swish',
  'tanh',
  'sigmoid',
  'softmax',
  'linear',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Initializer names accepted by `*_initializer` arguments, as Keras spells them. */
export const INITIALIZERS = [
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
  'lecun_uniform',
  'lecun_normal',
  'zeros',
  'ones',
  'random_normal',
  'random_uniform',
  'truncated_normal',
  'orthogonal',
] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

/** An `activation` argument; Keras's `None` is stored as `'linear'`, which is what Keras saves. */
export function activationField(defaultValue: ActivationName, description: string) {
  return z.enum(ACTIVATIONS).default(defaultValue).describe(description);
}

/** An `*_initializer` argument. */
export function initializerField(defaultValue: InitializerName, description: string) {
  return z.enum(INITIALIZERS).default(defaultValue).describe(description);
}

/** An `L1L2` weight penalty; `null` is Keras's `None`. */
export const regularizerSchema = z.object({
  l1: z.number().min(0).default(0).describe('L1 penalty factor.'),
  l2: z.number().min(0).default(0).describe('L2 penalty factor.'),
});
export type RegularizerParams = z.infer<typeof regularizerSchema>;

/** A `*_regularizer` argument, `null` (no penalty) by default as in Keras. */
export function regularizerField(description: string) {
  return regularizerSchema.nullable().default(null).describe(description);
}

/** A pair of integers such as `kernel_size` or `strides` (height, width). */
export function intPairField(defaultValue: [number, number], description: string) {
  return z.tuple([z.number().int(), z.number().int()]).default(defaultValue).describe(description);
}

/** `padding` of convolutions and poolings. */
export function paddingField(description = "'valid' (no padding) or 'same' (output keeps the input's size when strides are 1).") {
  return z.enum(['valid', 'same']).default('valid').describe(description);
}

/** The Keras class names of the initializers, as `get_config()` writes them. */
const INITIALIZER_CLASSES: Record<InitializerName, { className: string; config: Record<string, unknown> }> = {
  glorot_uniform: { className: 'GlorotUniform', config: { seed: null } },
  glorot_normal: { className: 'GlorotNormal', config: { seed: null } },
  he_uniform: { className: 'HeUniform', config: { seed: null } },
  he_normal: { className: 'HeNormal', config: { seed: null } },
  lecun_uniform: { className: 'LecunUniform', config: { seed: null } },
  lecun_normal: { className: 'LecunNormal', config: { seed: null } },
  zeros: { className: 'Zeros', config: {} },
  ones: { className: 'Ones', config: {} },
  random_normal: { className: 'RandomNormal', config: { mean: 0.0, stddev: 0.05, seed: null } },
  random_uniform: { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  truncated_normal: { className: 'TruncatedNormal', config: { mean: 0.0, stddev: 0.05, seed: null } },
  orthogonal: { className: 'Orthogonal', config: { gain: 1.0, seed: null } },
};

/** Serializes an initializer the way tf.keras 2.x does: `{class_name, config}`. */
export function kerasInitializer(name: InitializerName): { class_name: string; config: Record<string, unknown> } {
  const entry = INITIALIZER_CLASSES[name];
  return { class_name: entry.className, config: { ...entry.config } };
}

/** Serializes a regularizer the way tf.keras 2.x does; `null` stays `null`. */
export function kerasRegularizer(regularizer: RegularizerParams | null): { class_name: 'L1L2'; config: RegularizerParams } | null {
  return regularizer === null ? null : { class_name: 'L1L2', config: { l1: regularizer.l1, l2: regularizer.l2 } };
}

/** The fields every tf.keras 2.x `get_config()` starts with; the caller adds `name` and overrides `trainable`. */
export function kerasBaseConfig(): Record<string, unknown> {
  return { trainable: true, dtype: 'float32' };
}

/** The arguments Conv2D, Conv2DTranspose and Dense share, as zod fields with Keras defaults. */
export function kernelLayerFields() {
  return {
    activation: activationField('linear', 'Activation applied to the output.'),
    use_bias: z.boolean().default(true).describe('Whether the layer adds a bias vector.'),
    kernel_initializer: initializerField('glorot_uniform', 'Initializer of the kernel.'),
    bias_initializer: initializerField('zeros', 'Initializer of the bias.'),
    kernel_regularizer: regularizerField('L1/L2 penalty on the kernel.'),
  };
}

/** The parsed form of `kernelLayerFields()`. */
export interface KernelLayerParams {
  activation: ActivationName;
  use_bias: boolean;
  kernel_initializer: InitializerName;
  bias_initializer: InitializerName;
  kernel_regularizer: RegularizerParams | null;
}

/** The tail of a tf.keras 2.x Conv/Dense `get_config()`, from `activation` to `bias_constraint`. */
export function kerasKernelLayerConfig(params: KernelLayerParams): Record<string, unknown> {
  return {
    activation: params.activation,
    use_bias: params.use_bias,
    kernel_initializer: kerasInitializer(params.kernel_initializer),
    bias_initializer: kerasInitializer(params.bias_initializer),
    kernel_regularizer: kerasRegularizer(params.kernel_regularizer),
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
}
