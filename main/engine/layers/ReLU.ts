import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

/** Arguments of `ReLU`, Keras's full set. */
export interface ReLUArgs extends LayerArgs {
  /** Upper bound of the output; `null` for none. */
  maxValue?: number | null;
  /** Slope below the threshold. */
  negativeSlope?: number;
  /** Values at or below it are scaled by `negativeSlope` (after subtracting it). */
  threshold?: number;
}

/**
 * Keras `ReLU` with `max_value`, `negative_slope` and `threshold`:
 *
 *   f(x) = min(x, max_value)                   for x > threshold
 *   f(x) = negative_slope * (x - threshold)    otherwise
 *
 * TF.js 4.22's ReLU only knows `maxValue`. This class takes over the `ReLU` class name so
 * a saved model.json keeps Keras's class; with the extra arguments at their defaults it
 * computes exactly what TF.js's ReLU does, and it reads TF.js's ReLU configs.
 *
 * Input shape: any. Output shape: the same.
 */
export class ReLU extends tf.layers.Layer {
  static className = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue ?? null;
    this.negativeSlope = args.negativeSlope ?? 0;
    this.threshold = args.threshold ?? 0;
    if (this.maxValue !== null && this.maxValue < 0) throw new Error(`max_value of a ReLU layer cannot be a negative value. Received: max_value=${this.maxValue}`);
    if (this.negativeSlope < 0) throw new Error(`negative_slope of a ReLU layer cannot be a negative value. Received: negative_slope=${this.negativeSlope}`);
    if (this.threshold < 0) throw new Error(`threshold of a ReLU layer cannot be a negative value. Received: threshold=${this.threshold}`);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      // Same decomposition as Keras's ReLU.static_call, so gradients agree at the kinks. The
      // mask is a step (zero gradient) because TF.js has no gradient for Greater.
      let positive = this.threshold === 0 ? tf.relu(x) : tf.mul(x, tf.step(tf.sub(x, this.threshold)));
      if (this.maxValue !== null) positive = tf.minimum(positive, this.maxValue);
      if (this.negativeSlope === 0) return positive;
      const negative = tf.relu(tf.sub(this.threshold, x));
      return tf.sub(positive, tf.mul(this.negativeSlope, negative));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}
tf.serialization.registerClass(ReLU);
