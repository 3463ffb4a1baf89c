import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

/** Arguments of `SpatialDropout2D`. */
export interface SpatialDropout2DArgs extends LayerArgs {
  /** Fraction of channels zeroed while training, in [0, 1). */
  rate: number;
  /** Makes the masks reproducible; each training call still draws a new mask. */
  seed?: number | null;
}

/**
 * Keras `SpatialDropout2D` (channels_last): while training, zeroes whole feature maps
 * (one draw per sample and channel) and scales the rest by 1 / (1 - rate); at inference
 * it is the identity. TF.js 4.22 only has SpatialDropout1D.
 *
 * Differs from TF.js's Dropout on seeds: a seeded TF.js Dropout draws the same mask on
 * every step, so here the seed is advanced on each training call instead.
 *
 * Input shape: 4D (batch, height, width, channels). Output shape: the same.
 */
export class SpatialDropout2D extends tf.layers.Layer {
  static className = 'SpatialDropout2D';
  readonly rate: number;
  readonly seed: number | null;
  private calls = 0;

  constructor(args: SpatialDropout2DArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`Invalid value received for argument \`rate\`. Expected a float value in [0, 1). Received: rate=${args.rate}`);
    }
    this.rate = args.rate;
    this.seed = args.seed ?? null;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const input = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const training = kwargs['training'] === true;
      if (!training || this.rate === 0) return tf.clone(input);
      if (input.rank !== 4) throw new Error(`SpatialDropout2D expects a 4D input (batch, height, width, channels). Received: rank=${input.rank}`);
      const [batch, , , channels] = input.shape as [number, number, number, number];
      const seed = this.seed === null ? undefined : this.seed + this.calls;
      this.calls += 1;
      return tf.dropout(input, this.rate, [batch, 1, 1, channels], seed);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SpatialDropout2D);
