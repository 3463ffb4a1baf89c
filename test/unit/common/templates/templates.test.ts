import { describe, expect, it } from 'vitest';
import { TEMPLATES, buildTemplate, getTemplate } from '../../../../common/templates';
import { correctPad, makeDivisible } from '../../../../common/templates/mobilenetV2';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { modelGraphSchema, type ModelGraph } from '../../../../common/graph/schema';
import { thrownCode } from './thrownCode';

// Parameter arithmetic of the layers the templates use, so expected totals below are
// written from the layer math rather than copied from the code under test.
/** Conv2D: kh * kw * in * out weights, plus one bias per filter. */
const conv = (k: number, cin: number, cout: number, bias = true): number => k * k * cin * cout + (bias ? cout : 0);
/** Dense: in * out weights plus out biases. */
const dense = (cin: number, cout: number): number => cin * cout + cout;
/** BatchNormalization: gamma and beta (trainable), moving mean and variance (non-trainable) per channel. */
const bn = (c: number): number => 4 * c;

interface Expected {
  id: string;
  options?: { inputShape?: number[]; classes?: number };
  total: number;
  nonTrainable?: number;
  /** Layers including the Input, as Keras's `len(model.layers)`. */
  layers?: number;
}

/** Channels of all small-resnet BatchNormalizations (non-trainable = 2 per channel). */
const smallResnetBnChannels = 16 /* stem */ + 2 * 2 * 16 /* stage 1 */ + (3 + 2) * 32 /* stage 2 */ + (3 + 2) * 64; /* stage 3 */
/** small-resnet without stem and head: three stages of two basic blocks (bias-free convs). */
const smallResnetBody =
  2 * (conv(3, 16, 16, false) * 2) + // stage 1: identity blocks
  (conv(1, 16, 32, false) + conv(3, 16, 32, false) + conv(3, 32, 32, false)) + conv(3, 32, 32, false) * 2 + // stage 2
  (conv(1, 32, 64, false) + conv(3, 32, 64, false) + conv(3, 64, 64, false)) + conv(3, 64, 64, false) * 2 + // stage 3
  bn(smallResnetBnChannels - 16); // every BatchNormalization but the stem's
/** small-inception's two modules: towers 1x1, 1x1->3x3, 1x1->5x5, pool->1x1. */
const inceptionModules =
  conv(1, 32, 16) + conv(1, 32, 16) + conv(3, 16, 32) + conv(1, 32, 8) + conv(5, 8, 16) + conv(1, 32, 16) + // mixed1: 32 -> 80 channels
  conv(1, 80, 32) + conv(1, 80, 32) + conv(3, 32, 48) + conv(1, 80, 8) + conv(5, 8, 24) + conv(1, 80, 24); // mixed2: 80 -> 128
/** VGG16's 13 convolutions. */
const vggConvs =
  conv(3, 3, 64) + conv(3, 64, 64) + conv(3, 64, 128) + conv(3, 128, 128) +
  conv(3, 128, 256) + 2 * conv(3, 256, 256) + conv(3, 256, 512) + 2 * conv(3, 512, 512) + 3 * conv(3, 512, 512);

