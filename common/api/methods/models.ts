import { z } from 'zod';
import { basePreprocessingSchema } from '../../data/basePreprocessing';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { colorModeSchema, resizeModeSchema } from '../../data/preprocessing';

/** The file formats a model can be exported to. */
export const exportFormatSchema = z.enum(['tfjs', 'h5', 'keras', 'onnx', 'keras-script']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/** Where the verification inputs came from: the run's held-out test images, or seeded random tensors. */
export const verificationInputsSchema = z.enum(['test-split', 'random']);

/** A check of a written file's structure by a tool outside Model Lab (h5py for Keras files). */
export const structureCheckSchema = z.object({
  /** The tool and its version: `h5py 3.10.0 (Python 3.12.3)`. */
  checker: z.string(),
  /** What it found, in words. */
  detail: z.string(),
});

/** How an export was checked: the written file reloaded in its own runtime and run beside the lab's model. */
export const verificationSchema = z.object({
  /** What reloaded the file: `TF.js tf.loadLayersModel`, `onnxruntime-node`, or Model Lab's own Keras readers. */
  runtime: z.string(),
  samples: z.number().int().min(0),
  inputs: verificationInputsSchema,
  /** Largest absolute difference between the two outputs over every sample and unit. */
  maxAbsDiff: z.number(),
  /** The bound the difference had to stay within. */
  tolerance: z.number(),
  /** The file's structure as a tool outside Model Lab read it; null when none was available (or the format has none). */
  structure: structureCheckSchema.nullable().default(null),
});
export type Verification = z.infer<typeof verificationSchema>;

/**
 * The model card, written into every exported model where its format has a place for one
 * and beside it as `<file name>.model-card.json`, and read back on import: what the model
 * expects and how it was trained.
 */
export const modelCardSchema = z.object({
  schemaVersion: z.literal(1),
  modelName: z.string(),
  format: exportFormatSchema,
  createdAt: z.string(),
  /** Class names by output index; null when the model was not trained on a dataset. */
  classNames: z.array(z.string()).nullable(),
  /** Input shape without the batch axis, NHWC ([height, width, channels]). */
  inputShape: z.array(z.number().int().nullable()),
  colorMode: colorModeSchema.nullable(),
  resizeMode: resizeModeSchema.nullable(),
  /** Pixels reach the model as `pixel * scale + offset`; null when per-channel (see `inputPreprocessing`) or unknown. */
  normalization: z.object({ scale: z.number(), offset: z.number() }).nullable(),
  /**
   * The pretrained base's `preprocess_input`, when the model has one: applied to 0–255 RGB
   * pixels instead of `normalization`, as the exact recipe (channels reversed when
   * `channelOrder` is `bgr`, then `pixel * scale[c] + offset[c]` per channel).
   */
  inputPreprocessing: basePreprocessingSchema.extend({
    description: z.string(),
    channelOrder: z.enum(['rgb', 'bgr']),
    scale: z.array(z.number()),
    offset: z.array(z.number()),
  }).nullable().default(null),
  dataset: z.object({ name: z.string(), fingerprint: z.string() }).nullable(),
  /** Final logs of the run (`loss`, `accuracy`, `val_loss`, ...). */
  metrics: z.record(z.string(), z.number()).nullable(),
  hyperparameters: z.record(z.string(), z.unknown()).nullable(),
  /** Run id and checkpoint epoch the weights come from; null for freshly initialised weights. */
  source: z.object({ runId: z.string(), checkpoint: z.enum(['best', 'last']), epoch: z.number().int() }).nullable(),
  parameters: z.object({ total: z.number(), trainable: z.number(), nonTrainable: z.number() }),
  verification: verificationSchema.nullable(),
  /** What a user of the file must know, e.g. layers plain TF.js cannot load without Model Lab's classes. */
  warnings: z.array(z.string()).default([]),
});
export type ModelCard = z.infer<typeof modelCardSchema>;

export const exportFormatInfoSchema = z.object({
  id: exportFormatSchema,
  title: z.string(),
  /** File or folder written at `outPath` (`.h5`, `.keras`, `.onnx`, `.py`, or a folder for tfjs). */
  target: z.string(),
  /** False for formats that carry the architecture and training code only. */
  hasWeights: z.boolean(),
  /** How an export is verified. */
  verifiedBy: z.string(),
  /** Importable back into Model Lab. */
  importable: z.boolean(),
});
export type ExportFormatInfo = z.infer<typeof exportFormatInfoSchema>;

export const exportModelInputSchema = z.object({
  /** Exports this run's checkpoint. Either `runId` or `graph`. */
  runId: z.string().optional(),
  /** Project owning the run; runs outside a project live in the lab's data folder. */
  projectDir: z.string().optional(),
  checkpoint: z.enum(['best', 'last']).default('best'),
  /** Exports a freshly initialised model of this graph (architecture-only formats and tests). */
  graph: modelGraphSchema.optional(),
  /** Seed of the fresh weights when exporting a graph. */
  seed: z.number().int().min(0).default(42),
  format: exportFormatSchema,
  /** File (h5, keras, onnx, keras-script) or folder (tfjs) to write. */
  outPath: z.string().min(1),
  /** Verification samples (the 64 by default). */
  verifySamples: z.number().int().min(1).max(1024).default(64),
});

export const exportResultSchema = z.object({
  format: exportFormatSchema,
  /** Every file written, model card included. */
  files: z.array(z.string()),
  modelCardPath: z.string(),
  /** Null for keras-script, which has no weights to compare. */
  verification: verificationSchema.nullable(),
  /** Also written to the model card. */
  warnings: z.array(z.string()),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const importResultSchema = z.object({
  format: z.enum(['h5', 'keras', 'keras-json', 'tfjs']),
  graph: modelGraphSchema,
  hasWeights: z.boolean(),
  modelCard: modelCardSchema.nullable(),
});
export type ImportModelResult = z.infer<typeof importResultSchema>;

/** Progress of an export: stages in order, `fraction` in [0, 1]. */
export const exportProgressEventSchema = z.object({
  type: z.literal('export.progress'),
  format: exportFormatSchema,
  outPath: z.string(),
  stage: z.enum(['loading', 'writing', 'verifying', 'done']),
  fraction: z.number().min(0).max(1),
  message: z.string(),
});
export type ExportProgressEvent = z.infer<typeof exportProgressEventSchema>;

export const MODEL_EVENT_SCHEMAS = [exportProgressEventSchema] as const;

export const modelMethods = {
  listExportFormats: defineMethod({
    description: 'The model file formats, what each carries and how an export is verified.',
    input: z.object({}).default({}),
    output: z.array(exportFormatInfoSchema),
  }),
  exportModel: defineMethod({
    description: "Writes a run's checkpoint (or a fresh model of a graph) to a file format with a model card, reloads it and compares predictions; emits export.progress.",
    input: exportModelInputSchema,
    output: exportResultSchema,
  }),
  importModel: defineMethod({
    description: 'Reads a Keras .h5, .keras, model.to_json() file or TF.js model.json into a model graph, with its model card when one lies beside it.',
    input: z.object({ path: z.string().min(1) }),
    output: importResultSchema,
  }),
};
