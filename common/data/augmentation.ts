import { z } from 'zod';

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
