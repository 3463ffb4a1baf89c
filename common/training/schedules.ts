import { z } from 'zod';

/** Learning-rate schedules; step counts are in batches as in Keras, `stepSize` of step decay is in epochs. */
export const lrScheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('constant') }),
  /** lr * gamma ^ floor(epoch / stepSize). */
  z.object({ type: z.literal('step'), stepSize: z.number().int().positive().default(10), gamma: z.number().positive().default(0.1) }),
  /** Keras ExponentialDecay: lr * decayRate ^ (step / decaySteps). */
  z.object({ type: z.literal('exponential'), decaySteps: z.number().int().positive().default(1000), decayRate: z.number().positive().default(0.96), staircase: z.boolean().default(false) }),
  /**
   * Keras CosineDecay with warm-up: linear from 0 to lr over `warmupSteps`, then cosine
   * down to `alpha * lr` over `decaySteps` (null: the remaining steps of the run).
   * Differs from Keras: the warm-up starts at 0 rather than at a separate initial rate.
   */
  z.object({ type: z.literal('cosine'), decaySteps: z.number().int().positive().nullable().default(null), alpha: z.number().min(0).max(1).default(0), warmupSteps: z.number().int().min(0).default(0) }),
  /** Keras ReduceLROnPlateau. */
  z.object({
    type: z.literal('reduce_on_plateau'),
    monitor: z.string().default('val_loss'),
    factor: z.number().positive().max(1).default(0.1),
    patience: z.number().int().min(0).default(10),
    mode: z.enum(['auto', 'min', 'max']).default('auto'),
    minDelta: z.number().min(0).default(1e-4),
    cooldown: z.number().int().min(0).default(0),
    minLr: z.number().min(0).default(0),
  }),
]);
export type LrScheduleConfig = z.infer<typeof lrScheduleSchema>;
