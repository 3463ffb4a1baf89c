import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { graphAnalysisSchema } from '../../graph/problems';

export const templateInfoSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** Default input shape without the batch dimension, e.g. [28, 28, 1]. */
  inputShape: z.array(z.number().int().positive()),
  classes: z.number().int().positive(),
  totalParams: z.number(),
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
    description: 'A model graph built from a template with the given input shape and class count.',
    input: z.object({
      id: z.string(),
      inputShape: z.array(z.number().int().positive()).optional(),
      classes: z.number().int().positive().optional(),
    }),
    output: modelGraphSchema,
  }),
  generateCode: defineMethod({
    description: 'Keras Python or TF.js JavaScript source for a model graph.',
    input: z.object({ graph: modelGraphSchema, language: codeLanguageSchema }),
    output: z.object({ code: z.string() }),
  }),
};
