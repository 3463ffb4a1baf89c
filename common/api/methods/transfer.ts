import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { transferSourceSchema } from '../../training/transferSource';
import { initialWeightsReportSchema } from '../../training/initialWeights';

/** Freeze every base layer, none, or all but the last N base layers. */
export const freezeModeSchema = z.union([z.enum(['all', 'none']), z.number().int().min(0)]);

export const transferMethods = {
  createTransferGraph: defineMethod({
    description: "A new model from a trained one: its layers up to cutAt (default: before the classifier head; a template without top: its output), frozen as asked, plus a new classifier head. A Keras weights file is checked against its template at once.",
    input: z.object({
      /** A run or model file to build on, or a graph alone: its new model starts from fresh weights. */
      source: z.union([transferSourceSchema, z.object({ graph: modelGraphSchema })]),
      /** Name of the last base layer kept. */
      cutAt: z.string().optional(),
      classes: z.number().int().positive(),
      freeze: freezeModeSchema.default('all'),
      headDropout: z.number().min(0).lt(1).optional(),
    }),
    output: z.object({
      graph: modelGraphSchema,
      baseLayers: z.array(z.string()),
      frozen: z.array(z.string()),
      /** For a Keras weights file: which layers of the new model its weights will fill, and what is skipped. */
      weights: initialWeightsReportSchema.optional(),
    }),
  }),
};
