import * as tf from '@tensorflow/tfjs';

/**
 * Keras's `leaky_relu` activation function (negative_slope 0.2), for `activation:
 * 'leaky_relu'` on any layer. TF.js 4.22 has no such activation; layers resolve
 * activation names through the serialization registry, so registering this class makes
 * `{activation: 'leakyRelu'}` work. The class name is camelCase like TF.js's own
 * (`hardSigmoid`): model.json stores string values in snake_case, so files say
 * `leaky_relu`, as Keras does, and loading turns that back into `leakyRelu`.
 */
export class LeakyReluActivation extends tf.serialization.Serializable {
  static className = 'leakyRelu';
  /** Keras's `activations.leaky_relu` default. */
  static readonly NEGATIVE_SLOPE = 0.2;

  /** Applies the function; the signature matches TF.js's `Activation.apply`. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, LeakyReluActivation.NEGATIVE_SLOPE);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}
tf.serialization.registerClass(LeakyReluActivation);
