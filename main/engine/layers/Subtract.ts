import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { elementwiseMergeShape } from '../../../common/catalog/merge';

/**
 * Keras `Subtract`: the first input minus the second, with Keras's broadcasting rules.
 * TF.js 4.22 has Add, Multiply, Average, Maximum and Minimum but no Subtract.
 *
 * Input shape: a list of exactly two tensors of broadcastable shapes.
 * Output shape: their broadcast shape.
 */
export class Subtract extends tf.layers.Layer {
  static className = 'Subtract';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = twoShapes(inputShape);
    return [...elementwiseMergeShape(shapes)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new Error(`A Subtract layer should be called on exactly 2 inputs. Received: inputs=${Array.isArray(inputs) ? inputs.length : 1}`);
      }
      const [first, second] = inputs as [tf.Tensor, tf.Tensor];
      return tf.sub(first, second);
    });
  }
}
tf.serialization.registerClass(Subtract);

function twoShapes(inputShape: tf.Shape | tf.Shape[]): [tf.Shape, tf.Shape] {
  const shapes = Array.isArray(inputShape[0]) || inputShape[0] === undefined ? (inputShape as tf.Shape[]) : [inputShape as tf.Shape];
  if (shapes.length !== 2) {
    throw new Error(`A Subtract layer should be called on exactly 2 inputs. Received: inputs=${shapes.length}`);
  }
  return shapes as [tf.Shape, tf.Shape];
}
