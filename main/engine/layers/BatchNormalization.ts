import * as tf from '@tensorflow/tfjs';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { batchNormTraining, hasFusedBatchNorm, updateMovingAverages } from '../kernels/fusedBatchNorm';

type TfjsBatchNormalization = ReturnType<typeof tf.layers.batchNormalization>;
type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;

// TF.js exports the class only through its factory; the instance's constructor is the
// class of this very TF.js copy (a deep import could load a second copy under Node).
const TfjsBatchNormalizationClass = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as new (
  args?: BatchNormalizationArgs,
) => TfjsBatchNormalization;

/** The fields of TF.js's BatchNormalization the fused path reads (public at run time, not in its typings). */
interface BatchNormalizationInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  /** Absent (undefined) with `scale: false`, as in InceptionV3; `beta` likewise with `center: false`. */
  gamma: { read(): tf.Variable } | null | undefined;
  beta: { read(): tf.Variable } | null | undefined;
  movingMean: { read(): tf.Variable };
  movingVariance: { read(): tf.Variable };
}

/**
 * Keras `BatchNormalization`, including its rule for frozen layers: with
 * `trainable = false` the layer runs in inference mode (moving statistics, no update)
 * even while the model trains, which is what fine-tuning on top of a frozen base needs.
 * TF.js 4.22 keeps normalising with batch statistics and updating the moving averages of
 * a frozen layer. Training over the last axis runs fused where the backend has the kernels
 * (`../kernels/fusedBatchNorm.ts`: the same arithmetic in seven kernels instead of about
 * forty-five); everything else is TF.js's layer unchanged. It takes over the class name so
 * saved models keep Keras's class.
 *
 * Input shape: any. Output shape: the same.
 */
export class BatchNormalization extends TfjsBatchNormalizationClass {
  static className = 'BatchNormalization';

  /**
   * Runs in inference mode even while trainable: what calling a Keras base with
   * `training=False` does to its BatchNormalization layers. Fine-tuning sets it on the
   * layers it unfreezes, so their moving statistics stay the pretrained ones while gamma
   * and beta train. Not part of the layer's config (Keras has no such argument).
   */
  inferenceOnly = false;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const layer = this as unknown as BatchNormalizationInternals;
    const training = this.trainable && !this.inferenceOnly && kwargs['training'] === true;
    return training && (layer.gamma == null || layer.beta == null) ? this.normalizeWithStandIns(inputs, kwargs, layer) : this.normalize(inputs, kwargs, layer);
  }

  /**
   * Differs from tfjs: tfjs 4.22 normalises a training batch with `gamma.read()` and
   * `beta.read()` even when `scale` or `center` is off (Keras's `scale=False`, which every
   * BatchNormalization of InceptionV3 has), and throws. Constant ones / zeros stand in for
   * the missing weight during the call: the same arithmetic, and no weight to train.
   */
  private normalizeWithStandIns(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs, layer: BatchNormalizationInternals): tf.Tensor | tf.Tensor[] {
    const { gamma, beta } = layer;
    const shape = layer.movingMean.read().shape;
    return tf.tidy(() => {
      const ones = tf.ones(shape) as tf.Variable;
      const zeros = tf.zeros(shape) as tf.Variable;
      layer.gamma = gamma ?? { read: () => ones };
      layer.beta = beta ?? { read: () => zeros };
      try {
        return this.normalize(inputs, kwargs, layer);
      } finally {
        layer.gamma = gamma;
        layer.beta = beta;
      }
    });
  }

  private normalize(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs, layer: BatchNormalizationInternals): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const { gamma, beta } = layer;
    const lastAxis = x !== undefined && (layer.axis === -1 || layer.axis === x.rank - 1);
    const training = this.trainable && !this.inferenceOnly;
    if (!training || kwargs['training'] !== true || !lastAxis || gamma == null || beta == null || x.rank < 2 || x.dtype !== 'float32' || !hasFusedBatchNorm(tf)) {
      return super.call(inputs, training ? kwargs : { ...kwargs, training: false });
    }
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(tf, x, gamma.read(), beta.read(), layer.epsilon);
      updateMovingAverages(tf, layer.movingMean.read(), layer.movingVariance.read(), mean, variance, layer.momentum);
      tf.dispose([mean, variance]);
      return y;
    });
  }
}
// The base class is typed from an instance, which hides the static fromConfig it inherits.
tf.serialization.registerClass(BatchNormalization as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
