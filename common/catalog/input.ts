import { z } from 'zod';
import type { LabError } from '../errors';
import type { LayerSpec } from './types';
import { kerasBaseConfig } from './paramSchemas';
import { badParam, singleInput } from './layerErrors';

/** Where data enters the model: `Input` and the `Rescaling` preprocessing layer. */

const inputParams = z.object({
  shape: z
    .array(z.number().int().nullable())
    .min(1)
    .default([28, 28, 1])
    .describe('Shape of one sample, without the batch axis (e.g. [28, 28, 1]); null for a length known only at run time.'),
  batch_size: z.number().int().nullable().default(null).describe('Fixed batch size, or null (None) for any.'),
});
/** Input arguments, Keras names. */
export type InputParams = z.infer<typeof inputParams>;

/**
 * Keras `Input` / `InputLayer`. Accepts Keras's config spellings on import:
 * `batch_input_shape` (tf.keras 2.x) and `batch_shape` (Keras 3) carry the batch size first.
 */
export const input: LayerSpec<InputParams> = {
  type: 'Input',
  kerasClassName: 'InputLayer',
  family: 'input',
  summary: 'Where samples enter the model; fixes their shape.',
  docs: { input: 'none (a model input)', output: 'tensor (batch, *shape)' },
  params: inputParams,
  keyParams: ['shape'],
  arity: { min: 0, max: 0 },
  normalize: (raw) => {
    const out = { ...raw };
    const batchShape = out['batch_input_shape'] ?? out['batch_shape'];
    if (Array.isArray(batchShape) && batchShape.length > 0 && out['shape'] === undefined) {
      out['shape'] = batchShape.slice(1);
      if (out['batch_size'] === undefined) out['batch_size'] = batchShape[0];
    }
    delete out['batch_input_shape'];
    delete out['batch_shape'];
    if (typeof out['shape'] === 'number') out['shape'] = [out['shape']];
    return out;
  },
  validate: (params) => {
    const errors: LabError[] = [];
    if (params.shape.some((d) => d !== null && d <= 0)) {
      errors.push(badParam('shape', 'Expected every dimension of `shape` to be a positive integer or None.', params.shape));
    }
    if (params.batch_size !== null && params.batch_size <= 0) {
      errors.push(badParam('batch_size', 'Expected `batch_size` to be a positive integer or None.', params.batch_size));
    }
    return errors;
  },
  outputShape: (_inputs, params) => [params.batch_size, ...params.shape],
  weights: () => [],
  // tf.keras 2.x InputLayer config.
  kerasConfig: (params) => ({
    batch_input_shape: [params.batch_size, ...params.shape],
    dtype: 'float32',
    sparse: false,
    ragged: false,
  }),
};

const rescalingParams = z.object({
  scale: z.number().default(1 / 255).describe('Multiplier applied to every input value (1/255 maps bytes to [0, 1]; Keras requires it).'),
  offset: z.number().default(0).describe('Added after scaling (e.g. -1 with scale 1/127.5 maps bytes to [-1, 1]).'),
});
/** Rescaling arguments, Keras names. */
export type RescalingParams = z.infer<typeof rescalingParams>;

/** Keras `Rescaling`: `output = input * scale + offset`. */
export const rescaling: LayerSpec<RescalingParams> = {
  type: 'Rescaling',
  family: 'input',
  summary: 'Scales raw pixel values, e.g. bytes to [0, 1], inside the model.',
  docs: { input: 'any tensor', output: 'same shape as input' },
  params: rescalingParams,
  keyParams: ['scale', 'offset'],
  arity: { min: 1, max: 1 },
  outputShape: (inputs) => singleInput(inputs),
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), scale: params.scale, offset: params.offset }),
  requiredArguments: ['scale'],
  tfjsConfig: (params) => ({ factory: 'rescaling', args: { scale: params.scale, offset: params.offset } }),
};
