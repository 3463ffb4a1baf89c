import { z } from 'zod';
import type { LabError } from '../errors';
import type { LayerSpec } from './types';
import { kerasBaseConfig } from './paramSchemas';
import { IMAGE_INPUT } from './convolutionUtils';
import { badParam, singleInput } from './layerErrors';
import { tfjsSeed } from './tfjsConfig';

/** Regularization layers (Keras `layers/regularization/`). */

const dropoutParams = z.object({
  rate: z.number().default(0.5).describe('Fraction of inputs set to zero during training (Keras requires it; the palette starts at 0.5).'),
  seed: z.number().int().nullable().default(null).describe('Random seed, or null.'),
});
/** Dropout / SpatialDropout2D arguments, Keras names. */
export type DropoutParams = z.infer<typeof dropoutParams>;

/**
 * Differs from Keras 3 (which accepts rate=1): TF.js rejects rate=1, and dropping
 * everything leaves nothing to learn from, so the rate must lie in [0, 1).
 */
function validateRate(params: DropoutParams): LabError[] {
  return params.rate >= 0 && params.rate < 1
    ? []
    : [badParam('rate', 'Invalid value received for argument `rate`. Expected a float value in [0, 1).', params.rate)];
}

/** Keras `Dropout`. */
export const dropout: LayerSpec<DropoutParams> = {
  type: 'Dropout',
  family: 'regularization',
  summary: 'Randomly zeroes inputs while training to fight overfitting.',
  docs: { input: 'any tensor', output: 'same shape as input' },
  params: dropoutParams,
  keyParams: ['rate'],
  arity: { min: 1, max: 1 },
  validate: validateRate,
  outputShape: (inputs) => singleInput(inputs),
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), rate: params.rate, noise_shape: null, seed: params.seed }),
  requiredArguments: ['rate'],
  // Differs from Keras on `seed`: a seeded TF.js Dropout reuses one mask on every step, which
  // would silently weaken the regularisation, so Dropout always draws fresh masks.
  tfjsConfig: (params) => ({ factory: 'dropout', args: { rate: params.rate } }),
};

/** Keras `SpatialDropout2D`: drops whole channels instead of single values. */
export const spatialDropout2d: LayerSpec<DropoutParams> = {
  type: 'SpatialDropout2D',
  family: 'regularization',
  summary: 'Randomly zeroes whole feature maps while training (suits conv layers).',
  docs: { input: '4D tensor (batch, height, width, channels)', output: 'same shape as input' },
  params: dropoutParams,
  keyParams: ['rate'],
  arity: { min: 1, max: 1 },
  validate: validateRate,
  outputShape: (inputs) => singleInput(inputs, 4, IMAGE_INPUT),
  weights: () => [],
  // tf.keras 2.x writes the Dropout config; channels_last is its default data_format.
  kerasConfig: (params) => ({ ...kerasBaseConfig(), rate: params.rate, noise_shape: null, seed: params.seed }),
  requiredArguments: ['rate'],
  // Keras drops whole channels: one mask value per (sample, channel), shared over height and width.
  tfjsConfig: (params) => ({ factory: 'dropout', args: { rate: params.rate, seed: tfjsSeed(params.seed) }, factoryArgs: { noiseShape: [null, 1, 1, null] } }),
};
