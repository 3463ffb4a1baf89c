import type * as tfjs from '@tensorflow/tfjs';
import { GraphBuilder, type TensorRef } from '../../../common/templates/builder';
import type { ModelGraph } from '../../../common/graph/schema';
import type { Tfjs } from '../../../main/engine/backend';

/**
 * Replaces every weight with seeded values in [-0.5, 0.5) (variances in [0.5, 1.5)), so
 * zero-initialised biases, slopes and statistics cannot hide a wrongly mapped weight.
 */
export function randomizeWeights(model: tfjs.LayersModel, tf: Tfjs, seed: number): void {
  let next = seed;
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const values = weights.map((w, i) => {
      next += 1;
      const variance = layer.weights[i]?.originalName.endsWith('moving_variance') ?? false;
      return variance ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', next) : tf.randomUniform(w.shape, -0.5, 0.5, 'float32', next);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** The small CNN every format is checked with: conv, BN, pooling, dense, an Add and a Concatenate. */
export function smallCnnGraph(): ModelGraph {
  const b = new GraphBuilder('small_cnn');
  const x = b.input([12, 12, 3], 'image');
  const bn = b.layer('BatchNormalization', {}, b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, x, 'conv_a'), 'bn');
  const add = b.layer('Add', {}, [bn, b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }, x, 'conv_b')], 'add');
  const cat = b.layer('Concatenate', {}, [add, b.layer('Conv2D', { filters: 2, kernel_size: [1, 1] }, add, 'conv_c')], 'concat');
  const pooled = b.layer('MaxPooling2D', {}, cat, 'pool');
  b.layer('Dense', { units: 3, activation: 'softmax' }, b.layer('Flatten', {}, pooled, 'flatten'), 'predictions');
  return b.build();
}

type Chain = (b: GraphBuilder, x: TensorRef) => TensorRef;

/** Input -> the family's layers -> (Flatten when the body ends on an image) -> Dense(3). */
function familyGraph(name: string, shape: number[], body: Chain, endsOnImage = false): ModelGraph {
  const b = new GraphBuilder(name);
  const x = b.input(shape, 'image');
  const y = body(b, x);
  b.layer('Dense', { units: 3 }, endsOnImage ? b.layer('Flatten', {}, y, 'flatten') : y, 'logits');
  return b.build();
}

/** Two inputs (an image and a feature vector) joined before the classifier. */
export function twoInputGraph(): ModelGraph {
  const b = new GraphBuilder('two_inputs');
  const features = b.input([5], 'features');
  const image = b.input([6, 6, 2], 'image');
  const pooled = b.layer('GlobalAveragePooling2D', {}, b.layer('Conv2D', { filters: 3, kernel_size: [3, 3] }, image, 'conv'), 'gap');
  b.layer('Dense', { units: 2 }, b.layer('Concatenate', {}, [pooled, features], 'joined'), 'out');
  return b.build();
}

