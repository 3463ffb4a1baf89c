import { z } from 'zod';
import { templateRequestSchema } from '../templates/types';

/**
 * Where a transfer model comes from: a run of the lab (its stored graph), a model file, or
 * a Keras Applications template with the weights of a Keras weights file (the `.h5` files
 * Keras downloads for `weights='imagenet'`, which hold weights but no architecture).
 */
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
  z.object({
    /** A weights-only Keras .h5 file (`layer_names`, per-layer `weight_names`), with or without top. */
    weightsPath: z.string(),
    /** The template whose layers the file's weights go into, built with these arguments. */
    template: templateRequestSchema,
  }),
]);
export type TransferSource = z.infer<typeof transferSourceSchema>;
