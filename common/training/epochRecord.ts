import { z } from 'zod';

/** One line of metrics.jsonl: Keras-style logs of one epoch (`loss`, `accuracy`, `val_loss`, ...). */
export const epochRecordSchema = z.object({
  epoch: z.number().int().min(1),
  logs: z.record(z.string(), z.number()),
  learningRate: z.number(),
  seconds: z.number(),
  imagesPerSecond: z.number(),
  time: z.string(),
  /** With fine-tuning: 1 while the base is frozen, 2 once its top is unfrozen. Absent for one-phase runs. */
  phase: z.union([z.literal(1), z.literal(2)]).optional(),
});
export type EpochRecord = z.infer<typeof epochRecordSchema>;
