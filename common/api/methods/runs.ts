import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { augmentationSchema } from './datasets';
import { backendNameSchema, backendReportSchema } from './system';
import { initialWeightsReportSchema, transferSourceSchema } from './transfer';

/**
 * Training hyperparameters. Field names are camelCase versions of the Keras argument
 * names, and every default is the Keras default, so a Keras user gets what they expect.
 */

const common = { learningRate: z.number().positive().default(0.001) };
const epsilon = z.number().positive().default(1e-7);

/** Optimizers with their Keras arguments (`keras.optimizers.*`). */
export const optimizerSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('sgd'),
    learningRate: z.number().positive().default(0.01),
    momentum: z.number().min(0).max(1).default(0),
    nesterov: z.boolean().default(false),
  }),
  z.object({ name: z.literal('adam'), ...common, beta1: z.number().min(0).max(1).default(0.9), beta2: z.number().min(0).max(1).default(0.999), epsilon }),
  z.object({
    name: z.literal('adamw'),
    ...common,
    /** Decoupled weight decay (Keras AdamW default 0.004). */
    weightDecay: z.number().min(0).default(0.004),
    beta1: z.number().min(0).max(1).default(0.9),
    beta2: z.number().min(0).max(1).default(0.999),
    epsilon,
  }),
  z.object({
    name: z.literal('rmsprop'),
    ...common,
    rho: z.number().min(0).max(1).default(0.9),
    momentum: z.number().min(0).max(1).default(0),
    epsilon,
    centered: z.boolean().default(false),
  }),
  z.object({ name: z.literal('adagrad'), ...common, initialAccumulatorValue: z.number().min(0).default(0.1), epsilon }),
  z.object({ name: z.literal('adadelta'), ...common, rho: z.number().min(0).max(1).default(0.95), epsilon }),
  z.object({ name: z.literal('adamax'), ...common, beta1: z.number().min(0).max(1).default(0.9), beta2: z.number().min(0).max(1).default(0.999), epsilon }),
]);
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
export type OptimizerName = OptimizerConfig['name'];
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax'] as const satisfies readonly OptimizerName[];

export const lossNameSchema = z.enum(['sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error']);
export type LossName = z.infer<typeof lossNameSchema>;

export const metricNameSchema = z.enum(['accuracy', 'top_k_accuracy']);
export type MetricName = z.infer<typeof metricNameSchema>;

/** Learning-rate schedules; step counts are in batches as in Keras, `stepSize` of step decay is in epochs. */
export const lrScheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('constant') }),
  /** lr * gamma ^ floor(epoch / stepSize). */
  z.object({ type: z.literal('step'), stepSize: z.number().int().positive().default(10), gamma: z.number().positive().default(0.1) }),
  /** Keras ExponentialDecay: lr * decayRate ^ (step / decaySteps). */
  z.object({ type: z.literal('exponential'), decaySteps: z.number().int().positive().default(1000), decayRate: z.number().positive().default(0.96), staircase: z.boolean().default(false) }),
  /**
   * Keras CosineDecay with warm-up: linear from 0 to lr over `warmupSteps`, then cosine
   * down to `alpha * lr` over `decaySteps` (null: the remaining steps of the run).
   * Differs from Keras: the warm-up starts at 0 rather than at a separate initial rate.
   */
  z.object({ type: z.literal('cosine'), decaySteps: z.number().int().positive().nullable().default(null), alpha: z.number().min(0).max(1).default(0), warmupSteps: z.number().int().min(0).default(0) }),
  /** Keras ReduceLROnPlateau. */
  z.object({
    type: z.literal('reduce_on_plateau'),
    monitor: z.string().default('val_loss'),
    factor: z.number().positive().max(1).default(0.1),
    patience: z.number().int().min(0).default(10),
    mode: z.enum(['auto', 'min', 'max']).default('auto'),
    minDelta: z.number().min(0).default(1e-4),
    cooldown: z.number().int().min(0).default(0),
    minLr: z.number().min(0).default(0),
  }),
]);
export type LrScheduleConfig = z.infer<typeof lrScheduleSchema>;

export const monitorModeSchema = z.enum(['auto', 'min', 'max']);
export type MonitorMode = z.infer<typeof monitorModeSchema>;

/** Keras EarlyStopping. */
export const earlyStoppingSchema = z.object({
  monitor: z.string().default('val_loss'),
  minDelta: z.number().min(0).default(0),
  patience: z.number().int().min(0).default(0),
  mode: monitorModeSchema.default('auto'),
  restoreBestWeights: z.boolean().default(false),
  startFromEpoch: z.number().int().min(0).default(0),
});
export type EarlyStoppingConfig = z.infer<typeof earlyStoppingSchema>;

/** Keras ModelCheckpoint(save_best_only=True): which epoch counts as best. The last epoch is always kept too. */
export const checkpointSchema = z.object({
  monitor: z.string().default('val_loss'),
  mode: monitorModeSchema.default('auto'),
});

