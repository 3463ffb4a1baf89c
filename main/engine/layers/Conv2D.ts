import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

type TfjsConv2D = ReturnType<typeof tf.layers.conv2d>;
type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];

/** The fields of TF.js's Conv2D this class reads (public at run time, not in its typings). */
interface Conv2DInternals {
  kernel: { read(): tf.Tensor4D };
  bias: { read(): tf.Tensor1D } | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: number | [number, number];
}

// The class of this TF.js copy, taken from an instance (a deep import could load a second copy under Node).
const TfjsConv2DClass = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as new (args: Conv2DArgs) => TfjsConv2D;

/**
 * Keras `Conv2D` that also trains with dilation rates above 1. TF.js 4.22 runs Conv2D as a
 * fused op whose gradient refuses dilation; a dilated layer here runs the plain conv2d op
 * (plus bias and activation), whose gradient `gradients/Conv2DGrad` extends. Undilated
 * layers keep TF.js's fused path unchanged. It takes over the class name so saved models
 * keep Keras's class.
 *
 * Input shape: 4D (batch, height, width, channels). Output shape: 4D (batch, rows, cols, filters).
 */
export class Conv2D extends TfjsConv2DClass {
  static className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as Conv2DInternals;
    const dilation = typeof self.dilationRate === 'number' ? [self.dilationRate, self.dilationRate] : self.dilationRate;
    if (dilation.every((d) => d === 1)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      let output: tf.Tensor = tf.conv2d(x, self.kernel.read(), self.strides, self.padding, 'NHWC', dilation as [number, number]);
      if (self.bias !== null) output = tf.add(output, self.bias.read());
      return self.activation === null ? output : self.activation.apply(output);
    });
  }
}
// The base class is typed from an instance, which hides the static fromConfig it inherits.
tf.serialization.registerClass(Conv2D as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
