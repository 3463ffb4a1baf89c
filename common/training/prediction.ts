import { z } from 'zod';

/** One image classified by a run's checkpoint. */
export const predictionSchema = z.object({
  path: z.string(),
  predictedClass: z.number().int(),
  className: z.string(),
  confidence: z.number(),
  /** Top classes, most likely first. */
  top: z.array(z.object({ classIndex: z.number().int(), className: z.string(), probability: z.number() })),
});
export type Prediction = z.infer<typeof predictionSchema>;
