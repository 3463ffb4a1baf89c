import { z } from 'zod';

const classMetricsSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() });

/** One evaluated image with its prediction. */
export const evaluatedImageSchema = z.object({
  /** Record index in the dataset cache. */
  index: z.number().int(),
  trueClass: z.number().int(),
  predictedClass: z.number().int(),
  confidence: z.number(),
  loss: z.number(),
  /** PNG data URL of the image. */
  thumbnail: z.string(),
});
export type EvaluatedImage = z.infer<typeof evaluatedImageSchema>;

/** Result of evaluating a checkpoint on the test split. */
export const evaluationSchema = z.object({
  runId: z.string(),
  checkpoint: z.enum(['best', 'last']),
  split: z.enum(['test', 'validation']),
  examples: z.number().int(),
  loss: z.number(),
  accuracy: z.number(),
  topK: z.object({ k: z.number().int(), accuracy: z.number() }),
  classes: z.array(z.string()),
  /** confusionMatrix[true][predicted] counts. */
  confusionMatrix: z.array(z.array(z.number().int())),
  perClass: z.array(classMetricsSchema.extend({ className: z.string() })),
  macroAverage: classMetricsSchema,
  weightedAverage: classMetricsSchema,
  misclassified: z.array(evaluatedImageSchema),
  evaluatedAt: z.string(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

/**
 * Every evaluated example, column by column (entry i of each array is example i): numbers
 * only, so the saved evaluation stays small and any confusion-matrix cell can be listed.
 */
export const evaluationPredictionsSchema = z.object({
  /** Record index in the dataset cache. */
  index: z.array(z.number().int()),
  trueClass: z.array(z.number().int()),
  predictedClass: z.array(z.number().int()),
  confidence: z.array(z.number()),
  loss: z.array(z.number()),
});
export type EvaluationPredictions = z.infer<typeof evaluationPredictionsSchema>;

/** The evaluation as saved in the run folder: the API result plus every example's prediction. */
export const storedEvaluationSchema = evaluationSchema.extend({ predictions: evaluationPredictionsSchema });
export type StoredEvaluation = z.infer<typeof storedEvaluationSchema>;

/** The images of one confusion-matrix cell, highest loss first. */
export const confusionCellImagesSchema = z.object({
  trueClass: z.number().int(),
  predictedClass: z.number().int(),
  /** How many evaluated examples the cell holds (may exceed the images returned). */
  total: z.number().int(),
  images: z.array(evaluatedImageSchema),
});
export type ConfusionCellImages = z.infer<typeof confusionCellImagesSchema>;
