import { z } from 'zod';

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
