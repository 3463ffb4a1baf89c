import { z } from 'zod';

/** How images become grayscale or RGB tensors. */
export const colorModeSchema = z.enum(['grayscale', 'rgb']);
export type ColorMode = z.infer<typeof colorModeSchema>;
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
