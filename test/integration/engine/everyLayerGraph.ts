import { GraphBuilder } from '../../../common/templates';
import type { ModelGraph } from '../../../common/graph/schema';

/**
 * A tiny CNN that uses every layer family of the catalog (convolutions of all four
 * kinds, dilated and grouped ones included, poolings, reshapers, both normalizations, every activation layer and the
 * unusual activations, all merges, both dropouts), small enough to train in a second.
 * Input 8x8x3, three classes.
 */
export function everyLayerGraph(): ModelGraph {
  const b = new GraphBuilder('every_layer');
  const input = b.input([8, 8, 3], 'image');
  let x = b.layer('Rescaling', { scale: 2, offset: -1 }, input);
  x = b.layer('Conv2D', { filters: 8, kernel_size: [3, 3], padding: 'same', dilation_rate: [2, 2], activation: 'leaky_relu' }, x);
  x = b.layer('Conv2D', { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'gelu', kernel_regularizer: { l1: 0, l2: 1e-4 } }, x);
  x = b.layer('BatchNormalization', {}, x);
  x = b.layer('DepthwiseConv2D', { kernel_size: [3, 3], padding: 'same', dilation_rate: [2, 2], depth_multiplier: 2, activation: 'swish' }, x);
  const skip = b.layer('Conv2D', { filters: 8, kernel_size: [1, 1], groups: 2, activation: 'relu6' }, x);
  let y = b.layer('SeparableConv2D', { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: 2, activation: 'selu' }, x);
  y = b.layer('Conv2DTranspose', { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'elu' }, y);
  const merged = b.layer('Concatenate', {}, [
    b.layer('Add', {}, [y, skip]),
    b.layer('Subtract', {}, [y, skip]),
    b.layer('Multiply', {}, [y, skip]),
    b.layer('Average', {}, [y, skip]),
    b.layer('Maximum', {}, [y, skip]),
  ]);
  x = b.layer('SpatialDropout2D', { rate: 0.2, seed: 3 }, merged);
  x = b.layer('ReLU', { max_value: 6, negative_slope: 0.1, threshold: 0.05 }, x);
  x = b.layer('PReLU', { shared_axes: [1, 2], alpha_initializer: 'random_uniform' }, x);
  x = b.layer('ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, x);
  x = b.layer('Cropping2D', { cropping: [[1, 1], [1, 1]] }, x);
  x = b.layer('UpSampling2D', { size: [2, 2] }, x);
  x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
  x = b.layer('AveragePooling2D', { pool_size: [3, 3], strides: [1, 1], padding: 'same' }, x);
  x = b.layer('LayerNormalization', {}, x);
  x = b.layer('Activation', { activation: 'tanh' }, x);
  x = b.layer('LeakyReLU', { negative_slope: 0.2 }, x);
  const pooled = b.layer('Concatenate', {}, [b.layer('GlobalAveragePooling2D', {}, x), b.layer('Flatten', {}, b.layer('GlobalMaxPooling2D', { keepdims: true }, x))]);
  let head = b.layer('Dense', { units: 16, activation: 'relu' }, pooled);
  head = b.layer('Dropout', { rate: 0.1 }, head);
  head = b.layer('Reshape', { target_shape: [4, 4] }, head);
  head = b.layer('Flatten', {}, head);
  b.layer('Dense', { units: 3, activation: 'softmax' }, head, 'predictions');
  return b.build();
}
