import { GraphBuilder, type TensorRef } from './builder';
import { applicationPooling } from './applicationPooling';
import { defineTemplate } from './types';

/** Channels-last: the channel axis of a 4D image tensor (`channel_axis = 3` in Keras). */
const CHANNEL_AXIS = 3;

/**
 * `conv2d_bn` of `keras.applications.inception_v3`: a bias-free Conv2D, BatchNormalization
 * without a learned scale (`scale=False`) and ReLU. Keras calls it without names, so the
 * three layers take Keras's automatic names (`conv2d_7`, `batch_normalization_7`, `activation_7`)
 * in the order the source creates them.
 */
function conv2dBn(b: GraphBuilder, x: TensorRef, filters: number, rows: number, cols: number, padding: 'same' | 'valid' = 'same', strides: [number, number] = [1, 1]): TensorRef {
  let y = b.layer('Conv2D', { filters, kernel_size: [rows, cols], strides, padding, use_bias: false }, x);
  y = b.layer('BatchNormalization', { axis: CHANNEL_AXIS, scale: false }, y);
  return b.layer('Activation', { activation: 'relu' }, y);
}

/** The 3×3 stride-1 'same' average pooling every pooled tower starts with. */
function averagePool(b: GraphBuilder, x: TensorRef): TensorRef {
  return b.layer('AveragePooling2D', { pool_size: [3, 3], strides: [1, 1], padding: 'same' }, x);
}

function concat(b: GraphBuilder, towers: readonly TensorRef[], name?: string): TensorRef {
  return b.layer('Concatenate', { axis: CHANNEL_AXIS }, towers, name);
}

/** mixed 0, 1, 2 (35×35): 1×1, 5×5, double 3×3 and pooled towers. */
function mixed35(b: GraphBuilder, x: TensorRef, poolFilters: number, name: string): TensorRef {
  const branch1x1 = conv2dBn(b, x, 64, 1, 1);
  let branch5x5 = conv2dBn(b, x, 48, 1, 1);
  branch5x5 = conv2dBn(b, branch5x5, 64, 5, 5);
  let branch3x3dbl = conv2dBn(b, x, 64, 1, 1);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3);
  const branchPool = conv2dBn(b, averagePool(b, x), poolFilters, 1, 1);
  return concat(b, [branch1x1, branch5x5, branch3x3dbl, branchPool], name);
}

/** mixed 4, 5, 6, 7 (17×17): factorised 7×7 towers with `width` channels inside. */
function mixed17(b: GraphBuilder, x: TensorRef, width: number, name: string): TensorRef {
  const branch1x1 = conv2dBn(b, x, 192, 1, 1);
  let branch7x7 = conv2dBn(b, x, width, 1, 1);
  branch7x7 = conv2dBn(b, branch7x7, width, 1, 7);
  branch7x7 = conv2dBn(b, branch7x7, 192, 7, 1);
  let branch7x7dbl = conv2dBn(b, x, width, 1, 1);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, width, 7, 1);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, width, 1, 7);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, width, 7, 1);
  branch7x7dbl = conv2dBn(b, branch7x7dbl, 192, 1, 7);
  const branchPool = conv2dBn(b, averagePool(b, x), 192, 1, 1);
  return concat(b, [branch1x1, branch7x7, branch7x7dbl, branchPool], name);
}

/** mixed 9, 10 (8×8): expanded filter banks; the inner concatenations `mixed9_{i}` and an unnamed one. */
function mixed8x8(b: GraphBuilder, x: TensorRef, index: number): TensorRef {
  const branch1x1 = conv2dBn(b, x, 320, 1, 1);
  const branch3x3 = conv2dBn(b, x, 384, 1, 1);
  const branch3x3a = conv2dBn(b, branch3x3, 384, 1, 3);
  const branch3x3b = conv2dBn(b, branch3x3, 384, 3, 1);
  const branch3x3Joined = concat(b, [branch3x3a, branch3x3b], `mixed9_${index}`);
  let branch3x3dbl = conv2dBn(b, x, 448, 1, 1);
  branch3x3dbl = conv2dBn(b, branch3x3dbl, 384, 3, 3);
  const branch3x3dblA = conv2dBn(b, branch3x3dbl, 384, 1, 3);
  const branch3x3dblB = conv2dBn(b, branch3x3dbl, 384, 3, 1);
  const branch3x3dblJoined = concat(b, [branch3x3dblA, branch3x3dblB]);
  const branchPool = conv2dBn(b, averagePool(b, x), 192, 1, 1);
  return concat(b, [branch1x1, branch3x3Joined, branch3x3dblJoined, branchPool], `mixed${9 + index}`);
}

