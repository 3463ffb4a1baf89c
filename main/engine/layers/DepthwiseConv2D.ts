import * as tf from '@tensorflow/tfjs';

type TfjsDepthwiseConv2D = ReturnType<typeof tf.layers.depthwiseConv2d>;
type DepthwiseConv2DArgs = Parameters<typeof tf.layers.depthwiseConv2d>[0];

/** The fields of TF.js's DepthwiseConv2D this class reads (public at run time, not in its typings). */
interface DepthwiseInternals {
  depthwiseKernel: { read(): tf.Tensor4D };
  bias: { read(): tf.Tensor1D } | null;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: number | [number, number];
  depthMultiplier: number;
}

// The class of this TF.js copy, taken from an instance (a deep import could load a second copy under Node).
const TfjsDepthwiseClass = Object.getPrototypeOf(tf.layers.depthwiseConv2d({ kernelSize: 1 })).constructor as new (args: DepthwiseConv2DArgs) => TfjsDepthwiseConv2D;

/** Keras's conv_output_length. */
function outputLength(input: number | null, kernel: number, padding: 'valid' | 'same', stride: number, dilation: number): number | null {
  if (input === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  const length = padding === 'same' ? input : input - effective + 1;
  return Math.floor((length + stride - 1) / stride);
}

/**
 * Keras `DepthwiseConv2D` with `dilation_rate`. TF.js 4.22's layer accepts the argument
 * but ignores it (its call passes no dilation and its output shape leaves it out), which
 * would silently build another model; this class applies it. It takes over the class
 * name so saved models keep Keras's class.
 *
 * Input shape: 4D (batch, height, width, channels).
 * Output shape: 4D (batch, rows, cols, channels * depth_multiplier).
 */
export class DepthwiseConv2D extends TfjsDepthwiseClass {
  static className = 'DepthwiseConv2D';

  private dilation(): [number, number] {
    const rate = (this as unknown as DepthwiseInternals).dilationRate;
    return typeof rate === 'number' ? [rate, rate] : rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const self = this as unknown as DepthwiseInternals;
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      let output: tf.Tensor = tf.depthwiseConv2d(x, self.depthwiseKernel.read(), self.strides, self.padding, 'NHWC', this.dilation());
      if (self.useBias && self.bias !== null) output = tf.add(output, self.bias.read());
      return self.activation === null ? output : self.activation.apply(output);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const self = this as unknown as DepthwiseInternals;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [dilationHeight, dilationWidth] = this.dilation();
    const channels = shape[3] ?? null;
    return [
      shape[0] ?? null,
      outputLength(shape[1] ?? null, self.kernelSize[0], self.padding, self.strides[0], dilationHeight),
      outputLength(shape[2] ?? null, self.kernelSize[1], self.padding, self.strides[1], dilationWidth),
      channels === null ? null : channels * self.depthMultiplier,
    ];
  }
}
// The base class is typed from an instance, which hides the static fromConfig it inherits.
tf.serialization.registerClass(DepthwiseConv2D as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
