import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../../main/engine/backend';
import { compileGraph } from '../../../../main/engine/compile';
import { expectMatchesAnalysis } from './expectMatchesAnalysis';
import { GraphBuilder, buildTemplate } from '../../../../common/templates';
import { LabError } from '../../../../common/errors';
import { analyzeGraph } from '../../../../common/graph/analysis';
import type { ModelGraph } from '../../../../common/graph/schema';

let tf: Tfjs;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
});

const TEMPLATE_CASES: { id: string; inputShape?: number[] }[] = [
  { id: 'mlp' },
  { id: 'mnist-cnn' },
  { id: 'cifar10-cnn' },
  { id: 'lenet5' },
  { id: 'alexnet', inputShape: [99, 99, 3] },
  { id: 'vgg16', inputShape: [32, 32, 3] },
  { id: 'small-resnet' },
  { id: 'small-inception' },
  { id: 'mobilenetv2', inputShape: [96, 96, 3] },
  { id: 'resnet50' },
];

describe('compileGraph on every template', () => {
  it.each(TEMPLATE_CASES)('$id: tfjs shapes, weights and parameter counts equal the analysis', ({ id, inputShape }) => {
    const graph = buildTemplate(id, inputShape ? { inputShape, classes: 10 } : {});
    const model = compileGraph(graph, tf, { seed: 1 });
    try {
      expectMatchesAnalysis(graph, model);
    } finally {
      model.dispose();
    }
  });
});

/** Input 8x8x4 -> one layer of `type` -> Flatten -> Dense(2). */
function oneLayerGraph(type: string, params: Record<string, unknown>, options: { trainable?: boolean } = {}): ModelGraph {
  const b = new GraphBuilder('one_layer');
  const x = b.layer(type, params, b.input([8, 8, 4], 'image'), 'under_test', options);
  b.layer('Dense', { units: 2 }, b.layer('Flatten', {}, x), 'predictions');
  return b.build();
}

function thrown(fn: () => unknown): LabError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error('Expected a LabError, but nothing was thrown.');
}

describe('compileGraph errors', () => {
  it('refuses a graph the analysis rejects with GRAPH_INVALID naming the layer', () => {
    const error = thrown(() => compileGraph(oneLayerGraph('Conv2D', { filters: 4, kernel_size: [9, 9] }), tf));
    expect(error.code).toBe('GRAPH_INVALID');
    expect(error.details?.nodeName).toBe('under_test');
    expect(error.details?.['issues']).toEqual([expect.objectContaining({ code: 'SHAPE_INVALID_OUTPUT' })]);
  });

  it.each([
    { type: 'Conv2DTranspose', params: { filters: 4, strides: [2, 2], output_padding: [1, 1] }, field: 'output_padding' },
    { type: 'Conv2DTranspose', params: { filters: 4, dilation_rate: [2, 2] }, field: 'dilation_rate' },
  ])('refuses $type with $field that TF.js cannot express: LAYER_UNSUPPORTED', ({ type, params, field }) => {
    const graph = oneLayerGraph(type, params);
    expect(analyzeGraph(graph).valid).toBe(true);
    const error = thrown(() => compileGraph(graph, tf));
    expect(error.code).toBe('LAYER_UNSUPPORTED');
    expect(error.details).toMatchObject({ nodeName: 'under_test', field });
  });
});

describe('compileGraph with groups', () => {
  it('Conv2D with groups: grouped kernel shape, parameter counts, and each group convolves its own channels', () => {
    const graph = oneLayerGraph('Conv2D', { filters: 6, kernel_size: [3, 3], groups: 2 });
    const model = compileGraph(graph, tf, { seed: 2 });
    expectMatchesAnalysis(graph, model);
    const layer = model.getLayer('under_test');
    const [kernel, bias] = layer.getWeights() as [ReturnType<Tfjs['tensor4d']>, ReturnType<Tfjs['tensor1d']>];
    expect(kernel.shape).toEqual([3, 3, 2, 6]);
    const x = tf.randomNormal([1, 8, 8, 4]) as ReturnType<Tfjs['tensor4d']>;
    const [x0, x1] = tf.split(x, 2, 3) as [ReturnType<Tfjs['tensor4d']>, ReturnType<Tfjs['tensor4d']>];
    const [k0, k1] = tf.split(kernel, 2, 3) as [ReturnType<Tfjs['tensor4d']>, ReturnType<Tfjs['tensor4d']>];
    const expected = tf.add(tf.concat([tf.conv2d(x0, k0, 1, 'valid'), tf.conv2d(x1, k1, 1, 'valid')], 3), bias).dataSync();
    const actual = (layer.apply(x) as ReturnType<Tfjs['tensor4d']>).dataSync();
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 4));
    model.dispose();
  });
});

