import { z } from 'zod';

const common = { learningRate: z.number().positive().default(0.001) };
const epsilon = z.number().positive().default(1e-7);

/** Optimizers with their Keras arguments (`keras.optimizers.*`). */
export const optimizerSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('sgd'),
    learningRate: z.number().positive().default(0.01),
    momentum: z.number().min(0).max(1).default(0),
    nesterov: z.boolean().default(false),
  }),
  z.object({ name: z.literal('adam'), ...common, beta1: z.number().min(0).max(1).default(0.9), beta2: z.number().min(0).max(1).default(0.999), epsilon }),
  z.object({
    name: z.literal('adamw'),
    ...common,
    /** Decoupled weight decay (Keras AdamW default 0.004). */
    weightDecay: z.number().min(0).default(0.004),
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon,
  }),
  z.object({
    name: z.literal('rmsprop'),
    ...common,
    rho: z.number().min(0).max(1).default(0.9),
    momentum: z.number().min(0).max(1).default(0),
    epsilon,
    centered: z.boolean().default(false),
  }),
  z.object({ name: z.literal('adagrad'), ...common, initialAccumulatorValue: z.number().min(0).default(0.1), epsilon }),
  z.object({ name: z.literal('adadelta'), ...common, rho: z.number().min(0).max(1).default(0.95), epsilon }),
  z.object({ name: z.literal('adamax'), ...common, beta1: z.number().min(0).max(1).default(0.9), beta2: z.number().min(0).max(1).default(0.999), epsilon }),
]);
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
export type OptimizerName = OptimizerConfig['name'];
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax'] as const satisfies readonly OptimizerName[];
