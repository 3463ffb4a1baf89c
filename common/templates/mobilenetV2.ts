import { GraphBuilder, type TensorRef } from './builder';
import { applicationPooling } from './applicationPooling';
import { defineTemplate } from './types';

/** MobileNetV2's BatchNormalization arguments (`epsilon=1e-3, momentum=0.999`). */
const BN_PARAMS = { epsilon: 1e-3, momentum: 0.999 } as const;
/** Width multiplier; 1.0 is the published MobileNetV2 (3.5M parameters). */
const ALPHA = 1;

/** `(filters, stride, expansion)` of each inverted residual block, block ids 0…16. */
const BLOCKS: readonly [number, number, number][] = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

/** Keras's `_make_divisible`: rounds channels to a multiple of `divisor`, never dropping more than 10%. */
export function makeDivisible(value: number, divisor: number, minValue: number = divisor): number {
  let rounded = Math.max(minValue, Math.floor(Math.trunc(value + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * value) rounded += divisor;
  return rounded;
}

/**
 * Keras's `imagenet_utils.correct_pad` for a 3×3 kernel: the zero padding that makes a
 * stride-2 'valid' convolution behave like TensorFlow's 'same' one.
 */
export function correctPad(height: number, width: number, kernel = 3): [[number, number], [number, number]] {
  const correct = Math.floor(kernel / 2);
  const adjustH = 1 - (height % 2);
  const adjustW = 1 - (width % 2);
  return [[correct - adjustH, correct], [correct - adjustW, correct]];
}

/** Spatial size and channels of the tensor flowing through the network, tracked for `correct_pad`. */
interface FeatureMap {
  tensor: TensorRef;
  height: number;
  width: number;
  channels: number;
}

/** `_inverted_res_block` of `keras/src/applications/mobilenet_v2.py`. */
function invertedResBlock(b: GraphBuilder, input: FeatureMap, filters: number, stride: number, expansion: number, blockId: number): FeatureMap {
  const pointwiseFilters = makeDivisible(Math.trunc(filters * ALPHA), 8);
  let x = input.tensor;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = b.layer('Conv2D', { filters: expansion * input.channels, kernel_size: [1, 1], padding: 'same', use_bias: false }, x, `${prefix}expand`);
    x = b.layer('BatchNormalization', BN_PARAMS, x, `${prefix}expand_BN`);
    x = b.layer('ReLU', { max_value: 6 }, x, `${prefix}expand_relu`);
  } else {
    prefix = 'expanded_conv_';
  }
  if (stride === 2) {
    x = b.layer('ZeroPadding2D', { padding: correctPad(input.height, input.width) }, x, `${prefix}pad`);
  }
  x = b.layer('DepthwiseConv2D', {
    kernel_size: [3, 3],
    strides: [stride, stride],
    use_bias: false,
    padding: stride === 1 ? 'same' : 'valid',
  }, x, `${prefix}depthwise`);
  x = b.layer('BatchNormalization', BN_PARAMS, x, `${prefix}depthwise_BN`);
  x = b.layer('ReLU', { max_value: 6 }, x, `${prefix}depthwise_relu`);
  x = b.layer('Conv2D', { filters: pointwiseFilters, kernel_size: [1, 1], padding: 'same', use_bias: false }, x, `${prefix}project`);
  x = b.layer('BatchNormalization', BN_PARAMS, x, `${prefix}project_BN`);
  if (input.channels === pointwiseFilters && stride === 1) {
    x = b.layer('Add', {}, [input.tensor, x], `${prefix}add`);
  }
  // 'same' with stride 1 keeps the size; padding + 'valid' with stride 2 gives ceil(size / 2).
  return { tensor: x, height: Math.ceil(input.height / stride), width: Math.ceil(input.width / stride), channels: pointwiseFilters };
}

/**
 * `expanded_conv_project_BN` closes block 0, `block_{n}_project_BN` or `block_{n}_add` block n,
 * and `out_relu` the last 1×1 convolution `Conv_1`: MobileNetV2 fine-tunes whole blocks.
 */
function mobilenetV2BlockEnd(layerName: string): string | null {
  if (layerName === 'out_relu') return 'Conv_1';
  if (layerName === 'expanded_conv_project_BN') return 'expanded_conv';
  return /^(block_\d+)_(project_BN|add)$/.exec(layerName)?.[1] ?? null;
}

/**
 * MobileNetV2 (alpha 1.0) as `keras.applications.MobileNetV2(include_top, weights=None,
 * input_shape, pooling, classes)`: the same layers, names and arguments as Keras, including
 * ReLU(6.), `correct_pad` before every stride-2 depthwise convolution and the unnamed
 * `global_average_pooling2d`. The model name records the input rows, as Keras's does.
 */
export const mobilenetV2Template = defineTemplate({
  id: 'mobilenetv2',
  title: 'MobileNetV2',
  description: 'Sandler et al. 2018, as keras.applications.MobileNetV2 (alpha 1.0): inverted residual blocks with linear bottlenecks and ReLU6, global average pooling, classifier.',
  defaultInputShape: [224, 224, 3],
  defaultClasses: 1000,
  inputRank: 3,
  application: {
    module: 'mobilenet_v2',
    minSize: 32,
    topLayers: ['predictions'],
    weightsFiles: { top: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5', noTop: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5' },
    blockEnd: mobilenetV2BlockEnd,
  },
  create({ inputShape, classes, includeTop, pooling }) {
    const [rows = 0, cols = 0] = inputShape;
    const b = new GraphBuilder(`mobilenetv2_${ALPHA.toFixed(2)}_${rows}`, this.description);
    const input = b.input(inputShape);
    const firstBlockFilters = makeDivisible(32 * ALPHA, 8);
    let x = b.layer('Conv2D', { filters: firstBlockFilters, kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false }, input, 'Conv1');
    x = b.layer('BatchNormalization', BN_PARAMS, x, 'bn_Conv1');
    x = b.layer('ReLU', { max_value: 6 }, x, 'Conv1_relu');
    let map: FeatureMap = { tensor: x, height: Math.ceil(rows / 2), width: Math.ceil(cols / 2), channels: firstBlockFilters };
    BLOCKS.forEach(([filters, stride, expansion], blockId) => {
      map = invertedResBlock(b, map, filters, stride, expansion, blockId);
    });
    // No alpha on the last convolution unless alpha > 1, as in the paper and Keras.
    const lastBlockFilters = ALPHA > 1 ? makeDivisible(1280 * ALPHA, 8) : 1280;
    x = b.layer('Conv2D', { filters: lastBlockFilters, kernel_size: [1, 1], use_bias: false }, map.tensor, 'Conv_1');
    x = b.layer('BatchNormalization', BN_PARAMS, x, 'Conv_1_bn');
    x = b.layer('ReLU', { max_value: 6 }, x, 'out_relu');
    if (includeTop) {
      x = b.layer('GlobalAveragePooling2D', {}, x);
      b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
    } else {
      applicationPooling(b, x, pooling);
    }
    return b.build('mobilenetv2');
  },
});
