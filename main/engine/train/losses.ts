import type * as tfjs from '@tensorflow/tfjs';
import type { LossName } from '../../../common/training/losses';
import type { Tfjs as TfModule } from '../backend';

/** Keras' `backend.epsilon()`: probabilities are clipped to [eps, 1 - eps] before the log. */
const EPSILON = 1e-7;

/** How labels are fed for a loss and an output width. */
export type TargetEncoding = 'sparse' | 'one-hot' | 'binary-scalar';

/** Picks the label encoding: class indices for sparse CE, a [B,1] 0/1 column for a single sigmoid unit, one-hot otherwise. */
export function targetEncoding(loss: LossName, outputUnits: number): TargetEncoding {
  if (loss === 'sparse_categorical_crossentropy') return 'sparse';
  if (outputUnits === 1) return 'binary-scalar';
  return 'one-hot';
}

/** Builds the target tensor for a batch of class indices. Call inside `tf.tidy`. */
export function encodeTargets(tf: TfModule, labels: Int32Array, encoding: TargetEncoding, classes: number): tfjs.Tensor {
  const indices = tf.tensor1d(labels, 'int32');
  if (encoding === 'sparse') return indices;
  if (encoding === 'binary-scalar') return tf.reshape(tf.cast(indices, 'float32'), [labels.length, 1]);
  return tf.oneHot(indices, classes).toFloat();
}

/**
 * Per-example loss, as Keras computes it (probabilities clipped to [eps, 1 - eps];
 * `fromLogits` applies log-softmax or log-sigmoid instead). Call inside `tf.tidy`.
 */
export function perExampleLoss(tf: TfModule, loss: LossName, targets: tfjs.Tensor, predictions: tfjs.Tensor, fromLogits: boolean): tfjs.Tensor1D {
  const classes = predictions.shape[predictions.shape.length - 1] ?? 1;
  switch (loss) {
    case 'sparse_categorical_crossentropy':
    case 'categorical_crossentropy': {
      const oneHot = loss === 'sparse_categorical_crossentropy' ? tf.oneHot(tf.cast(targets, 'int32'), classes).toFloat() : targets;
      const logProbabilities = fromLogits ? tf.logSoftmax(predictions) : tf.log(tf.clipByValue(predictions, EPSILON, 1 - EPSILON));
      return tf.neg(tf.sum(tf.mul(oneHot, logProbabilities), -1)) as tfjs.Tensor1D;
    }
    case 'binary_crossentropy': {
      if (fromLogits) {
        // max(x, 0) - x * z + log(1 + exp(-|x|)), the stable form Keras uses.
        const x = predictions;
        const elementwise = tf.add(tf.sub(tf.relu(x), tf.mul(x, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
        return tf.mean(elementwise, -1) as tfjs.Tensor1D;
      }
      const p = tf.clipByValue(predictions, EPSILON, 1 - EPSILON);
      const elementwise = tf.neg(tf.add(tf.mul(targets, tf.log(p)), tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, p)))));
      return tf.mean(elementwise, -1) as tfjs.Tensor1D;
    }
    case 'mean_squared_error':
      return tf.mean(tf.squaredDifference(predictions, targets), -1) as tfjs.Tensor1D;
  }
}

/**
 * The scalar a batch minimises: the mean of per-example losses times their class weight
 * (Keras divides by the batch size, not by the sum of weights).
 */
export function batchLoss(tf: TfModule, perExample: tfjs.Tensor1D, sampleWeights: tfjs.Tensor1D | null): tfjs.Scalar {
  return sampleWeights ? tf.mean(tf.mul(perExample, sampleWeights)) : tf.mean(perExample);
}

/** Predicted class per example (a single sigmoid unit thresholds at 0.5 or logit 0). */
export function predictedClasses(tf: TfModule, predictions: tfjs.Tensor, fromLogits: boolean): tfjs.Tensor1D {
  const units = predictions.shape[predictions.shape.length - 1] ?? 1;
  if (units === 1) return tf.cast(tf.greater(tf.reshape(predictions, [-1]), fromLogits ? 0 : 0.5), 'int32') as tfjs.Tensor1D;
  return tf.argMax(predictions, -1) as tfjs.Tensor1D;
}

/** 1 where the true class is among the k highest scores (Keras `sparse_top_k_categorical_accuracy`). */
export function inTopK(tf: TfModule, predictions: tfjs.Tensor, labels: tfjs.Tensor1D, k: number): tfjs.Tensor1D {
  const units = predictions.shape[predictions.shape.length - 1] ?? 1;
  const kk = Math.min(k, units);
  const trueScores = tf.sum(tf.mul(predictions, tf.oneHot(labels, units).toFloat()), -1, true);
  // Ties count in the true class' favour, as in Keras' in_top_k.
  const higher = tf.sum(tf.cast(tf.greater(predictions, trueScores), 'float32'), -1);
  return tf.cast(tf.less(higher, kk), 'float32') as tfjs.Tensor1D;
}
