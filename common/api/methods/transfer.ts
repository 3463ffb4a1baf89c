import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';

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

/** Which layers of a run took their initial weights from a transfer source, and which did not (with why). */
export const initialWeightsReportSchema = z.object({
  initialised: z.array(z.string()),
  skipped: z.array(z.object({ layer: z.string(), reason: z.string() })),
});
export type InitialWeightsReport = z.infer<typeof initialWeightsReportSchema>;

/** Freeze every base layer, none, or all but the last N base layers. */
export const freezeModeSchema = z.union([z.enum(['all', 'none']), z.number().int().min(0)]);

export const transferMethods = {
  createTransferGraph: defineMethod({
    description: "A new model from a trained one: its layers up to cutAt (default: before the classifier head), frozen as asked, plus a new classifier head.",
    input: z.object({
      source: transferSourceSchema,
      /** Name of the last base layer kept. */
      cutAt: z.string().optional(),
      classes: z.number().int().positive(),
      freeze: freezeModeSchema.default('all'),
      headDropout: z.number().min(0).lt(1).optional(),
    }),
    output: z.object({ graph: modelGraphSchema, baseLayers: z.array(z.string()), frozen: z.array(z.string()) }),
  }),
};
