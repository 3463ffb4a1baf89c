import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { backendNameSchema } from '../../training/backend';
import { gridAxesSchema, gridSearchStatusSchema } from '../../training/gridSearch';
import { hyperparametersSchema } from '../../training/hyperparameters';

/** Where a grid search stands, as lists and events show it. */
export const gridSearchSummarySchema = z.object({
  id: z.string(),
  /** The project whose runs it trains, as the request named it; null for the lab's own runs. */
  projectDir: z.string().nullable(),
  createdAt: z.string(),
  status: gridSearchStatusSchema,
  /** Combinations in all. */
  total: z.number().int(),
  /** Combinations not started yet. */
  queued: z.number().int(),
  /** Runs started so far, in the order they started; while running, the last one trains. */
  runIds: z.array(z.string()),
  endReason: z.string().nullable(),
});
export type GridSearchSummary = z.infer<typeof gridSearchSummarySchema>;

/** A grid search changed: a run started, its queue was dropped, or it ended. */
export const gridProgressEventSchema = z.object({
  type: z.literal('grid.progress'),
  grid: gridSearchSummarySchema,
});

/** Grid search events, spread into `LAB_EVENT_SCHEMAS`. */
export const GRID_EVENT_SCHEMAS = [gridProgressEventSchema] as const;

const gridRef = { projectDir: z.string().optional(), gridId: z.string().min(1) };

export const gridSearchMethods = {
  startGridSearch: defineMethod({
    description: 'Trains every combination of the grid values one run after another, kept with the runs so it survives a reload; progress arrives as grid.progress and run.* events.',
    input: z.object({
      projectDir: z.string().optional(),
      graph: modelGraphSchema,
      /** A dataset id known to the lab, or the folder of a dataset cache. */
      dataset: z.string(),
      /** What every combination starts from. */
      hyperparameters: hyperparametersSchema.default(hyperparametersSchema.parse({})),
      axes: gridAxesSchema,
      backend: backendNameSchema.optional(),
    }),
    output: gridSearchSummarySchema,
  }),
  listGridSearches: defineMethod({
    description: 'The grid searches of a project (or of the lab when no project is given), newest first.',
    input: z.object({ projectDir: z.string().optional() }).default({}),
    output: z.array(gridSearchSummarySchema),
  }),
  cancelGridSearch: defineMethod({
    description: 'Drops the combinations not started yet; a run already training carries on.',
    input: z.object(gridRef),
    output: gridSearchSummarySchema,
  }),
  resumeGridSearch: defineMethod({
    description: 'Continues an interrupted grid search: its interrupted run resumes from its last checkpoint, then the combinations not started yet run.',
    input: z.object(gridRef),
    output: gridSearchSummarySchema,
  }),
};
