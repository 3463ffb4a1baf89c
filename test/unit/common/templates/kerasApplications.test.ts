import { describe, expect, it } from 'vitest';
import { TEMPLATES, buildTemplate, getTemplate } from '../../../../common/templates';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { kerasModelLayout } from '../../../../common/graph/kerasOrder';
import type { ModelGraph } from '../../../../common/graph/schema';
import { thrownCode } from './thrownCode';

/**
 * The Keras Applications templates with Keras's `include_top`, `pooling` and `input_shape`.
 * Totals are the figures Keras prints for `keras.applications.X(weights=None, ...)`.
 */

function names(graph: ModelGraph): string[] {
  return graph.nodes.map((node) => node.name);
}

function outputShape(graph: ModelGraph): unknown {
  const analysis = analyzeGraph(graph);
  return analysis.outputs.map((id) => analysis.shapes[id]);
}

interface Published {
  id: string;
  includeTop: boolean;
  total: number;
  nonTrainable: number;
  /** `len(model.layers)`, the Input included. */
  layers: number;
  /** Output shape at the default input. */
  output: (number | null)[];
}

const PUBLISHED: Published[] = [
  { id: 'inceptionv3', includeTop: true, total: 23_851_784, nonTrainable: 34_432, layers: 313, output: [null, 1000] },
  { id: 'inceptionv3', includeTop: false, total: 21_802_784, nonTrainable: 34_432, layers: 311, output: [null, 8, 8, 2048] },
  { id: 'vgg16', includeTop: false, total: 14_714_688, nonTrainable: 0, layers: 19, output: [null, 7, 7, 512] },
  { id: 'vgg19', includeTop: true, total: 143_667_240, nonTrainable: 0, layers: 26, output: [null, 1000] },
  { id: 'vgg19', includeTop: false, total: 20_024_384, nonTrainable: 0, layers: 22, output: [null, 7, 7, 512] },
  { id: 'resnet50', includeTop: false, total: 23_587_712, nonTrainable: 53_120, layers: 175, output: [null, 7, 7, 2048] },
  { id: 'mobilenetv2', includeTop: false, total: 2_257_984, nonTrainable: 34_112, layers: 154, output: [null, 7, 7, 1280] },
];

describe('Keras Applications templates: published parameter counts', () => {
  it.each(PUBLISHED)('$id include_top=$includeTop', ({ id, includeTop, total, nonTrainable, layers, output }) => {
    const graph = buildTemplate(id, { includeTop });
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.totals).toEqual({ total, trainable: total - nonTrainable, nonTrainable });
    expect(graph.nodes).toHaveLength(layers);
    expect(outputShape(graph)).toEqual([output]);
  });

  it('the base without top is the same at any input size (convolutions only)', () => {
    const small = analyzeGraph(buildTemplate('vgg16', { includeTop: false, inputShape: [32, 32, 3] }));
    expect(small.totals.total).toBe(14_714_688);
    const inception = buildTemplate('inceptionv3', { includeTop: false, inputShape: [75, 75, 3] });
    expect(analyzeGraph(inception).totals.total).toBe(21_802_784);
    expect(outputShape(inception)).toEqual([[null, 1, 1, 2048]]);
  });
});

