import { z } from 'zod';

/**
 * Keras's two-phase fine-tuning as one run: after `epochs` epochs with the base frozen
 * (phase 1, the new head trains), the layers from `fromLayer` on in Keras's `model.layers`
 * order are unfrozen and training continues for `epochs` more at `learningRate` with a
 * fresh optimizer of the same kind (phase 2). BatchNormalization layers that were frozen
 * stay in inference mode in phase 2, as the Keras transfer-learning guide advises (its
 * `base_model(x, training=False)`), so their moving statistics never change.
 */
export const fineTuneSchema = z.object({
  /** The first layer phase 2 unfreezes; it and every layer after it in Keras's order train. */
  fromLayer: z.string().min(1),
  /** Epochs of phase 2, counted on from phase 1's. */
  epochs: z.number().int().positive(),
  /** Phase 2's learning rate (Keras's guide: 1e-5 after the head's 1e-3). */
  learningRate: z.number().positive(),
});
export type FineTune = z.infer<typeof fineTuneSchema>;

/** A block a fine-tuning phase can unfreeze from: its name, its first layer and how many layers it has. */
export interface FineTuneBlock {
  /** `block5`, `conv5`, `mixed9`, `block_16`. */
  label: string;
  /** Its first layer in Keras order: what `fromLayer` is set to. */
  fromLayer: string;
  layers: number;
}