const EXPECTED: Expected[] = [
  // Flatten 784 -> 256 -> 128 -> 10.
  { id: 'mlp', total: dense(784, 256) + dense(256, 128) + dense(128, 10), layers: 5 },
  // 28 -conv3-> 26 -pool-> 13 -conv3-> 11 -pool-> 5: Flatten 5*5*64 = 1600.
  { id: 'mnist-cnn', total: conv(3, 1, 32) + conv(3, 32, 64) + dense(5 * 5 * 64, 64) + dense(64, 10), layers: 8 },
  // 32 same -> 32 -conv3-> 30 -pool-> 15 same -> 15 -conv3-> 13 -pool-> 6: Flatten 6*6*64 = 2304.
  { id: 'cifar10-cnn', total: conv(3, 3, 32) + conv(3, 32, 32) + conv(3, 32, 64) + conv(3, 64, 64) + dense(2304, 512) + dense(512, 10), layers: 13 },
  // 32 -c1-> 28 -s2-> 14 -c3-> 10 -s4-> 5: Flatten 5*5*16 = 400.
  { id: 'lenet5', total: conv(5, 1, 6) + conv(5, 6, 16) + dense(400, 120) + dense(120, 84) + dense(84, 10), layers: 9 },
  // 28 -c1-> 24 -s2-> 12 -c3-> 8 -s4-> 4: Flatten 4*4*16 = 256.
  { id: 'lenet5', options: { inputShape: [28, 28, 1] }, total: conv(5, 1, 6) + conv(5, 6, 16) + dense(256, 120) + dense(120, 84) + dense(84, 10) },
  // 227 -11/4-> 55 -pool-> 27 -same-> 27 -pool-> 13 -same x3-> 13 -pool-> 6: Flatten 6*6*256 = 9216.
  {
    id: 'alexnet',
    total: conv(11, 3, 96) + conv(5, 96, 256) + conv(3, 256, 384) + conv(3, 384, 384) + conv(3, 384, 256) + dense(9216, 4096) + dense(4096, 4096) + dense(4096, 1000),
    layers: 15,
  },
  // Published Keras figure for VGG16 with top: 138,357,544 (= 14,714,688 conv + 7*7*512 -> 4096 -> 4096 -> 1000).
  { id: 'vgg16', total: 138_357_544, layers: 23 },
  { id: 'vgg16', options: { inputShape: [224, 224, 3] }, total: vggConvs + dense(7 * 7 * 512, 4096) + dense(4096, 4096) + dense(4096, 1000) },
  // 64 -> five halvings -> 2: Flatten 2*2*512 = 2048.
  { id: 'vgg16', options: { inputShape: [64, 64, 3], classes: 10 }, total: vggConvs + dense(2 * 2 * 512, 4096) + dense(4096, 4096) + dense(4096, 10) },
  {
    id: 'small-resnet',
    total: conv(3, 3, 16, false) + bn(16) + smallResnetBody + dense(64, 10),
    nonTrainable: 2 * smallResnetBnChannels,
  },
  {
    id: 'small-resnet',
    options: { inputShape: [64, 64, 1], classes: 5 },
    total: conv(3, 1, 16, false) + bn(16) + smallResnetBody + dense(64, 5),
    nonTrainable: 2 * smallResnetBnChannels,
  },
  { id: 'small-inception', total: conv(3, 3, 32) + inceptionModules + dense(128, 10), layers: 22 },
  { id: 'small-inception', options: { inputShape: [64, 64, 1], classes: 100 }, total: conv(3, 1, 32) + inceptionModules + dense(128, 100) },
  // Published Keras figures for keras.applications.ResNet50(weights=None).
  { id: 'resnet50', total: 25_636_712, nonTrainable: 53_120, layers: 177 },
  // Same network with a 10-class head: the head is 2048 -> classes.
  { id: 'resnet50', options: { inputShape: [128, 128, 3], classes: 10 }, total: 25_636_712 - dense(2048, 1000) + dense(2048, 10), nonTrainable: 53_120 },
  // Published Keras figures for keras.applications.MobileNetV2(alpha=1.0, weights=None) at 224.
  { id: 'mobilenetv2', total: 3_538_984, nonTrainable: 34_112, layers: 156 },
  { id: 'mobilenetv2', options: { inputShape: [96, 96, 3], classes: 5 }, total: 3_538_984 - dense(1280, 1000) + dense(1280, 5), nonTrainable: 34_112 },
  { id: 'mobilenetv2', options: { inputShape: [75, 75, 3] }, total: 3_538_984, nonTrainable: 34_112 },
];

function layerNames(graph: ModelGraph): string[] {
  return graph.nodes.map((n) => n.name);
}