describe('Keras Applications templates: pooling', () => {
  it.each([
    ['vgg16', 'avg', 'global_average_pooling2d', 512],
    ['vgg19', 'max', 'global_max_pooling2d', 512],
    ['resnet50', 'avg', 'avg_pool', 2048],
    ['resnet50', 'max', 'max_pool', 2048],
    ['inceptionv3', 'avg', 'global_average_pooling2d', 2048],
    ['mobilenetv2', 'max', 'global_max_pooling2d', 1280],
  ] as const)('%s pooling=%s ends in %s', (id, pooling, last, channels) => {
    const graph = buildTemplate(id, { includeTop: false, pooling });
    expect(names(graph).at(-1)).toBe(last);
    expect(outputShape(graph)).toEqual([[null, channels]]);
    expect(graph.metadata['application']).toEqual({ includeTop: false, pooling });
  });

  it('refuses pooling with the top, and include_top or pooling on a template Keras builds without them', () => {
    expect(thrownCode(() => buildTemplate('vgg16', { pooling: 'avg' }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('lenet5', { includeTop: false }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('mnist-cnn', { pooling: 'max' }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('lenet5', { includeTop: true }))).toBeUndefined();
  });
});

describe('Keras Applications templates: input_shape', () => {
  it('InceptionV3 needs at least 75x75, the others 32x32, as obtain_input_shape checks', () => {
    expect(thrownCode(() => buildTemplate('inceptionv3', { includeTop: false, inputShape: [74, 75, 3] }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('inceptionv3', { includeTop: false, inputShape: [75, 75, 3] }))).toBeUndefined();
    expect(thrownCode(() => buildTemplate('vgg16', { includeTop: false, inputShape: [31, 32, 3] }))).toBe('TEMPLATE_BAD_OPTIONS');
    expect(thrownCode(() => buildTemplate('resnet50', { inputShape: [32, 32, 3], classes: 2 }))).toBeUndefined();
    expect(() => buildTemplate('inceptionv3', { inputShape: [32, 32, 3] })).toThrow(/at least 75x75/);
  });

  it('keeps the top at other sizes without weights, as Keras does with weights=None (Flatten follows the size)', () => {
    const analysis = analyzeGraph(buildTemplate('vgg16', { inputShape: [64, 64, 3], classes: 2 }));
    // 64 -> 2 after five poolings: fc1 takes 2*2*512.
    expect(analysis.totals.total).toBe(14_714_688 + (2 * 2 * 512 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 2 + 2));
  });
});

describe('Keras Applications templates: names and preprocessing', () => {
  it('VGG19 follows keras/src/applications/vgg19.py', () => {
    const graph = buildTemplate('vgg19');
    expect(graph.name).toBe('vgg19');
    expect(names(graph).filter((name) => name.startsWith('block5'))).toEqual(['block5_conv1', 'block5_conv2', 'block5_conv3', 'block5_conv4', 'block5_pool']);
    expect(names(graph).slice(-4)).toEqual(['flatten', 'fc1', 'fc2', 'predictions']);
  });

  it('InceptionV3 names its layers as Keras numbers them and its BatchNormalizations have no scale', () => {
    const graph = buildTemplate('inceptionv3');
    expect(graph.name).toBe('inception_v3');
    const all = names(graph);
    expect(all.slice(0, 8)).toEqual(['input_1', 'conv2d', 'batch_normalization', 'activation', 'conv2d_1', 'batch_normalization_1', 'activation_1', 'conv2d_2']);
    expect(all.filter((name) => /^conv2d(_\d+)?$/.test(name))).toHaveLength(94);
    expect(all.filter((name) => name.startsWith('mixed'))).toEqual(['mixed0', 'mixed1', 'mixed2', 'mixed3', 'mixed4', 'mixed5', 'mixed6', 'mixed7', 'mixed8', 'mixed9_0', 'mixed9', 'mixed9_1', 'mixed10']);
    expect(all.slice(-2)).toEqual(['avg_pool', 'predictions']);
    const batchNorms = graph.nodes.filter((node) => node.type === 'BatchNormalization');
    expect(batchNorms.every((node) => node.params['scale'] === false && node.params['axis'] === 3)).toBe(true);
    expect(graph.nodes.filter((node) => node.type === 'Conv2D').every((node) => node.params['use_bias'] === false)).toBe(true);
  });

  it("InceptionV3's Keras layer order matches a real Keras file's (model.layers[278:311] without top)", () => {
    // From a published listing of InceptionV3(include_top=False).layers made with Keras 2.0,
    // which numbered automatic names from 1 (conv2d_94); Keras today numbers from none (conv2d_93).
    const keras20 = [
      'activation_85', 'mixed9', 'conv2d_90', 'batch_normalization_90', 'activation_90', 'conv2d_87', 'conv2d_91',
      'batch_normalization_87', 'batch_normalization_91', 'activation_87', 'activation_91', 'conv2d_88', 'conv2d_89',
      'conv2d_92', 'conv2d_93', 'average_pooling2d_9', 'conv2d_86', 'batch_normalization_88', 'batch_normalization_89',
      'batch_normalization_92', 'batch_normalization_93', 'conv2d_94', 'batch_normalization_86', 'activation_88',
      'activation_89', 'activation_92', 'activation_93', 'batch_normalization_94', 'activation_86', 'mixed9_1',
      'concatenate_2', 'activation_94', 'mixed10',
    ];
    const renumbered = keras20.map((name) => name.replace(/^([a-z_0-9]+?)_(\d+)$/, (whole, base: string, n: string) => (/^mixed/.test(whole) ? whole : Number(n) === 1 ? base : `${base}_${Number(n) - 1}`)));
    const graph = buildTemplate('inceptionv3', { includeTop: false });
    const byId = new Map(graph.nodes.map((node) => [node.id, node.name]));
    const order = kerasModelLayout(graph).order.map((id) => byId.get(id));
    expect(order).toHaveLength(311);
    expect(order.slice(278)).toEqual(renumbered);
    // "Train the top 2 inception blocks": the Keras guide freezes model.layers[:249], which ends at mixed8.
    expect(order[248]).toBe('mixed8');
  });

  it.each([
    ['vgg16', 'vgg16', 'caffe'],
    ['vgg19', 'vgg19', 'caffe'],
    ['resnet50', 'resnet50', 'caffe'],
    ['inceptionv3', 'inception_v3', 'tf'],
    ['mobilenetv2', 'mobilenet_v2', 'tf'],
  ] as const)('%s records %s.preprocess_input (%s) in its metadata', (id, module, mode) => {
    expect(buildTemplate(id, { includeTop: false }).metadata['inputPreprocessing']).toEqual({ module, mode });
    expect(getTemplate(id).application?.module).toBe(module);
  });

  it('only the Keras Applications carry an application description and preprocessing', () => {
    const applications = TEMPLATES.filter((template) => template.application).map((template) => template.id);
    expect(applications).toEqual(['vgg16', 'vgg19', 'resnet50', 'mobilenetv2', 'inceptionv3']);
    expect(buildTemplate('lenet5').metadata['inputPreprocessing']).toBeUndefined();
  });
});
