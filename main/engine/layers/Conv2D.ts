import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

type TfjsConv2D = ReturnType<typeof tf.layers.conv2d>;
type TfjsConv2DArgs = Parameters<typeof tf.layers.conv2d>[0];

/** Arguments of `Conv2D`, with Keras's `groups`. */
export interface Conv2DArgs extends TfjsConv2DArgs {
  /** Channel groups: input channels and filters split into this many independent convolutions. */
  groups?: number;
}

/** The fields of TF.js's Conv2D this class reads (public at run time, not in its typings). */
interface Conv2DInternals {
  kernel: { read(): tf.Tensor4D };
  bias: { read(): tf.Tensor1D } | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dilationRate: number | [number, number];
  inputSpec: { ndim: number; axes: Record<number, number> }[];
}

// The class of this TF.js copy, taken from an instance (a deep import could load a second copy under Node).
const TfjsConv2DClass = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as new (args: TfjsConv2DArgs) => TfjsConv2D;

/**
 * Keras `Conv2D` with what TF.js 4.22 lacks:
 * - `groups`: the kernel is (kh, kw, channels / groups, filters), and each group of input
 *   channels is convolved with its share of the filters;
 * - training with dilation rates above 1: TF.js runs Conv2D as a fused op whose gradient
 *   refuses dilation, so dilated (and grouped) layers run the plain conv2d op plus bias
 *   and activation, whose gradient `gradients/Conv2DGrad` extends.
 * Other layers keep TF.js's fused path unchanged. It takes over the class name so saved
 * models keep Keras's class.
 *
 * Input shape: 4D (batch, height, width, channels). Output shape: 4D (batch, rows, cols, filters).
 */
export class Conv2D extends TfjsConv2DClass {
  static className = 'Conv2D';
  readonly groups: number;

  constructor(args: Conv2DArgs) {
    const { groups = 1, ...rest } = args;
    super(rest);
    if (!Number.isInteger(groups) || groups < 1 || args.filters % groups !== 0) {
      throw new Error(`The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${args.filters}`);
    }
    this.groups = groups;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[3];
    if (this.groups === 1 || channels === null || channels === undefined) {
      super.build(inputShape);
      return;
    }
    if (channels % this.groups !== 0) {
      throw new Error(`The number of input channels must be evenly divisible by the number of groups. Received: groups=${this.groups}, input_shape=${JSON.stringify(shape)}`);
    }
    // TF.js sizes the kernel from the input channels; a grouped kernel sees one group's.
    super.build([shape[0] ?? null, shape[1] ?? null, shape[2] ?? null, channels / this.groups]);
    (this as unknown as Conv2DInternals).inputSpec = [{ ndim: 4, axes: { 3: channels } }];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as Conv2DInternals;
    const dilation = (typeof self.dilationRate === 'number' ? [self.dilationRate, self.dilationRate] : self.dilationRate) as [number, number];
    if (this.groups === 1 && dilation.every((d) => d === 1)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const kernel = self.kernel.read();
      const convolve = (input: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D => tf.conv2d(input, filter, self.strides, self.padding, 'NHWC', dilation);
      let output: tf.Tensor;
      if (this.groups === 1) {
        output = convolve(x, kernel);
      } else {
        const kernels = tf.split(kernel, this.groups, 3);
        output = tf.concat(tf.split(x, this.groups, 3).map((part, g) => convolve(part as tf.Tensor4D, kernels[g] as tf.Tensor4D)), 3);
      }
      if (self.bias !== null) output = tf.add(output, self.bias.read());
      return self.activation === null ? output : self.activation.apply(output);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}
// The base class is typed from an instance, which hides the static fromConfig it inherits.
tf.serialization.registerClass(Conv2D as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
