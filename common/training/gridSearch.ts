import { z } from 'zod';
import { modelGraphSchema, type ModelGraph } from '../graph/schema';
import { backendNameSchema } from './backend';
import { hyperparametersSchema, type HyperparametersInput } from './hyperparameters';
import { OPTIMIZER_NAMES } from './optimizers';

/** Values a grid search tries; every combination becomes one run. An empty list keeps the base value. */
export const gridAxesSchema = z.object({
  learningRate: z.array(z.number().positive()).default([]),
  batchSize: z.array(z.number().int().positive()).default([]),
  /** Rates set on every Dropout layer of the graph. */
  dropout: z.array(z.number().min(0).lt(1)).default([]),
  optimizer: z.array(z.enum(OPTIMIZER_NAMES)).default([]),
});
export type GridAxes = z.infer<typeof gridAxesSchema>;

/** One combination of a grid: the run it becomes, before and after it starts. */
export const gridEntrySchema = z.object({
  /** Run name, e.g. `grid adam lr=0.01 bs=8`. */
  name: z.string(),
  hyperparameters: hyperparametersSchema,
  /** Dropout rate applied to every Dropout layer, or null to keep the graph's. */
  dropout: z.number().nullable(),
  /** The run that trains it, once started. */
  runId: z.string().nullable(),
});

/**
 * Where a grid search is: `running` while it has a run training or combinations left to
 * start; `interrupted` when it had some left but nothing drives it any more (the app was
 * closed): `resumeGridSearch` continues it. The other states are final.
 */
export const gridSearchStatusSchema = z.enum(['running', 'interrupted', 'completed', 'cancelled', 'failed']);
export type GridSearchStatus = z.infer<typeof gridSearchStatusSchema>;

/** grid-<id>.json: a grid search, kept beside the runs so it survives a reload and can be resumed. */
export const gridSearchSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  graph: modelGraphSchema,
  /** The dataset every run trains on: an id or a cache folder, as `startRun` takes it. */
  dataset: z.string(),
  backend: backendNameSchema.nullable(),
  /** Every combination, in the order they run. */
  entries: z.array(gridEntrySchema),
  status: gridSearchStatusSchema,
  /** Why the grid ended before its last combination (a run failed to start), when it did. */
  endReason: z.string().nullable(),
});
export type GridSearch = z.infer<typeof gridSearchSchema>;

/**
 * A deep copy of form values that may be a store's reactive proxy, which structuredClone
 * rejects. Hyperparameters are JSON by design (run.json holds them).
 */
function plainCopy(values: HyperparametersInput): HyperparametersInput {
  return JSON.parse(JSON.stringify(values)) as HyperparametersInput;
}

/** A combination before it is parsed: the run name, hyperparameters over `base`, and the dropout rate. */
export interface GridCombination {
  name: string;
  hyperparameters: HyperparametersInput;
  /** Dropout rate applied to every Dropout layer, or null to keep the graph's. */
  dropout: number | null;
}

/**
 * Every combination of the grid's values over `base`, each with a readable name, in the
 * order they run: optimizers, then learning rates, batch sizes and dropout rates.
 */
export function expandGrid(base: HyperparametersInput, axes: GridAxes): GridCombination[] {
  const runs: GridCombination[] = [];
  const dropouts: (number | null)[] = axes.dropout.length > 0 ? axes.dropout : [null];
  const optimizers = axes.optimizer.length > 0 ? axes.optimizer : [base.optimizer?.name ?? 'adam'];
  const rates = axes.learningRate.length > 0 ? axes.learningRate : [null];
  const batches = axes.batchSize.length > 0 ? axes.batchSize : [base.batchSize ?? 32];
  for (const optimizer of optimizers) {
    for (const rate of rates) {
      for (const batchSize of batches) {
        for (const dropout of dropouts) {
          const optimizerConfig = { name: optimizer, ...(rate === null ? {} : { learningRate: rate }) } as HyperparametersInput['optimizer'];
          const parts = [optimizer, rate === null ? null : `lr=${rate}`, `bs=${batchSize}`, dropout === null ? null : `drop=${dropout}`].filter((part) => part !== null);
          runs.push({ name: `grid ${parts.join(' ')}`, hyperparameters: { ...plainCopy(base), optimizer: optimizerConfig, batchSize }, dropout });
        }
      }
    }
  }
  return runs;
}

/** `graph` with every Dropout layer's rate set to `rate`. */
export function withDropout(graph: ModelGraph, rate: number | null): ModelGraph {
  if (rate === null) return graph;
  return { ...graph, nodes: graph.nodes.map((node) => (node.type === 'Dropout' ? { ...node, params: { ...node.params, rate } } : node)) };
}
