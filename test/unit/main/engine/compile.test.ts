import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../../main/engine/backend';
import { compileGraph, type TfjsLayersModel } from '../../../../main/engine/compile';
import { buildTemplate } from '../../../../common/templates';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { getLayerSpec, resolveLayerParams } from '../../../../common/catalog';
import type { ModelGraph } from '../../../../common/graph/schema';
import type { Shape } from '../../../../common/graph/shape';

let tf: Tfjs;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
});

/** Checks every layer's output shape, weight names/shapes/order and the parameter totals against the analysis. */
function expectMatchesAnalysis(graph: ModelGraph, model: TfjsLayersModel): void {
  const analysis = analyzeGraph(graph);
  expect(analysis.valid).toBe(true);
  const incoming = (id: string): Shape[] =>
    graph.edges
      .filter((edge) => edge.target === id)
      .sort((a, b) => a.targetIndex - b.targetIndex)
      .map((edge) => analysis.shapes[edge.source] as Shape);
  for (const node of graph.nodes) {
    const layer = model.getLayer(node.name);
    expect(layer.outputShape, `output shape of ${node.name}`).toEqual(analysis.shapes[node.id]);
    if (node.type === 'Input') continue;
    const spec = getLayerSpec(node.type);
    const { params } = resolveLayerParams(spec, node.params);
    const expected = spec.weights(incoming(node.id), params);
    const actual = layer.weights.map((w) => ({ name: w.originalName.split('/').pop(), shape: w.shape, trainable: w.trainable }));
    expect(actual, `weights of ${node.name}`).toEqual(expected.map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable && node.trainable })));
  }
  const sum = (weights: { shape: number[] }[]): number => weights.reduce((total, w) => total + w.shape.reduce((a, b) => a * b, 1), 0);
  expect(model.countParams()).toBe(analysis.totals.total);
  expect(sum(model.trainableWeights)).toBe(analysis.totals.trainable);
  expect(sum(model.nonTrainableWeights)).toBe(analysis.totals.nonTrainable);
}

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
