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

/**
 * Training-time augmentation, after Keras `ImageDataGenerator` (rotation_range,
 * width_shift_range, height_shift_range, shear_range, zoom_range, horizontal_flip,
 * vertical_flip, brightness_range, fill_mode, cval) plus `RandomContrast`'s factor and
 * cutout. Everything is off by default, so `augmentationSchema.parse({})` changes nothing.
 */
export const augmentationSchema = z.object({
  horizontalFlip: z.boolean().default(false),
  verticalFlip: z.boolean().default(false),
  /** Degrees; a rotation is drawn uniformly in [-rotationRange, rotationRange]. */
  rotationRange: z.number().min(0).max(180).default(0),
  /** Fraction of the width; a shift is drawn uniformly in [-range, range] * width. */
  widthShiftRange: z.number().min(0).max(1).default(0),
  /** Fraction of the height; a shift is drawn uniformly in [-range, range] * height. */
  heightShiftRange: z.number().min(0).max(1).default(0),
  /** Shear angle in degrees, counter-clockwise, drawn in [-shearRange, shearRange]. */
  shearRange: z.number().min(0).max(89).default(0),
  /** As Keras: a float z means zoom factors in [1 - z, 1 + z], drawn per axis. */
  zoomRange: z.number().min(0).max(0.95).default(0),
  /** Multiplicative brightness factor range [low, high]; null leaves brightness unchanged. */
  brightnessRange: z.tuple([z.number().min(0), z.number().min(0)]).nullable().default(null),
  /** As Keras `RandomContrast(factor)`: per image and channel `(x - mean) * c + mean`, c in [1 - f, 1 + f]. */
  contrastRange: z.number().min(0).max(1).default(0),
  /** How points outside the input are filled (Keras `fill_mode`). */
  fillMode: z.enum(['nearest', 'constant', 'reflect']).default('nearest'),
  /** Value for `fillMode: 'constant'`, in the [0, 1] pixel scale (Keras `cval`). */
  fillValue: z.number().min(0).max(1).default(0),
  /** Side of a square erased at a random place, as a fraction of the image side; 0 is off. */
  cutoutSize: z.number().min(0).max(1).default(0),
  /** Value the cutout square is filled with, in the [0, 1] pixel scale. */
  cutoutValue: z.number().min(0).max(1).default(0),
});
export type AugmentationOptions = z.infer<typeof augmentationSchema>;
