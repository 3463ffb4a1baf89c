import { z } from 'zod';
import { defineMethod } from '../method';
import { augmentationSchema } from '../../data/augmentation';
import { colorModeSchema, preprocessingSchema, resizeModeSchema } from '../../data/preprocessing';

export const skippedFileSchema = z.object({ path: z.string(), reason: z.string() });

/** How a standard dataset was recognised: every file by its SHA-256, or (where no checksum is known) by size and header. */
export const knownDatasetMatchSchema = z.enum(['checksum', 'size-and-header']);
export type KnownDatasetMatch = z.infer<typeof knownDatasetMatchSchema>;

/** A dataset decoded into the on-disk cache. */
export const datasetInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.object({
    /** `adapted`: a copy of another dataset's cache at a new size or colour mode (`path` is that cache). */
    kind: z.enum(['folder', 'idx', 'cifar10', 'builtin', 'sample', 'adapted']),
    /** Folder or file(s) imported from. */
    path: z.string(),
  }),
  classes: z.array(z.string()),
  /** [height, width, channels] of every cached image. */
  imageShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  preprocessing: preprocessingSchema,
  /** Example counts per split. */
  splits: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
  /** Examples per class per split (same order as `classes`). */
  classCounts: z.object({ train: z.array(z.number().int()), validation: z.array(z.number().int()), test: z.array(z.number().int()) }),
  /** Hash of the sources (paths, sizes, mtimes) and the import options. */
  fingerprint: z.string(),
  createdAt: z.string(),
  cacheDir: z.string(),
  skipped: z.array(skippedFileSchema),
  /** Set when the files are a standard dataset (MNIST, Fashion-MNIST, CIFAR-10) recognised by content. */
  knownDataset: z.object({ id: z.string(), name: z.string(), match: knownDatasetMatchSchema }).optional(),
});
export type DatasetInfo = z.infer<typeof datasetInfoSchema>;

export const datasetKindSchema = z.enum(['auto', 'folder', 'idx', 'cifar10']);

/**
 * How to import. `targetSize`/`colorMode` default to the source's own for IDX and CIFAR
 * files, and to Keras `image_dataset_from_directory`'s (256x256, rgb) for folders.
 */
