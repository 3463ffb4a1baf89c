import { z } from 'zod';

/** Where a transfer model comes from: a run of the lab (its stored graph) or a model file. */
export const transferSourceSchema = z.union([
  z.object({
    runId: z.string(),
    projectDir: z.string().optional(),
    /** Which checkpoint's weights are meant; the graph is the same for both. */
    checkpoint: z.enum(['best', 'last']).optional(),
  }),
  z.object({
    /** A Keras .h5 / .keras file or a TF.js model.json (file or its folder). */
    modelPath: z.string(),
  }),
]);
export type TransferSource = z.infer<typeof transferSourceSchema>;