/** One graph per layer family, each using every layer type of the family in several settings. */
export const LAYER_FAMILY_GRAPHS: Record<string, () => ModelGraph> = {
  convolutional: () => familyGraph('convolutional', [9, 9, 4], (b, x) => {
    const a = b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }, x, 'conv_same_s2');
    const g = b.layer('Conv2D', { filters: 4, kernel_size: [2, 2], dilation_rate: [2, 2], padding: 'valid' }, a, 'conv_dilated');
    const d = b.layer('DepthwiseConv2D', { kernel_size: [3, 3], depth_multiplier: 2, padding: 'same' }, x, 'depthwise');
    const s = b.layer('SeparableConv2D', { filters: 3, kernel_size: [3, 3], depth_multiplier: 2, strides: [2, 2], padding: 'same', activation: 'elu' }, d, 'separable');
    const t = b.layer('Conv2DTranspose', { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }, s, 'transpose_same');
    const v = b.layer('Conv2DTranspose', { filters: 2, kernel_size: [2, 2], strides: [1, 1], padding: 'valid' }, g, 'transpose_valid');
    return b.layer('Concatenate', {}, [b.layer('Flatten', {}, t, 'flat_t'), b.layer('Flatten', {}, v, 'flat_v')], 'joined');
  }),
  pooling: () => familyGraph('pooling', [9, 9, 3], (b, x) => {
    const m = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, x, 'max_same');
    const a = b.layer('AveragePooling2D', { pool_size: [2, 2], padding: 'same' }, m, 'avg_same');
    const v = b.layer('AveragePooling2D', { pool_size: [2, 2], strides: [1, 1] }, x, 'avg_valid');
    const ga = b.layer('GlobalAveragePooling2D', {}, v, 'gap');
    const gm = b.layer('GlobalMaxPooling2D', {}, a, 'gmp');
    return b.layer('Concatenate', {}, [ga, gm], 'joined');
  }),
  core: () => familyGraph('core', [6, 6, 2], (b, x) => {
    const r = b.layer('Rescaling', { scale: 2, offset: -0.5 }, x, 'rescale');
    const p = b.layer('ZeroPadding2D', { padding: [[1, 2], [0, 1]] }, r, 'pad');
    const c = b.layer('Cropping2D', { cropping: [[2, 0], [1, 1]] }, p, 'crop');
    const u = b.layer('UpSampling2D', { size: [2, 2] }, c, 'up_nearest');
    const ub = b.layer('UpSampling2D', { size: [2, 1], interpolation: 'bilinear' }, c, 'up_bilinear');
    const d4 = b.layer('Dense', { units: 3, activation: 'tanh' }, u, 'dense_on_image');
    const reshaped = b.layer('Reshape', { target_shape: [70, 2] }, ub, 'reshape');
    return b.layer('Concatenate', { axis: 1 }, [b.layer('Flatten', {}, d4, 'flat_d4'), b.layer('Flatten', {}, reshaped, 'flat_r')], 'joined');
  }),
  normalization: () => familyGraph('normalization', [5, 5, 3], (b, x) => {
    const bn = b.layer('BatchNormalization', { epsilon: 0.01 }, x, 'bn');
    const bnNoScale = b.layer('BatchNormalization', { scale: false }, bn, 'bn_no_scale');
    const flat = b.layer('Flatten', {}, bnNoScale, 'flat_bn');
    const ln = b.layer('LayerNormalization', {}, x, 'ln_image');
    const dense = b.layer('Dense', { units: 6 }, flat, 'dense');
    const ln2 = b.layer('LayerNormalization', { center: false }, dense, 'ln_dense');
    const bn1d = b.layer('BatchNormalization', {}, ln2, 'bn_dense');
    return b.layer('Concatenate', {}, [b.layer('Flatten', {}, ln, 'flat_ln'), bn1d], 'joined');
  }),
  regularization: () => familyGraph('regularization', [4, 4, 3], (b, x) => b.layer('Dropout', { rate: 0.5 }, b.layer('SpatialDropout2D', { rate: 0.3 }, x, 'spatial'), 'dropout'), true),
  activation: () => familyGraph('activation', [4, 4, 3], (b, x) => {
    const names = ['relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'gelu', 'swish', 'tanh', 'sigmoid', 'softmax', 'linear'];
    const scaled = b.layer('Rescaling', { scale: 8, offset: -4 }, x, 'spread');
    const outs = names.map((name) => b.layer('Flatten', {}, b.layer('Activation', { activation: name }, scaled, `act_${name}`), `flat_${name}`));
    outs.push(b.layer('Flatten', {}, b.layer('ReLU', { max_value: 2, negative_slope: 0.1 }, scaled, 'relu_layer'), 'flat_relu_layer'));
    outs.push(b.layer('Flatten', {}, b.layer('LeakyReLU', { negative_slope: 0.2 }, scaled, 'leaky'), 'flat_leaky'));
    outs.push(b.layer('Flatten', {}, b.layer('PReLU', {}, scaled, 'prelu'), 'flat_prelu'));
    outs.push(b.layer('Flatten', {}, b.layer('PReLU', { shared_axes: [1, 2] }, scaled, 'prelu_shared'), 'flat_prelu_shared'));
    return b.layer('Concatenate', {}, outs, 'joined');
  }),
  merge: () => familyGraph('merge', [4, 4, 3], (b, x) => {
    const a = b.layer('Conv2D', { filters: 3, kernel_size: [1, 1] }, x, 'branch_a');
    const c = b.layer('Conv2D', { filters: 3, kernel_size: [1, 1] }, x, 'branch_b');
    const merged = [
      b.layer('Add', {}, [a, c, x], 'add'),
      b.layer('Subtract', {}, [a, c], 'subtract'),
      b.layer('Multiply', {}, [a, c], 'multiply'),
      b.layer('Average', {}, [a, c], 'average'),
      b.layer('Maximum', {}, [a, c], 'maximum'),
    ];
    return b.layer('Concatenate', { axis: 2 }, merged, 'concat_width');
  }, true),
};
