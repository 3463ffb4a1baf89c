import * as tf from '@tensorflow/tfjs';

type TfjsSeparableConv2D = ReturnType<typeof tf.layers.separableConv2d>;
type SeparableConv2DArgs = Parameters<typeof tf.layers.separableConv2d>[0];

// The class of this TF.js copy, taken from an instance (a deep import could load a second copy under Node).
const TfjsSeparableClass = Object.getPrototypeOf(tf.layers.separableConv2d({ filters: 1, kernelSize: 1 })).constructor as new (
  args: SeparableConv2DArgs,
) => TfjsSeparableConv2D;

/**
 * Keras `SeparableConv2D` whose saved config keeps `depth_multiplier`. TF.js 4.22's
 * `getConfig` leaves it out, so a model.json it writes reloads with a multiplier of 1 and
 * fails on the weight shapes. It takes over the class name so saved models keep Keras's class.
 *
 * Input shape: 4D (batch, height, width, channels). Output shape: 4D (batch, rows, cols, filters).
 */
export class SeparableConv2D extends TfjsSeparableClass {
  static className = 'SeparableConv2D';

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depthMultiplier: (this as unknown as { depthMultiplier: number }).depthMultiplier };
  }
}
// The base class is typed from an instance, which hides the static fromConfig it inherits.
tf.serialization.registerClass(SeparableConv2D as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
