import { z } from 'zod';
import { LAB_ERROR_CODES } from '../errors';

/**
 * An edit the UI can apply to a graph with one click. Fixes are data, not code, so they
 * cross the API and can be previewed, applied and undone like any other edit.
 */
export const graphEditSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('insertNodeOnEdge'),
    edgeId: z.string(),
    node: z.object({
      type: z.string(),
      name: z.string().optional(),
      params: z.record(z.string(), z.unknown()).default({}),
    }),
  }),
  z.object({
    kind: z.literal('setParam'),
    nodeId: z.string(),
    field: z.string(),
    value: z.unknown(),
  }),
  z.object({ kind: z.literal('removeEdge'), edgeId: z.string() }),
  z.object({ kind: z.literal('removeNode'), nodeId: z.string() }),
  /** Makes these nodes the model's outputs, in this order. */
  z.object({ kind: z.literal('setOutputs'), nodeIds: z.array(z.string()) }),
  z.object({
    kind: z.literal('addEdge'),
    source: z.string(),
    target: z.string(),
    targetIndex: z.number().int().min(0).default(0),
  }),
]);
export type GraphEdit = z.infer<typeof graphEditSchema>;

export const graphFixSchema = z.object({
  /** Button text: "Insert Flatten before dense_1". */
  label: z.string(),
  edits: z.array(graphEditSchema),
});
export type GraphFix = z.infer<typeof graphFixSchema>;

export const graphProblemSchema = z.object({
  code: z.enum(LAB_ERROR_CODES),
  /** Errors block compiling and training; warnings are legal Keras the user probably didn't mean. */
  severity: z.enum(['error', 'warning']),
  /** Plain-language explanation naming the layer. */
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  /** Which of the node's inputs, for merges. */
  inputIndex: z.number().int().optional(),
  field: z.string().optional(),
  fix: graphFixSchema.optional(),
  /** Other fixes for the same problem (e.g. GlobalAveragePooling2D instead of Flatten), best first. */
  alternatives: z.array(graphFixSchema).optional(),
});
export type GraphProblem = z.infer<typeof graphProblemSchema>;

const dimSchema = z.number().int().nullable();

export const graphAnalysisSchema = z.object({
  /** Node ids in topological order (only when there is no cycle). */
  order: z.array(z.string()),
  /** Node ids of `Input` layers, in graph order. */
  inputs: z.array(z.string()),
  /** The model's outputs: the chosen ones (`graph.outputs`), else the last layer that feeds nothing. */
  outputs: z.array(z.string()),
  /** Output shape of each node whose shape could be inferred. */
  shapes: z.record(z.string(), z.array(dimSchema)),
  /** Parameter count of each node whose input shapes are known. */
  params: z.record(z.string(), z.object({ trainable: z.number(), nonTrainable: z.number() })),
  totals: z.object({ total: z.number(), trainable: z.number(), nonTrainable: z.number() }),
  problems: z.array(graphProblemSchema),
  /** True when no problem has severity `error`: the graph compiles. */
  valid: z.boolean(),
});
export type GraphAnalysis = z.infer<typeof graphAnalysisSchema>;
