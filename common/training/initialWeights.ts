import { z } from 'zod';

/** Which layers of a run took their initial weights from a transfer source, and which did not (with why). */
export const initialWeightsReportSchema = z.object({
  initialised: z.array(z.string()),
  skipped: z.array(z.object({ layer: z.string(), reason: z.string() })),
});
export type InitialWeightsReport = z.infer<typeof initialWeightsReportSchema>;
