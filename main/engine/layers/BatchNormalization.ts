import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

type TfjsBatchNormalization = ReturnType<typeof tf.layers.batchNormalization>;
type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

// TF.js exports the class only through its factory; the instance's constructor is the
// class of this very TF.js copy (a deep import could load a second copy under Node).
const TfjsBatchNormalizationClass = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as new (
  args?: BatchNormalizationArgs,
) => TfjsBatchNormalization;

/**
 * Keras `BatchNormalization`, including its rule for frozen layers: with
 * `trainable = false` the layer runs in inference mode (moving statistics, no update)
 * even while the model trains, which is what fine-tuning on top of a frozen base needs.
 * TF.js 4.22 keeps normalising with batch statistics and updating the moving averages of
 * a frozen layer; everything else is TF.js's layer unchanged. It takes over the class name
 * so saved models keep Keras's class.
 *
 * Input shape: any. Output shape: the same.
 */
export class BatchNormalization extends TfjsBatchNormalizationClass {
  static className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return super.call(inputs, this.trainable ? kwargs : { ...kwargs, training: false });
  }
}
// The base class is typed from an instance, which hides the static fromConfig it inherits.
tf.serialization.registerClass(BatchNormalization as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
