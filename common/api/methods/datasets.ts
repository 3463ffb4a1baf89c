import { z } from 'zod';

export const colorModeSchema = z.enum(['grayscale', 'rgb']);
export const resizeModeSchema = z.enum(['squash', 'center-crop', 'letterbox']);

/** How images were turned into tensors; recorded so export and prediction do the same. */
export const preprocessingSchema = z.object({
  /** [height, width] every image was resized to. */
  targetSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  colorMode: colorModeSchema,
  resizeMode: resizeModeSchema,
  /** Pixels reach the model as float32 `pixel * scale + offset` (default 1/255, 0: values in [0, 1]). */
  scale: z.number().default(1 / 255),
  offset: z.number().default(0),
});
export type Preprocessing = z.infer<typeof preprocessingSchema>;

export const skippedFileSchema = z.object({ path: z.string(), reason: z.string() });

/** A dataset decoded into the on-disk cache. */
export const datasetInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.object({
    kind: z.enum(['folder', 'idx', 'cifar10', 'builtin', 'sample']),
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
});
export type DatasetInfo = z.infer<typeof datasetInfoSchema>;
