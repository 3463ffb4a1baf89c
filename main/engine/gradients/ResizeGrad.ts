import * as tf from '@tensorflow/tfjs';
import { ResizeBilinear, ResizeNearestNeighbor, type GradConfig, type NamedAttrMap, type ResizeBilinearAttrs } from '@tensorflow/tfjs-core';
import { bilinearWeights, nearestWeights, type ResizeMode } from './resizeWeights';

type Weights = (input: number, output: number, mode: ResizeMode) => Float32Array;

/**
 * The image gradient of a resize as two matrix products, `A_hᵀ · dy · A_w` per channel.
 * It replaces TF.js 4.22's resize gradients, whose kernels are wrong in two places a
 * UpSampling2D layer reaches: tfjs-backend-cpu's ResizeNearestNeighborGrad mixes up the
 * samples of a batch larger than one, and tfjs-backend-wasm's ResizeBilinearGrad swaps
 * height and width for non-square images. Matrix products are correct and fast on every
 * backend.
 */
function resizeGradient(kernelName: string, weightsOf: Weights): GradConfig {
  return {
    kernelName,
    inputsToSave: ['images'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const [images] = saved as [tf.Tensor4D];
      const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeBilinearAttrs;
      const mode = { alignCorners, halfPixelCenters };
      return {
        images: () => {
          const [batch, inHeight, inWidth, channels] = images.shape;
          const [, outHeight, outWidth] = (dy as tf.Tensor4D).shape;
          const rows = tf.tensor2d(weightsOf(inHeight, outHeight, mode), [outHeight, inHeight]);
          const cols = tf.tensor2d(weightsOf(inWidth, outWidth, mode), [outWidth, inWidth]);
          // [N, oH, oW, C] -> [N, C, oH, oW] -> (· A_w) -> [N, C, oH, iW]
          const channelsFirst = tf.transpose(dy as tf.Tensor4D, [0, 3, 1, 2]);
          const alongWidth = tf.matMul(tf.reshape(channelsFirst, [batch * channels * outHeight, outWidth]), cols);
          // [N, C, oH, iW] -> [N, C, iW, oH] -> (· A_h) -> [N, C, iW, iH]
          const heightLast = tf.transpose(tf.reshape(alongWidth, [batch, channels, outHeight, inWidth]), [0, 1, 3, 2]);
          const alongHeight = tf.matMul(tf.reshape(heightLast, [batch * channels * inWidth, outHeight]), rows);
          return tf.transpose(tf.reshape(alongHeight, [batch, channels, inWidth, inHeight]), [0, 3, 2, 1]);
        },
      };
    },
  };
}

/** Gradient of ResizeNearestNeighbor (UpSampling2D 'nearest'). */
export function resizeNearestNeighborGradConfig(): GradConfig {
  return resizeGradient(ResizeNearestNeighbor, nearestWeights);
}

/** Gradient of ResizeBilinear (UpSampling2D 'bilinear'). */
export function resizeBilinearGradConfig(): GradConfig {
  return resizeGradient(ResizeBilinear, bilinearWeights);
}
