import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { backendNameSchema, backendReportSchema } from '../../training/backend';
import { confusionCellImagesSchema, evaluationSchema } from '../../training/evaluation';
import { diagnosisSchema } from '../../training/diagnosis';
import { epochRecordSchema } from '../../training/epochRecord';
import { featureMapsSchema } from '../../training/featureMaps';
import { hyperparametersSchema } from '../../training/hyperparameters';
import { predictionSchema } from '../../training/prediction';
import { checkpointInfoSchema, runSpecSchema, runStatusSchema } from '../../training/runSpec';
import { transferSourceSchema } from '../../training/transferSource';

export const runSummarySchema = runSpecSchema.pick({ id: true, name: true, createdAt: true, status: true, epochsCompleted: true, best: true, endReason: true }).extend({
  epochs: z.number().int(),
  optimizer: z.string(),
  datasetName: z.string(),
  finalLogs: z.record(z.string(), z.number()).nullable(),
  /** The optimizer's learning rate (absent in summaries from before it was listed). */
  learningRate: z.number().optional(),
  batchSize: z.number().int().optional(),
  /** `type` of the learning-rate schedule (`constant`, `cosine`, ...). */
  lrSchedule: z.string().optional(),
  /** Where the run's initial weights came from, when it did not start from random ones. */
  initialWeights: transferSourceSchema.optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

const runRef = { projectDir: z.string().optional(), runId: z.string() };

export const runMethods = {
  startRun: defineMethod({
    description: 'Starts training a graph on a dataset in its own process; progress arrives as run.* events.',
    input: z.object({
      projectDir: z.string().optional(),
      name: z.string().optional(),
      graph: modelGraphSchema,
      /** A dataset id known to the lab, or the folder of a dataset cache. */
      dataset: z.string(),
      hyperparameters: hyperparametersSchema.default(hyperparametersSchema.parse({})),
      backend: backendNameSchema.optional(),
    }),
    output: z.object({ runId: z.string(), runDir: z.string() }),
  }),
  pauseRun: defineMethod({ description: 'Pauses a running run at its next batch.', input: z.object(runRef), output: z.object({ status: runStatusSchema }) }),
  resumeRun: defineMethod({ description: 'Resumes a paused run.', input: z.object(runRef), output: z.object({ status: runStatusSchema }) }),
  stopRun: defineMethod({ description: 'Stops a run at its next batch, keeping its checkpoints.', input: z.object(runRef), output: z.object({ status: runStatusSchema }) }),
  listRuns: defineMethod({ description: 'The runs of a project (or of the lab when no project is given), newest first.', input: z.object({ projectDir: z.string().optional() }).default({}), output: z.array(runSummarySchema) }),
  getRun: defineMethod({ description: 'A run spec with its metrics history.', input: z.object(runRef), output: z.object({ spec: runSpecSchema, history: z.array(epochRecordSchema), evaluation: evaluationSchema.nullable(), runDir: z.string() }) }),
  deleteRun: defineMethod({ description: 'Deletes a finished run and its files.', input: z.object(runRef), output: z.object({ deleted: z.boolean() }) }),
  resumeRunFromCheckpoint: defineMethod({
    description: 'Continues a stopped or failed run from its last checkpoint, optionally to a new epoch count.',
    input: z.object({ ...runRef, epochs: z.number().int().positive().optional(), backend: backendNameSchema.optional() }),
    output: z.object({ runId: z.string(), runDir: z.string() }),
  }),
  compareRuns: defineMethod({
    description: 'One metric per epoch for several runs.',
    input: z.object({ projectDir: z.string().optional(), runIds: z.array(z.string()).min(1), metric: z.string().default('val_loss') }),
    output: z.object({ metric: z.string(), series: z.array(z.object({ runId: z.string(), name: z.string(), points: z.array(z.object({ epoch: z.number().int(), value: z.number() })) })) }),
  }),
  evaluateRun: defineMethod({
    description: 'Test loss, accuracy, confusion matrix, per-class metrics and the worst misclassified images of a checkpoint.',
    input: z.object({ ...runRef, checkpoint: z.enum(['best', 'last']).default('best'), misclassified: z.number().int().min(0).default(16), topK: z.number().int().positive().optional() }),
    output: evaluationSchema,
  }),
  getConfusionCellImages: defineMethod({
    description: "The images of one confusion-matrix cell of the run's saved evaluation, highest loss first, with confidence and loss.",
    input: z.object({
      ...runRef,
      /** When given, the saved evaluation must be of this checkpoint. */
      checkpoint: z.enum(['best', 'last']).optional(),
      trueClass: z.number().int().min(0),
      predictedClass: z.number().int().min(0),
      limit: z.number().int().min(1).max(500).default(24),
    }),
    output: confusionCellImagesSchema,
  }),
  predictImages: defineMethod({
    description: "Classifies image files with a run's checkpoint, using the dataset's preprocessing.",
    input: z.object({ ...runRef, paths: z.array(z.string()).min(1), checkpoint: z.enum(['best', 'last']).default('best'), top: z.number().int().positive().default(3) }),
    output: z.array(predictionSchema),
  }),
  getFeatureMaps: defineMethod({
    description: "Each convolution layer's activations for one image of the run's dataset (default: the first test image).",
    input: z.object({ ...runRef, checkpoint: z.enum(['best', 'last']).default('best'), record: z.number().int().min(0).optional(), maxChannels: z.number().int().min(1).max(64).default(16) }),
    output: featureMapsSchema,
  }),
};

const runEventBase = { runId: z.string() };

/** Events of a training run, in the order a run emits them. */
export const runStartedEventSchema = z.object({
  type: z.literal('run.started'),
  ...runEventBase,
  backend: backendReportSchema,
  hyperparameters: hyperparametersSchema,
  totalParams: z.number().int(),
  trainExamples: z.number().int(),
  validationExamples: z.number().int(),
  stepsPerEpoch: z.number().int(),
  /** First epoch this process trains (greater than 1 when resuming). */
  initialEpoch: z.number().int(),
});
export const runBatchEventSchema = z.object({
  type: z.literal('run.batch'),
  ...runEventBase,
  epoch: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  /** Running means over the epoch so far. */
  logs: z.record(z.string(), z.number()),
  imagesPerSecond: z.number(),
  /** Seconds until the run ends at the current rate. */
  etaSeconds: z.number(),
});
export const runEpochEventSchema = z.object({
  type: z.literal('run.epoch'),
  ...runEventBase,
  epochs: z.number().int(),
  record: epochRecordSchema,
  diagnosis: z.array(diagnosisSchema),
});
export const runCheckpointEventSchema = z.object({
  type: z.literal('run.checkpoint'),
  ...runEventBase,
  kind: z.enum(['best', 'last']),
  epoch: z.number().int(),
  monitor: z.string(),
  value: z.number().nullable(),
});
export const runStatusEventSchema = z.object({ type: z.literal('run.status'), ...runEventBase, status: runStatusSchema });
export const runDoneEventSchema = z.object({
  type: z.literal('run.done'),
  ...runEventBase,
  reason: z.enum(['completed', 'stopped', 'early_stopping']),
  epochsCompleted: z.number().int(),
  best: checkpointInfoSchema.nullable(),
  message: z.string(),
});
export const runFailedEventSchema = z.object({
  type: z.literal('run.failed'),
  ...runEventBase,
  code: z.string(),
  reason: z.string(),
  /** Last epoch whose checkpoint is on disk (0: none). */
  lastGoodEpoch: z.number().int(),
});

export const RUN_EVENT_SCHEMAS = [
  runStartedEventSchema,
  runBatchEventSchema,
  runEpochEventSchema,
  runCheckpointEventSchema,
  runStatusEventSchema,
  runDoneEventSchema,
  runFailedEventSchema,
] as const;
export const runEventSchema = z.discriminatedUnion('type', [...RUN_EVENT_SCHEMAS]);
export type RunEvent = z.infer<typeof runEventSchema>;
