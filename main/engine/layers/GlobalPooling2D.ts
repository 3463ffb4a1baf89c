import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

type GlobalPoolingArgs = NonNullable<Parameters<typeof tf.layers.globalAveragePooling2d>[0]>;
type TfjsGlobalPooling = ReturnType<typeof tf.layers.globalAveragePooling2d>;
type GlobalPoolingClass = new (args: GlobalPooling2DArgs) => TfjsGlobalPooling;

/** Arguments of the global poolings, with Keras's `keepdims`. */
export interface GlobalPooling2DArgs extends GlobalPoolingArgs {
  /** Keep the spatial axes with length 1: output (batch, 1, 1, channels). */
  keepdims?: boolean;
}

// The classes of this TF.js copy, taken from instances (a deep import could load a second copy under Node).
const TfjsGlobalAverage = Object.getPrototypeOf(tf.layers.globalAveragePooling2d({})).constructor as GlobalPoolingClass;
const TfjsGlobalMax = Object.getPrototypeOf(tf.layers.globalMaxPooling2d({})).constructor as GlobalPoolingClass;

/** (batch, channels) -> (batch, 1, 1, channels) when keeping the spatial axes. */
function keptShape(pooled: tf.Shape, keepdims: boolean): tf.Shape {
  return keepdims ? [pooled[0] ?? null, 1, 1, pooled[1] ?? null] : pooled;
}

function keptOutput(pooled: tf.Tensor, keepdims: boolean): tf.Tensor {
  if (!keepdims) return pooled;
  return tf.tidy(() => tf.reshape(pooled, [pooled.shape[0] ?? -1, 1, 1, pooled.shape[1] ?? -1]));
}

/** A TF.js global pooling that knows Keras's `keepdims`. */
interface KeepdimsPooling extends TfjsGlobalPooling {
  readonly keepdims: boolean;
}
type KeepdimsPoolingClass = new (args: GlobalPooling2DArgs) => KeepdimsPooling;

/** Adds `keepdims` to a TF.js global pooling class; with it false the layer is TF.js's unchanged. */
function withKeepdims(base: GlobalPoolingClass): KeepdimsPoolingClass {
  return class extends base {
    readonly keepdims: boolean;

    constructor(args: GlobalPooling2DArgs) {
      super(args);
      this.keepdims = args.keepdims ?? false;
    }

    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      return keptShape(super.computeOutputShape(inputShape) as tf.Shape, this.keepdims);
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
      return keptOutput(super.call(inputs, kwargs) as tf.Tensor, this.keepdims);
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), keepdims: this.keepdims };
    }
  };
}

/**
 * Keras `GlobalAveragePooling2D` with `keepdims` (TF.js 4.22 always drops the spatial
 * axes). Takes over the class name so saved models keep Keras's class.
 *
 * Input shape: 4D (batch, height, width, channels).
 * Output shape: (batch, channels), or (batch, 1, 1, channels) with keepdims.
 */
export class GlobalAveragePooling2D extends withKeepdims(TfjsGlobalAverage) {
  static className = 'GlobalAveragePooling2D';
}
// The base class is typed from an instance, which hides the static fromConfig it inherits.
tf.serialization.registerClass(GlobalAveragePooling2D as unknown as Parameters<typeof tf.serialization.registerClass>[0]);

/**
 * Keras `GlobalMaxPooling2D` with `keepdims` (TF.js 4.22 always drops the spatial axes).
 * Takes over the class name so saved models keep Keras's class.
 *
 * Input shape: 4D (batch, height, width, channels).
 * Output shape: (batch, channels), or (batch, 1, 1, channels) with keepdims.
 */
export class GlobalMaxPooling2D extends withKeepdims(TfjsGlobalMax) {
  static className = 'GlobalMaxPooling2D';
}
tf.serialization.registerClass(GlobalMaxPooling2D as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