export const hyperparametersSchema = z.object({
  optimizer: optimizerSchema.default({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  /** Keras `clipnorm`: each gradient is rescaled to at most this L2 norm. */
  clipnorm: z.number().positive().nullable().default(null),
  /** Keras `clipvalue`: each gradient element is clipped to [-v, v]. */
  clipvalue: z.number().positive().nullable().default(null),
  /** Coupled L2 penalty added to every trainable kernel's gradient (Adam + L2 when the optimizer is Adam). */
  l2: z.number().min(0).default(0),
  batchSize: z.number().int().positive().default(32),
  epochs: z.number().int().positive().default(1),
  loss: lossNameSchema.default('sparse_categorical_crossentropy'),
  /** True when the model's last layer has no softmax/sigmoid (Keras `from_logits`). */
  fromLogits: z.boolean().default(false),
  metrics: z.array(metricNameSchema).default(['accuracy']),
  /** k of `top_k_accuracy` (Keras default 5). */
  topK: z.number().int().positive().default(5),
  lrSchedule: lrScheduleSchema.default({ type: 'constant' }),
  earlyStopping: earlyStoppingSchema.nullable().default(null),
  checkpoint: checkpointSchema.default({ monitor: 'val_loss', mode: 'auto' }),
  /** Keras `class_weight` by class index, or 'balanced' (n_samples / (n_classes * count)). */
  classWeight: z.union([z.literal('balanced'), z.record(z.string(), z.number().min(0))]).nullable().default(null),
  seed: z.number().int().min(0).default(42),
  /**
   * Keras `validation_split`: the last fraction of the training examples (before
   * shuffling) validates. Null uses the dataset's validation split.
   */
  validationSplit: z.number().min(0).max(0.9).nullable().default(null),
  /** Shuffle training examples every epoch (Keras `shuffle=True`). */
  shuffle: z.boolean().default(true),
  augmentation: augmentationSchema.nullable().default(null),
  /** Weights to start from: layers of the same name and weight shapes in this run or model file. */
  initialWeights: transferSourceSchema.optional(),
});
export type Hyperparameters = z.infer<typeof hyperparametersSchema>;
export type HyperparametersInput = z.input<typeof hyperparametersSchema>;

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

/** One diagnosis of the learning curves, with the numbers behind it and what to try. */
export const diagnosisSchema = z.object({
  kind: z.enum(['underfitting', 'overfitting', 'divergence', 'plateau']),
  severity: z.enum(['info', 'warning']),
  message: z.string(),
  evidence: z.string(),
  suggestions: z.array(z.string()),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;

/** One line of metrics.jsonl: Keras-style logs of one epoch (`loss`, `accuracy`, `val_loss`, ...). */
export const epochRecordSchema = z.object({
  epoch: z.number().int().min(1),
  logs: z.record(z.string(), z.number()),
  learningRate: z.number(),
  seconds: z.number(),
  imagesPerSecond: z.number(),
  time: z.string(),
});
export type EpochRecord = z.infer<typeof epochRecordSchema>;

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

const classMetricsSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() });

/** One evaluated image with its prediction. */
export const evaluatedImageSchema = z.object({
  /** Record index in the dataset cache. */
  index: z.number().int(),
  trueClass: z.number().int(),
  predictedClass: z.number().int(),
  confidence: z.number(),
  loss: z.number(),
  /** PNG data URL of the image. */
  thumbnail: z.string(),
});
export type EvaluatedImage = z.infer<typeof evaluatedImageSchema>;

/** Result of evaluating a checkpoint on the test split. */
export const evaluationSchema = z.object({
  runId: z.string(),
  checkpoint: z.enum(['best', 'last']),
  split: z.enum(['test', 'validation']),
  examples: z.number().int(),
  loss: z.number(),
  accuracy: z.number(),
  topK: z.object({ k: z.number().int(), accuracy: z.number() }),
  classes: z.array(z.string()),
  /** confusionMatrix[true][predicted] counts. */
  confusionMatrix: z.array(z.array(z.number().int())),
  perClass: z.array(classMetricsSchema.extend({ className: z.string() })),
  macroAverage: classMetricsSchema,
  weightedAverage: classMetricsSchema,
  misclassified: z.array(evaluatedImageSchema),
  evaluatedAt: z.string(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

/**
 * Every evaluated example, column by column (entry i of each array is example i): numbers
 * only, so the saved evaluation stays small and any confusion-matrix cell can be listed.
 */
export const evaluationPredictionsSchema = z.object({
  /** Record index in the dataset cache. */
  index: z.array(z.number().int()),
  trueClass: z.array(z.number().int()),
  predictedClass: z.array(z.number().int()),
  confidence: z.array(z.number()),
  loss: z.array(z.number()),
});
export type EvaluationPredictions = z.infer<typeof evaluationPredictionsSchema>;

/** The evaluation as saved in the run folder: the API result plus every example's prediction. */
export const storedEvaluationSchema = evaluationSchema.extend({ predictions: evaluationPredictionsSchema });
export type StoredEvaluation = z.infer<typeof storedEvaluationSchema>;

/** The images of one confusion-matrix cell, highest loss first. */
export const confusionCellImagesSchema = z.object({
  trueClass: z.number().int(),
  predictedClass: z.number().int(),
  /** How many evaluated examples the cell holds (may exceed the images returned). */
  total: z.number().int(),
  images: z.array(evaluatedImageSchema),
});
export type ConfusionCellImages = z.infer<typeof confusionCellImagesSchema>;

export const predictionSchema = z.object({
  path: z.string(),
  predictedClass: z.number().int(),
  className: z.string(),
  confidence: z.number(),
  /** Top classes, most likely first. */
  top: z.array(z.object({ classIndex: z.number().int(), className: z.string(), probability: z.number() })),
});
export type Prediction = z.infer<typeof predictionSchema>;

/** Activations of each convolution layer for one cached image, as grayscale PNG data URLs per channel. */
export const featureMapsSchema = z.object({
  /** Record index in the dataset cache. */
  record: z.number().int(),
  /** The image as a PNG data URL. */
  image: z.string(),
  /** Its class name. */
  label: z.string(),
  layers: z.array(z.object({
    name: z.string(),
    type: z.string(),
    /** [height, width, channels] of the layer output. */
    shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    /** The first channels, each scaled to its own range. */
    maps: z.array(z.string()),
  })),
});
export type FeatureMaps = z.infer<typeof featureMapsSchema>;

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
