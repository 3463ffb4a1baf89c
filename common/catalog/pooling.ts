import { z } from 'zod';
import type { LabError } from '../errors';
import type { LayerSpec } from './types';
import { intPairField, kerasBaseConfig, paddingField } from './paramSchemas';
import { pairShorthand } from './normalizeUtils';
import { convOutputLength, IMAGE_INPUT } from './convolutionUtils';
import { requirePositive, requirePositiveOutput, singleInput } from './layerErrors';

/** Pooling layers (Keras `layers/pooling/`), channels_last. */

const poolingParams = z.object({
  pool_size: intPairField([2, 2], 'Height and width of the pooling window.'),
  strides: z
    .tuple([z.number().int(), z.number().int()])
    .nullable()
    .default(null)
    .describe('Step of the window; None uses pool_size.'),
  padding: paddingField(),
});
/** MaxPooling2D / AveragePooling2D arguments, Keras names. */
export type Pooling2dParams = z.infer<typeof poolingParams>;

/** Keras's `strides=None` means "same as pool_size". */
function effectiveStrides(params: Pooling2dParams): [number, number] {
  return params.strides ?? params.pool_size;
}

function pooling2d(type: 'MaxPooling2D' | 'AveragePooling2D', summary: string): LayerSpec<Pooling2dParams> {
  return {
    type,
    family: 'pooling',
    summary,
    docs: { input: '4D tensor (batch, height, width, channels)', output: '4D tensor (batch, pooled_height, pooled_width, channels)' },
    params: poolingParams,
    keyParams: ['pool_size', 'strides', 'padding'],
    arity: { min: 1, max: 1 },
    normalize: (raw) => pairShorthand(raw, ['pool_size', 'strides']),
    validate: (params) => {
      const errors: LabError[] = [];
      requirePositive(errors, 'pool_size', params.pool_size, 'a tuple of 2 integers');
      if (params.strides !== null) requirePositive(errors, 'strides', params.strides, 'a tuple of 2 integers');
      return errors;
    },
    // Keras's compute_pooling_output_shape is conv_output_length with dilation 1.
    outputShape: (inputs, params) => {
      const shape = singleInput(inputs, 4, IMAGE_INPUT);
      const strides = effectiveStrides(params);
      const height = convOutputLength(shape[1] ?? null, params.pool_size[0], params.padding, strides[0]);
      const width = convOutputLength(shape[2] ?? null, params.pool_size[1], params.padding, strides[1]);
      return requirePositiveOutput(
        [shape[0] ?? null, height, width, shape[3] ?? null],
        shape,
        `pool_size=${JSON.stringify(params.pool_size)}, strides=${JSON.stringify(strides)}, padding='${params.padding}'`,
      );
    },
    weights: () => [],
    // tf.keras 2.x stores the resolved strides, never None.
    kerasConfig: (params) => ({
      ...kerasBaseConfig(),
      pool_size: [...params.pool_size],
      padding: params.padding,
      strides: [...effectiveStrides(params)],
      data_format: 'channels_last',
    }),
    // TF.js too takes strides=null as pool_size; passing it on keeps an explicit stride visible.
    tfjsConfig: (params) => ({
      factory: type === 'MaxPooling2D' ? 'maxPooling2d' : 'averagePooling2d',
      args: { poolSize: [...params.pool_size], padding: params.padding, strides: params.strides === null ? null : [...params.strides], dataFormat: 'channelsLast' },
    }),
  };
}

/** Keras `MaxPooling2D`. */
export const maxPooling2d = pooling2d('MaxPooling2D', 'Keeps the largest value of each window: downsamples, adds translation tolerance.');
/** Keras `AveragePooling2D`. */
export const averagePooling2d = pooling2d('AveragePooling2D', 'Averages each window: smooth downsampling.');

const globalPoolingParams = z.object({
  keepdims: z.boolean().default(false).describe('Keep the spatial axes with length 1 (output (batch, 1, 1, channels)).'),
});
/** GlobalAveragePooling2D / GlobalMaxPooling2D arguments, Keras names. */
export type GlobalPooling2dParams = z.infer<typeof globalPoolingParams>;

function globalPooling2d(type: 'GlobalAveragePooling2D' | 'GlobalMaxPooling2D', summary: string): LayerSpec<GlobalPooling2dParams> {
  return {
    type,
    family: 'pooling',
    summary,
    docs: { input: '4D tensor (batch, height, width, channels)', output: '2D tensor (batch, channels), or (batch, 1, 1, channels) with keepdims' },
    params: globalPoolingParams,
    keyParams: ['keepdims'],
    arity: { min: 1, max: 1 },
    outputShape: (inputs, params) => {
      const shape = singleInput(inputs, 4, IMAGE_INPUT);
      return params.keepdims ? [shape[0] ?? null, 1, 1, shape[3] ?? null] : [shape[0] ?? null, shape[3] ?? null];
    },
    weights: () => [],
    kerasConfig: (params) => ({ ...kerasBaseConfig(), data_format: 'channels_last', keepdims: params.keepdims }),
    tfjsConfig: (params) => ({
      factory: type === 'GlobalAveragePooling2D' ? 'globalAveragePooling2d' : 'globalMaxPooling2d',
      args: { dataFormat: 'channelsLast', keepdims: params.keepdims },
      ownClassOnly: params.keepdims ? [{ field: 'keepdims', value: params.keepdims, reason: 'TF.js 4.22 global poolings have no keepdims.' }] : [],
    }),
  };
}

/** Keras `GlobalAveragePooling2D`. */
export const globalAveragePooling2d = globalPooling2d('GlobalAveragePooling2D', 'Averages each channel over the whole image: the usual bridge to the classifier head.');
/** Keras `GlobalMaxPooling2D`. */
export const globalMaxPooling2d = globalPooling2d('GlobalMaxPooling2D', 'Takes the maximum of each channel over the whole image.');
