import { z } from 'zod';
import { augmentationSchema } from '../data/augmentation';
import { checkpointSchema, earlyStoppingSchema } from './callbacks';
import { lossNameSchema } from './losses';
import { metricNameSchema } from './metrics';
import { optimizerSchema } from './optimizers';
import { lrScheduleSchema } from './schedules';
import { transferSourceSchema } from './transferSource';
import { fineTuneSchema } from './fineTune';

/**
 * Training hyperparameters. Field names are camelCase versions of the Keras argument
 * names, and every default is the Keras default, so a Keras user gets what they expect.
 */

export const hyperparametersSchema = z.object({
  optimizer: optimizerSchema.default({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  /** Keras `clipnorm`: each gradient is rescaled to at most this L2 norm. */
  clipnorm: z.number().positive().nullable().default(null),
  /** Keras `clipvalue`: each gradient element is clipped to [-v, v]. */
  clipvalue: z.number().positive().nullable().default(null),
  /** Coupled L2 penalty added to every trainable kernel's gradient (Adam + L2 when the optimizer is Adam). */
  l2: z.number().min(0).default(0),
  batchSize: z.number().int().positive().default(32),
  epochs: z.number().int().positive().default(1),
  loss: lossNameSchema.default('sparse_categorical_crossentropy'),
  /** True when the model's last layer has no softmax/sigmoid (Keras `from_logits`). */
  fromLogits: z.boolean().default(false),
  metrics: z.array(metricNameSchema).default(['accuracy']),
  /** k of `top_k_accuracy` (Keras default 5). */
  topK: z.number().int().positive().default(5),
  lrSchedule: lrScheduleSchema.default({ type: 'constant' }),
  earlyStopping: earlyStoppingSchema.nullable().default(null),
  checkpoint: checkpointSchema.default({ monitor: 'val_loss', mode: 'auto' }),
  /** Keras `class_weight` by class index, or 'balanced' (n_samples / (n_classes * count)). */
  classWeight: z.union([z.literal('balanced'), z.record(z.string(), z.number().min(0))]).nullable().default(null),
  seed: z.number().int().min(0).default(42),
  /**
   * Keras `validation_split`: the last fraction of the training examples (before
   * shuffling) validates. Null uses the dataset's validation split.
   */
  validationSplit: z.number().min(0).max(0.9).nullable().default(null),
  /** Shuffle training examples every epoch (Keras `shuffle=True`). */
  shuffle: z.boolean().default(true),
  augmentation: augmentationSchema.nullable().default(null),
  /** Weights to start from: layers of the same name and weight shapes in this run or model file. */
  initialWeights: transferSourceSchema.optional(),
  /** A second phase that unfreezes the top of the base and trains on at a lower learning rate; null trains one phase. */
  fineTune: fineTuneSchema.nullable().default(null),
});
export type Hyperparameters = z.infer<typeof hyperparametersSchema>;
export type HyperparametersInput = z.input<typeof hyperparametersSchema>;
