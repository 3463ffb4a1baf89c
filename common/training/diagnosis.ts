import { z } from 'zod';

/** One diagnosis of the learning curves, with the numbers behind it and what to try. */
export const diagnosisSchema = z.object({
  kind: z.enum(['underfitting', 'overfitting', 'divergence', 'plateau']),
  severity: z.enum(['info', 'warning']),
  message: z.string(),
  evidence: z.string(),
  suggestions: z.array(z.string()),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;
