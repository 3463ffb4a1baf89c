import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { graphAnalysisSchema } from '../../graph/problems';
import { basePreprocessingSchema } from '../../data/basePreprocessing';
import { templateRequestSchema } from '../../templates/types';

export const templateInfoSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** Default input shape without the batch dimension, e.g. [28, 28, 1]. */
  inputShape: z.array(z.number().int().positive()),
  classes: z.number().int().positive(),
  totalParams: z.number(),
  /** Set for the Keras Applications: they take `include_top` and `pooling` and load ImageNet weights files. */
  application: z.object({
    /** Smallest height and width the architecture takes. */
    minSize: z.number().int().positive(),
    /** Total parameters with `include_top=False` at the default input shape. */
    totalParamsWithoutTop: z.number(),
    preprocessing: basePreprocessingSchema,
    /** The files `weights='imagenet'` downloads in Keras, with and without the top. */
    weightsFiles: z.object({ top: z.string(), noTop: z.string() }),
  }).optional(),
});
export type TemplateInfo = z.infer<typeof templateInfoSchema>;

export const codeLanguageSchema = z.enum(['keras', 'tfjs']);

export const graphMethods = {
  analyzeGraph: defineMethod({
    description: 'Shapes, parameter counts and problems (with fixes) of a model graph.',
    input: z.object({ graph: modelGraphSchema }),
    output: graphAnalysisSchema,
  }),
  summarizeGraph: defineMethod({
    description: "A Keras-style summary() table of a model graph.",
    input: z.object({ graph: modelGraphSchema }),
    output: z.object({ text: z.string() }),
  }),
  listTemplates: defineMethod({
    description: 'The architecture templates with their default input shape and class count.',
    input: z.object({}).default({}),
    output: z.array(templateInfoSchema),
  }),
  createFromTemplate: defineMethod({
    description: "A model graph built from a template with the given input shape and class count, and Keras Applications' include_top and pooling.",
    input: templateRequestSchema,
    output: modelGraphSchema,
  }),
  generateCode: defineMethod({
    description: 'Keras Python or TF.js JavaScript source for a model graph.',
    input: z.object({ graph: modelGraphSchema, language: codeLanguageSchema }),
    output: z.object({ code: z.string() }),
  }),
};