export const importOptionsSchema = z.object({
  targetSize: z.tuple([z.number().int().positive().max(4096), z.number().int().positive().max(4096)]).optional(),
  colorMode: colorModeSchema.optional(),
  resizeMode: resizeModeSchema.default('squash'),
  /** Fraction of each class held out for validation when no validation folder is given. */
  validationSplit: z.number().min(0).max(0.9).default(0.1),
  /** Fraction of each class held out for testing when no test folder or file is given. */
  testSplit: z.number().min(0).max(0.9).default(0.1),
  /** Seed of the stratified split: the same seed gives the same split. */
  seed: z.number().int().default(1),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

export const importDatasetInputSchema = z.object({
  /** Image folder, IDX folder or file, or CIFAR-10 batch folder. */
  path: z.string().min(1),
  kind: datasetKindSchema.default('auto'),
  /** Display name; defaults to the folder name. */
  name: z.string().min(1).max(200).optional(),
  /** Class names for IDX labels 0..n-1 (folders name their own classes). */
  classNames: z.array(z.string().min(1)).optional(),
  options: importOptionsSchema.default(importOptionsSchema.parse({})),
  /** Correlates progress events and `cancelImport`; generated when absent. */
  importId: z.string().min(1).max(100).optional(),
  /** Folder holding dataset caches instead of `<dataDir>/datasets` (a project's own). */
  root: z.string().min(1).optional(),
});

export const importReportSchema = z.object({
  importId: z.string(),
  /** True when the cache already matched the sources and options: nothing was decoded. */
  reused: z.boolean(),
  /** Records decoded in this import. */
  decoded: z.number().int(),
  /** Records copied from the previous cache because their file had not changed. */
  reusedRecords: z.number().int(),
  /** Files left out, each with why. */
  skipped: z.array(skippedFileSchema),
  /** What the user should know about the imported data (labels with no images). */
  warnings: z.array(z.string()),
  durationMs: z.number(),
  /** Records per second over the whole import. */
  rate: z.number(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const importResultSchema = z.object({ info: datasetInfoSchema, report: importReportSchema });
export type ImportResult = z.infer<typeof importResultSchema>;

export const datasetStatsSchema = z.object({
  id: z.string(),
  classes: z.array(z.string()),
  /** Images per class over all splits (same order as `classes`). */
  imagesPerClass: z.array(z.number().int()),
  classCounts: datasetInfoSchema.shape.classCounts,
  total: z.number().int(),
  /** Largest over smallest training class; Infinity is reported as null with a warning. */
  imbalanceRatio: z.number().nullable(),
  /** Set when the ratio is 1.5 or more, or a class has no training images. */
  imbalanceWarning: z.string().nullable(),
  /** Image sizes before resizing, most common first. */
  sizeDistribution: z.array(z.object({ width: z.number().int(), height: z.number().int(), count: z.number().int() })),
  /** Per-channel mean and standard deviation of the cached pixels, in [0, 1]. */
  channelMean: z.array(z.number()),
  channelStd: z.array(z.number()),
});
export type DatasetStats = z.infer<typeof datasetStatsSchema>;

export const datasetRefSchema = z.object({ id: z.string().min(1), root: z.string().min(1).optional() });

export const sampleGridSchema = z.object({
  classes: z.array(z.object({
    name: z.string(),
    index: z.number().int(),
    /** Record indices of the samples. */
    records: z.array(z.number().int()),
    /** PNG thumbnails as `data:image/png;base64,...` URLs. */
    images: z.array(z.string()),
  })),
});
export type SampleGrid = z.infer<typeof sampleGridSchema>;

export const builtinDatasetSchema = z.object({
  id: z.enum(['fashion-mnist-sample', 'mnist', 'fashion-mnist', 'cifar10']),
  name: z.string(),
  description: z.string(),
  classes: z.array(z.string()),
  imageShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  /** bundled: ships with the app; installed: found on this machine; download: fetched on request. */
  availability: z.enum(['bundled', 'installed', 'downloaded', 'download']),
  /** Bytes to download (0 when bundled or installed). */
  downloadBytes: z.number().int(),
  license: z.string(),
  /** Where the files are read from (or will be stored). */
  location: z.string(),
});
export type BuiltinDataset = z.infer<typeof builtinDatasetSchema>;

/** Import progress; `phase` says what is counted (files scanned, records decoded, bytes downloaded). */
export const datasetProgressEventSchema = z.object({
  type: z.literal('dataset.progress'),
  importId: z.string(),
  phase: z.enum(['scan', 'download', 'decode']),
  done: z.number(),
  total: z.number(),
  /** Units of `phase` per second. */
  rate: z.number(),
  /** Null until a rate is known, and while the total is unknown (scan). */
  etaSeconds: z.number().nullable(),
});
export type DatasetProgressEvent = z.infer<typeof datasetProgressEventSchema>;

/** Dataset events, spread into `LAB_EVENT_SCHEMAS`. */
export const DATASET_EVENT_SCHEMAS = [datasetProgressEventSchema] as const;

export const datasetMethods = {
  importDataset: defineMethod({
    description: 'Decodes an image folder, IDX files or CIFAR-10 batches into the dataset cache; emits dataset.progress.',
    input: importDatasetInputSchema,
    output: importResultSchema,
  }),
  cancelImport: defineMethod({
    description: 'Cancels a running import or download; it fails with DATASET_CANCELLED.',
    input: z.object({ importId: z.string().min(1) }),
    output: z.object({ cancelled: z.boolean() }),
  }),
  listDatasets: defineMethod({
    description: 'Every decoded dataset in the cache folder.',
    input: z.object({ root: z.string().min(1).optional() }).default({}),
    output: z.array(datasetInfoSchema),
  }),
  getDatasetInfo: defineMethod({
    description: 'Classes, shape, preprocessing and split counts of a dataset.',
    input: datasetRefSchema,
    output: datasetInfoSchema,
  }),
  getDatasetStats: defineMethod({
    description: 'Images per class, imbalance, image sizes before resizing and per-channel mean/std.',
    input: datasetRefSchema,
    output: datasetStatsSchema,
  }),
  getSampleGrid: defineMethod({
    description: 'A few PNG thumbnails per class.',
    input: datasetRefSchema.extend({
      perClass: z.number().int().min(1).max(64).default(8),
      split: z.enum(['train', 'validation', 'test']).default('train'),
      /** Smallest thumbnail side in pixels; small images are enlarged without smoothing. */
      minSize: z.number().int().min(8).max(512).default(64),
    }),
    output: sampleGridSchema,
  }),
  previewAugmentation: defineMethod({
    description: 'N augmented variants of one image as PNG data.',
    input: datasetRefSchema.extend({
      record: z.number().int().min(0),
      count: z.number().int().min(1).max(64).default(8),
      augmentation: augmentationSchema.default(augmentationSchema.parse({})),
      seed: z.number().int().default(0),
      minSize: z.number().int().min(8).max(512).default(64),
    }),
    output: z.object({ original: z.string(), images: z.array(z.string()) }),
  }),
  renameClasses: defineMethod({
    description: 'Renames the classes of a dataset (one name per label, in label order); evaluations, exports and model cards of its runs show the new names.',
    input: datasetRefSchema.extend({ classes: z.array(z.string().trim().min(1).max(200)).min(1) }),
    output: datasetInfoSchema,
  }),
  deleteDataset: defineMethod({
    description: 'Removes a dataset cache folder.',
    input: datasetRefSchema,
    output: z.object({ deleted: z.boolean() }),
  }),
  adaptDataset: defineMethod({
    description: "A copy of a dataset at another size or colour mode (three channels from grayscale), each image keeping its label and split: what a pretrained base's input needs. Emits dataset.progress.",
    input: datasetRefSchema.extend({
      /** [height, width] of the copy. */
      targetSize: z.tuple([z.number().int().positive().max(4096), z.number().int().positive().max(4096)]),
      colorMode: colorModeSchema,
      importId: z.string().min(1).max(100).optional(),
    }),
    output: importResultSchema,
  }),
  listBuiltinDatasets: defineMethod({
    description: 'MNIST, Fashion-MNIST, CIFAR-10 and the bundled sample, with where each comes from.',
    input: z.object({}).default({}),
    output: z.array(builtinDatasetSchema),
  }),
  downloadBuiltinDataset: defineMethod({
    description: 'Downloads (resumably, SHA-256 checked) or locates a built-in dataset and imports it.',
    input: z.object({
      id: builtinDatasetSchema.shape.id,
      importId: z.string().min(1).max(100).optional(),
      root: z.string().min(1).optional(),
    }),
    output: importResultSchema,
  }),
};