describe('compileGraph with keepdims', () => {
  it.each(['GlobalAveragePooling2D', 'GlobalMaxPooling2D'])('%s keeps the spatial axes when asked, as Keras does', (type) => {
    const graph = oneLayerGraph(type, { keepdims: true });
    const model = compileGraph(graph, tf);
    expectMatchesAnalysis(graph, model);
    expect(model.getLayer('under_test').outputShape).toEqual([null, 1, 1, 4]);
    const output = model.getLayer('under_test').apply(tf.ones([2, 8, 8, 4])) as ReturnType<Tfjs['tensor4d']>;
    expect(output.shape).toEqual([2, 1, 1, 4]);
    model.dispose();
  });
});

describe('compileGraph with dilation', () => {
  it.each([
    { type: 'Conv2D', params: { filters: 3, kernel_size: [3, 3], dilation_rate: [2, 2] } },
    { type: 'DepthwiseConv2D', params: { kernel_size: [3, 3], dilation_rate: [2, 1], depth_multiplier: 2 } },
    { type: 'SeparableConv2D', params: { filters: 3, kernel_size: [3, 3], dilation_rate: [2, 2] } },
  ])('$type with dilation: shapes equal the analysis and the output equals the spread-kernel convolution', ({ type, params }) => {
    const graph = oneLayerGraph(type, params);
    const model = compileGraph(graph, tf, { seed: 3 });
    expectMatchesAnalysis(graph, model);
    const layer = model.getLayer('under_test');
    const x = tf.randomNormal([1, 8, 8, 4]) as ReturnType<Tfjs['tensor4d']>;
    const [dh, dw] = params.dilation_rate as [number, number];
    const kernel = layer.getWeights()[0] as ReturnType<Tfjs['tensor4d']>;
    const output = layer.apply(x) as ReturnType<Tfjs['tensor4d']>;
    // The first output pixel of a valid dilated convolution reads input taps (i*dh, j*dw).
    const taps = tf.stridedSlice(x, [0, 0, 0, 0], [1, 2 * dh + 1, 2 * dw + 1, 4], [1, dh, dw, 1]) as ReturnType<Tfjs['tensor4d']>;
    const undilated = type === 'Conv2D' ? tf.conv2d(taps, kernel, 1, 'valid') : tf.depthwiseConv2d(taps, kernel, 1, 'valid');
    const reference = type === 'SeparableConv2D' ? tf.conv2d(undilated, layer.getWeights()[1] as ReturnType<Tfjs['tensor4d']>, 1, 'valid') : undilated;
    const first = tf.slice(output, [0, 0, 0, 0], [1, 1, 1, output.shape[3]]);
    const expected = Array.from(reference.dataSync());
    expect(first.shape[3]).toBe(expected.length);
    Array.from(first.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 4));
    model.dispose();
  });
});

describe('compileGraph options and flags', () => {
  it('draws the same initial weights for the same seed, and others for another seed', () => {
    const graph = buildTemplate('mnist-cnn');
    const weightsOf = (seed: number): number[] => {
      const model = compileGraph(graph, tf, { seed });
      const values = model.getWeights().flatMap((w) => Array.from(w.dataSync().slice(0, 20)));
      model.dispose();
      return values;
    };
    expect(weightsOf(5)).toEqual(weightsOf(5));
    expect(weightsOf(5)).not.toEqual(weightsOf(6));
  });

  it('freezes layers marked trainable: false, BatchNormalization statistics included', () => {
    const b = new GraphBuilder('frozen');
    let x = b.input([8, 8, 3], 'image');
    x = b.layer('Conv2D', { filters: 4, kernel_size: [3, 3] }, x, 'frozen_conv', { trainable: false });
    x = b.layer('BatchNormalization', {}, x, 'frozen_bn', { trainable: false });
    x = b.layer('SeparableConv2D', { filters: 4, kernel_size: [3, 3] }, x, 'sep');
    b.layer('Dense', { units: 2 }, b.layer('GlobalAveragePooling2D', {}, x), 'predictions');
    const graph = b.build();
    const model = compileGraph(graph, tf);
    expect(model.getLayer('frozen_conv').trainable).toBe(false);
    expect(model.getLayer('sep').trainable).toBe(true);
    expectMatchesAnalysis(graph, model);
    model.dispose();
  });

  it('keeps the input order of merges (Concatenate, Subtract)', () => {
    const b = new GraphBuilder('ordered');
    const image = b.input([4, 4, 2], 'image');
    const wide = b.layer('Conv2D', { filters: 3, kernel_size: [1, 1] }, image, 'wide');
    const concat = b.layer('Concatenate', {}, [image, wide], 'concat');
    const graph = b.build();
    // Store the edges in reverse so only targetIndex carries the order.
    graph.edges.reverse();
    const model = compileGraph(graph, tf);
    const inbound = model.getLayer('concat').inboundNodes[0]?.inboundLayers.map((layer) => layer.name);
    expect(inbound).toEqual(['image', 'wide']);
    expect(model.getLayer('concat').outputShape).toEqual(analyzeGraph(graph).shapes[concat.nodeId]);
    model.dispose();
  });
});
