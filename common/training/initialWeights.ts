import { z } from 'zod';

/** Which layers of a run took their initial weights from a transfer source, and which did not (with why). */
export const initialWeightsReportSchema = z.object({
  initialised: z.array(z.string()),
  skipped: z.array(z.object({ layer: z.string(), reason: z.string() })),
  /**
   * How a Keras weights file's layers were matched to the model's: by layer name (Keras's
   * `load_weights(by_name=True)`), or by position among the layers with weights (Keras's
   * plain `load_weights`, for files whose automatic names Keras numbered differently).
   * Absent for runs and model files, which always match by name.
   */
  matchedBy: z.enum(['name', 'position']).optional(),
});
export type InitialWeightsReport = z.infer<typeof initialWeightsReportSchema>;