/** `mixed{n}` closes Inception block n (the stem belongs to `mixed0`): InceptionV3 fine-tunes whole mixed blocks. */
function inceptionBlockEnd(layerName: string): string | null {
  return /^mixed\d+$/.test(layerName) ? layerName : null;
}

/**
 * InceptionV3 as `keras.applications.InceptionV3(include_top, weights=None, input_shape,
 * pooling, classes)`: the layers of `keras/src/applications/inception_v3.py` in the order it
 * creates them, so the automatic names (`conv2d` … `conv2d_93`) and the named concatenations
 * (`mixed0` … `mixed10`, `mixed9_0`, `mixed9_1`) are Keras's. 23,851,784 parameters with the
 * top at 299×299, of which 34,432 (BatchNormalization moving statistics) are non-trainable.
 * Inputs must be at least 75×75.
 */
export const inceptionV3Template = defineTemplate({
  id: 'inceptionv3',
  title: 'InceptionV3',
  description: 'Szegedy et al. 2015, as keras.applications.InceptionV3: factorised convolutions in eleven mixed blocks (35×35, 17×17 and 8×8 grids), global average pooling, classifier. Inputs of at least 75×75.',
  defaultInputShape: [299, 299, 3],
  defaultClasses: 1000,
  inputRank: 3,
  application: {
    module: 'inception_v3',
    minSize: 75,
    topLayers: ['predictions'],
    weightsFiles: { top: 'inception_v3_weights_tf_dim_ordering_tf_kernels.h5', noTop: 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5' },
    blockEnd: inceptionBlockEnd,
  },
  create({ inputShape, classes, includeTop, pooling }) {
    const b = new GraphBuilder('inception_v3', this.description);
    let x = b.input(inputShape);
    x = conv2dBn(b, x, 32, 3, 3, 'valid', [2, 2]);
    x = conv2dBn(b, x, 32, 3, 3, 'valid');
    x = conv2dBn(b, x, 64, 3, 3);
    x = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x);
    x = conv2dBn(b, x, 80, 1, 1, 'valid');
    x = conv2dBn(b, x, 192, 3, 3, 'valid');
    x = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x);

    x = mixed35(b, x, 32, 'mixed0');
    x = mixed35(b, x, 64, 'mixed1');
    x = mixed35(b, x, 64, 'mixed2');

    // mixed 3: grid reduction 35 -> 17.
    const branch3x3 = conv2dBn(b, x, 384, 3, 3, 'valid', [2, 2]);
    let branch3x3dbl = conv2dBn(b, x, 64, 1, 1);
    branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3);
    branch3x3dbl = conv2dBn(b, branch3x3dbl, 96, 3, 3, 'valid', [2, 2]);
    const reducedPool = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x);
    x = concat(b, [branch3x3, branch3x3dbl, reducedPool], 'mixed3');

    x = mixed17(b, x, 128, 'mixed4');
    x = mixed17(b, x, 160, 'mixed5');
    x = mixed17(b, x, 160, 'mixed6');
    x = mixed17(b, x, 192, 'mixed7');

    // mixed 8: grid reduction 17 -> 8.
    let branch3x3r = conv2dBn(b, x, 192, 1, 1);
    branch3x3r = conv2dBn(b, branch3x3r, 320, 3, 3, 'valid', [2, 2]);
    let branch7x7x3 = conv2dBn(b, x, 192, 1, 1);
    branch7x7x3 = conv2dBn(b, branch7x7x3, 192, 1, 7);
    branch7x7x3 = conv2dBn(b, branch7x7x3, 192, 7, 1);
    branch7x7x3 = conv2dBn(b, branch7x7x3, 192, 3, 3, 'valid', [2, 2]);
    const reducedPool8 = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x);
    x = concat(b, [branch3x3r, branch7x7x3, reducedPool8], 'mixed8');

    x = mixed8x8(b, x, 0);
    x = mixed8x8(b, x, 1);

    if (includeTop) {
      x = b.layer('GlobalAveragePooling2D', {}, x, 'avg_pool');
      b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    } else {
      applicationPooling(b, x, pooling);
    }
    return b.build('inceptionv3');
  },
});
