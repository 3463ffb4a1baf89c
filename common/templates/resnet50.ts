import { GraphBuilder, type TensorRef } from './builder';
import { applicationPooling } from './applicationPooling';
import { defineTemplate } from './types';

/** `keras.applications.resnet` uses this epsilon in every BatchNormalization. */
const BN_EPSILON = 1.001e-5;
/** Channels-last: the channel axis of a 4D image tensor (`bn_axis = 3` in Keras). */
const BN_AXIS = 3;

/**
 * `residual_block_v1` of `keras.applications.resnet`: a 1×1 / 3×3 / 1×1 bottleneck whose
 * output has `4 * filters` channels; the shortcut is a strided 1×1 projection in the first
 * block of a stack and the identity elsewhere.
 */
function residualBlockV1(b: GraphBuilder, input: TensorRef, filters: number, stride: number, convShortcut: boolean, name: string): TensorRef {
  const bn = (x: TensorRef, suffix: string): TensorRef => b.layer('BatchNormalization', { axis: BN_AXIS, epsilon: BN_EPSILON }, x, `${name}_${suffix}`);
  let shortcut = input;
  if (convShortcut) {
    shortcut = b.layer('Conv2D', { filters: 4 * filters, kernel_size: [1, 1], strides: [stride, stride] }, input, `${name}_0_conv`);
    shortcut = bn(shortcut, '0_bn');
  }
  let x = b.layer('Conv2D', { filters, kernel_size: [1, 1], strides: [stride, stride] }, input, `${name}_1_conv`);
  x = bn(x, '1_bn');
  x = b.layer('Activation', { activation: 'relu' }, x, `${name}_1_relu`);
  x = b.layer('Conv2D', { filters, kernel_size: [3, 3], padding: 'same' }, x, `${name}_2_conv`);
  x = bn(x, '2_bn');
  x = b.layer('Activation', { activation: 'relu' }, x, `${name}_2_relu`);
  x = b.layer('Conv2D', { filters: 4 * filters, kernel_size: [1, 1] }, x, `${name}_3_conv`);
  x = bn(x, '3_bn');
  x = b.layer('Add', {}, [shortcut, x], `${name}_add`);
  return b.layer('Activation', { activation: 'relu' }, x, `${name}_out`);
}

/** `stack_residual_blocks_v1`: one projection block, then `blocks - 1` identity blocks. */
function stackV1(b: GraphBuilder, input: TensorRef, filters: number, blocks: number, stride1: number, name: string): TensorRef {
  let x = residualBlockV1(b, input, filters, stride1, true, `${name}_block1`);
  for (let i = 2; i <= blocks; i++) x = residualBlockV1(b, x, filters, 1, false, `${name}_block${i}`);
  return x;
}

/** `pool1_pool` closes the stem (`conv1`), `conv{s}_block{b}_out` stage `conv{s}`: ResNet fine-tunes whole stages. */
function resnetBlockEnd(layerName: string): string | null {
  if (layerName === 'pool1_pool') return 'conv1';
  return /^(conv\d+)_block\d+_out$/.exec(layerName)?.[1] ?? null;
}

/**
 * ResNet50 as `keras.applications.ResNet50(include_top, weights=None, input_shape, pooling,
 * classes)`: the same layers, names and arguments as `keras/src/applications/resnet.py`.
 */
export const resnet50Template = defineTemplate({
  id: 'resnet50',
  title: 'ResNet50',
  description: 'He et al. 2015, as keras.applications.ResNet50: 7×7 stem, four stacks of bottleneck residual blocks (3, 4, 6, 3), global average pooling, classifier.',
  defaultInputShape: [224, 224, 3],
  defaultClasses: 1000,
  inputRank: 3,
  application: {
    module: 'resnet50',
    minSize: 32,
    topLayers: ['predictions'],
    weightsFiles: { top: 'resnet50_weights_tf_dim_ordering_tf_kernels.h5', noTop: 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5' },
    blockEnd: resnetBlockEnd,
  },
  create({ inputShape, classes, includeTop, pooling }) {
    const b = new GraphBuilder('resnet50', this.description);
    let x = b.input(inputShape);
    x = b.layer('ZeroPadding2D', { padding: [[3, 3], [3, 3]] }, x, 'conv1_pad');
    x = b.layer('Conv2D', { filters: 64, kernel_size: [7, 7], strides: [2, 2] }, x, 'conv1_conv');
    x = b.layer('BatchNormalization', { axis: BN_AXIS, epsilon: BN_EPSILON }, x, 'conv1_bn');
    x = b.layer('Activation', { activation: 'relu' }, x, 'conv1_relu');
    x = b.layer('ZeroPadding2D', { padding: [[1, 1], [1, 1]] }, x, 'pool1_pad');
    x = b.layer('MaxPooling2D', { pool_size: [3, 3], strides: [2, 2] }, x, 'pool1_pool');
    x = stackV1(b, x, 64, 3, 1, 'conv2');
    x = stackV1(b, x, 128, 4, 2, 'conv3');
    x = stackV1(b, x, 256, 6, 2, 'conv4');
    x = stackV1(b, x, 512, 3, 2, 'conv5');
    if (includeTop) {
      x = b.layer('GlobalAveragePooling2D', {}, x, 'avg_pool');
      b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    } else {
      applicationPooling(b, x, pooling, { avg: 'avg_pool', max: 'max_pool' });
    }
    return b.build('resnet50');
  },
});
