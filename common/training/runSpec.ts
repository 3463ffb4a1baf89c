import { z } from 'zod';
import { modelGraphSchema } from '../graph/schema';
import { backendNameSchema, backendReportSchema } from './backend';
import { hyperparametersSchema } from './hyperparameters';
import { initialWeightsReportSchema } from './initialWeights';

/** Where a run is in its life. */
export const runStatusSchema = z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed']);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** What a run trains on: the cache it read and its fingerprint at the time. */
export const runDatasetSchema = z.object({
  id: z.string(),
  name: z.string(),
  cacheDir: z.string(),
  fingerprint: z.string(),
  classes: z.array(z.string()),
  imageShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
});
export type RunDataset = z.infer<typeof runDatasetSchema>;

/** The best or last checkpoint of a run: its epoch and the monitored value there. */
export const checkpointInfoSchema = z.object({
  epoch: z.number().int().min(0),
  monitor: z.string(),
  value: z.number().nullable(),
});

/** run.json: everything needed to reproduce or resume a run. */
export const runSpecSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  graph: modelGraphSchema,
  dataset: runDatasetSchema,
  hyperparameters: hyperparametersSchema,
  /** Backend asked for (null: automatic order). */
  backendPreference: backendNameSchema.nullable(),
  /** Backend that actually ran, once known. */
  backend: backendReportSchema.nullable(),
  status: runStatusSchema,
  epochsCompleted: z.number().int().min(0),
  best: checkpointInfoSchema.nullable(),
  last: checkpointInfoSchema.nullable(),
  /** Why the run ended, when it did. */
  endReason: z.string().nullable(),
  updatedAt: z.string(),
  /** Layers initialised from `hyperparameters.initialWeights`, once training started. */
  initialWeights: initialWeightsReportSchema.optional(),
});
export type RunSpec = z.infer<typeof runSpecSchema>;