function nodeNamed(graph: ModelGraph, name: string) {
  const node = graph.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no layer ${name} in ${graph.name}`);
  return node;
}

describe('templates: parameter counts and validity', () => {
  it.each(EXPECTED)('$id $options', ({ id, options, total, nonTrainable = 0, layers }) => {
    const graph = buildTemplate(id, options);
    const analysis = analyzeGraph(graph);
    expect(analysis.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals).toEqual({ total, trainable: total - nonTrainable, nonTrainable });
    if (layers !== undefined) expect(graph.nodes).toHaveLength(layers);
    const outputs = analysis.outputs.map((outputId) => analysis.shapes[outputId]);
    expect(outputs).toEqual([[null, options?.classes ?? getTemplate(id).defaultClasses]]);
  });

  it('publishes the ResNet50 and MobileNetV2 trainable splits Keras prints', () => {
    expect(analyzeGraph(buildTemplate('resnet50')).totals.trainable).toBe(25_583_592);
    expect(analyzeGraph(buildTemplate('mobilenetv2')).totals.trainable).toBe(3_504_872);
  });

  it.each(TEMPLATES.map((t) => [t.id]))('%s is a schema-valid graph with readable, distinct positions', (id) => {
    const graph = buildTemplate(id);
    expect(modelGraphSchema.parse(graph)).toEqual(graph);
    expect(graph.metadata['template']).toBe(id);
    const positions = new Set(graph.nodes.map((n) => `${n.position.x},${n.position.y}`));
    expect(positions.size).toBe(graph.nodes.length);
    // Top to bottom: every edge points downwards.
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const edge of graph.edges) {
      expect(byId.get(edge.target)?.position.y).toBeGreaterThan(byId.get(edge.source)?.position.y ?? Infinity);
    }
  });

  it('reports a too-small input as a shape problem, not a crash', () => {
    const analysis = analyzeGraph(buildTemplate('alexnet', { inputShape: [32, 32, 3] }));
    expect(analysis.valid).toBe(false);
    expect(analysis.problems.some((p) => p.code === 'SHAPE_INVALID_OUTPUT')).toBe(true);
  });
});

describe('templates: Keras applications layer names and arguments', () => {
  it('ResNet50 follows keras/src/applications/resnet.py', () => {
    const graph = buildTemplate('resnet50');
    const names = layerNames(graph);
    expect(graph.name).toBe('resnet50');
    expect(names.slice(1, 16)).toEqual([
      'conv1_pad', 'conv1_conv', 'conv1_bn', 'conv1_relu', 'pool1_pad', 'pool1_pool',
      'conv2_block1_0_conv', 'conv2_block1_0_bn', 'conv2_block1_1_conv', 'conv2_block1_1_bn', 'conv2_block1_1_relu',
      'conv2_block1_2_conv', 'conv2_block1_2_bn', 'conv2_block1_2_relu', 'conv2_block1_3_conv',
    ]);
    expect(names.slice(-4)).toEqual(['conv5_block3_add', 'conv5_block3_out', 'avg_pool', 'predictions']);
    // Projection shortcuts only in the first block of each stack.
    expect(names.filter((n) => n.endsWith('_0_conv'))).toEqual(['conv2_block1_0_conv', 'conv3_block1_0_conv', 'conv4_block1_0_conv', 'conv5_block1_0_conv']);
    expect(names.filter((n) => n.endsWith('_add'))).toHaveLength(3 + 4 + 6 + 3);
    expect(nodeNamed(graph, 'conv1_pad').params).toEqual({ padding: [[3, 3], [3, 3]] });
    expect(nodeNamed(graph, 'conv3_block1_1_conv').params).toMatchObject({ filters: 128, kernel_size: [1, 1], strides: [2, 2] });
    expect(nodeNamed(graph, 'conv3_block1_0_conv').params).toMatchObject({ filters: 512, strides: [2, 2] });
    const batchNorms = graph.nodes.filter((n) => n.type === 'BatchNormalization');
    expect(batchNorms).toHaveLength(53);
    expect(batchNorms.every((n) => n.params['epsilon'] === 1.001e-5)).toBe(true);
    expect(nodeNamed(graph, 'predictions').params).toEqual({ units: 1000, activation: 'softmax' });
    // The Add takes the shortcut first, as `layers.Add()([shortcut, x])`.
    const add = nodeNamed(graph, 'conv2_block1_add');
    const sources = graph.edges.filter((e) => e.target === add.id).sort((a, b) => a.targetIndex - b.targetIndex).map((e) => graph.nodes.find((n) => n.id === e.source)?.name);
    expect(sources).toEqual(['conv2_block1_0_bn', 'conv2_block1_3_bn']);
  });

  it('VGG16 follows keras/src/applications/vgg16.py', () => {
    const graph = buildTemplate('vgg16');
    expect(graph.name).toBe('vgg16');
    expect(layerNames(graph).slice(1)).toEqual([
      'block1_conv1', 'block1_conv2', 'block1_pool',
      'block2_conv1', 'block2_conv2', 'block2_pool',
      'block3_conv1', 'block3_conv2', 'block3_conv3', 'block3_pool',
      'block4_conv1', 'block4_conv2', 'block4_conv3', 'block4_pool',
      'block5_conv1', 'block5_conv2', 'block5_conv3', 'block5_pool',
      'flatten', 'fc1', 'fc2', 'predictions',
    ]);
  });

  it('MobileNetV2 follows keras/src/applications/mobilenet_v2.py', () => {
    const graph = buildTemplate('mobilenetv2');
    const names = layerNames(graph);
    expect(graph.name).toBe('mobilenetv2_1.00_224');
    expect(names.slice(1, 12)).toEqual([
      'Conv1', 'bn_Conv1', 'Conv1_relu',
      'expanded_conv_depthwise', 'expanded_conv_depthwise_BN', 'expanded_conv_depthwise_relu',
      'expanded_conv_project', 'expanded_conv_project_BN',
      'block_1_expand', 'block_1_expand_BN', 'block_1_expand_relu',
    ]);
    expect(names.slice(12, 16)).toEqual(['block_1_pad', 'block_1_depthwise', 'block_1_depthwise_BN', 'block_1_depthwise_relu']);
    expect(names.slice(-6)).toEqual(['block_16_project_BN', 'Conv_1', 'Conv_1_bn', 'out_relu', 'global_average_pooling2d', 'predictions']);
    expect(names.filter((n) => n.endsWith('_pad'))).toEqual(['block_1_pad', 'block_3_pad', 'block_6_pad', 'block_13_pad']);
    expect(names.filter((n) => n.endsWith('_add'))).toEqual([
      'block_2_add', 'block_4_add', 'block_5_add', 'block_7_add', 'block_8_add', 'block_9_add',
      'block_11_add', 'block_12_add', 'block_14_add', 'block_15_add',
    ]);
    const relus = graph.nodes.filter((n) => n.type === 'ReLU');
    expect(relus.length).toBe(35);
    expect(relus.every((n) => n.params['max_value'] === 6)).toBe(true);
    // 224 -Conv1-> 112: an even size pads one row and column after, none before.
    expect(nodeNamed(graph, 'block_1_pad').params).toEqual({ padding: [[0, 1], [0, 1]] });
    expect(nodeNamed(graph, 'block_1_depthwise').params).toMatchObject({ strides: [2, 2], padding: 'valid', use_bias: false });
    expect(nodeNamed(graph, 'block_1_expand').params).toMatchObject({ filters: 96, use_bias: false });
    expect(nodeNamed(graph, 'bn_Conv1').params).toEqual({ epsilon: 1e-3, momentum: 0.999 });
  });

  it('MobileNetV2 pads odd sizes on both sides (correct_pad) and keeps the Keras shapes', () => {
    const graph = buildTemplate('mobilenetv2', { inputShape: [75, 75, 3] });
    // 75 -Conv1-> 38 -block1-> 19 -block3-> 10 -block6-> 5 -block13-> 3.
    expect(nodeNamed(graph, 'block_3_pad').params).toEqual({ padding: [[1, 1], [1, 1]] });
    expect(nodeNamed(graph, 'block_13_pad').params).toEqual({ padding: [[1, 1], [1, 1]] });
    expect(nodeNamed(graph, 'block_6_pad').params).toEqual({ padding: [[0, 1], [0, 1]] });
    const analysis = analyzeGraph(graph);
    expect(analysis.shapes[nodeNamed(graph, 'out_relu').id]).toEqual([null, 3, 3, 1280]);
    expect(graph.name).toBe('mobilenetv2_1.00_75');
  });

  it('correct_pad and _make_divisible match Keras', () => {
    expect(correctPad(112, 112)).toEqual([[0, 1], [0, 1]]);
    expect(correctPad(7, 8)).toEqual([[1, 1], [0, 1]]);
    expect(makeDivisible(32, 8)).toBe(32);
    expect(makeDivisible(16 * 0.35, 8)).toBe(8);
    // 0.75 * 24 = 18 rounds to 16, but 16 < 0.9 * 18 = 16.2, so it goes up one step.
    expect(makeDivisible(18, 8)).toBe(24);
    // 17.5 rounds to 16, and 16 >= 0.9 * 17.5 = 15.75, so it stays.
    expect(makeDivisible(17.5, 8)).toBe(16);
    // 0.35 * 1280 = 448 is already a multiple.
    expect(makeDivisible(1280 * 0.35, 8)).toBe(448);
    // 11 rounds down to 8, more than 10% less, so it goes up one step.
    expect(makeDivisible(11, 8)).toBe(16);
  });
});

describe('template lookup', () => {
  it('lists every template once with its defaults', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual([
      'mlp', 'mnist-cnn', 'cifar10-cnn', 'lenet5', 'alexnet', 'vgg16', 'vgg19', 'small-resnet', 'small-inception', 'resnet50', 'mobilenetv2', 'inceptionv3',
    ]);
    expect(getTemplate('inceptionv3').defaultInputShape).toEqual([299, 299, 3]);
    for (const id of ['resnet50', 'vgg16', 'vgg19', 'mobilenetv2']) {
      expect(getTemplate(id).defaultInputShape).toEqual([224, 224, 3]);
      expect(getTemplate(id).defaultClasses).toBe(1000);
    }
  });

  it('mnist-cnn is exactly Conv32-Pool-Conv64-Pool-Flatten-Dense64-Dense10', () => {
    const graph = buildTemplate('mnist-cnn');
    expect(graph.nodes.map((n) => [n.type, n.params])).toEqual([
      ['Input', { shape: [28, 28, 1] }],
      ['Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Flatten', {}],
      ['Dense', { units: 64, activation: 'relu' }],
      ['Dense', { units: 10, activation: 'softmax' }],
    ]);
  });

  it('rejects an unknown id with TEMPLATE_NOT_FOUND', () => {
    expect(thrownCode(() => getTemplate('resnet51'))).toBe('TEMPLATE_NOT_FOUND');
    expect(thrownCode(() => buildTemplate('nope'))).toBe('TEMPLATE_NOT_FOUND');
  });

  it('rejects malformed options with TEMPLATE_BAD_OPTIONS', () => {
    expect(thrownCode(() => buildTemplate('mnist-cnn', { inputShape: [28, 28] }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('mnist-cnn', { inputShape: [28, 0, 1] }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('mnist-cnn', { classes: 0 }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('mnist-cnn', { classes: 2.5 }))).toBe('TEMPLATE_BAD_OPTIONS');
  });
});
