import { expect } from 'vitest';
import type { TfjsLayersModel } from '../../../../main/engine/compile';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { getLayerSpec, resolveLayerParams } from '../../../../common/catalog';
import type { ModelGraph } from '../../../../common/graph/schema';
import type { Shape } from '../../../../common/graph/shape';

/** Checks every layer's output shape, weight names/shapes/order and the parameter totals against the analysis. */
export function expectMatchesAnalysis(graph: ModelGraph, model: TfjsLayersModel): void {
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
    // A frozen TF.js layer leaves its variables' own flag alone and drops them from trainableWeights.
    const actual = layer.weights.map((w) => ({ name: w.originalName.split('/').pop(), shape: w.shape, trainable: w.trainable && layer.trainable }));
    expect(actual, `weights of ${node.name}`).toEqual(expected.map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable && node.trainable })));
  }
  const sum = (weights: { shape: readonly (number | null)[] }[]): number => weights.reduce((total, w) => total + w.shape.reduce<number>((a, b) => a * (b ?? 0), 1), 0);
  expect(model.countParams()).toBe(analysis.totals.total);
  expect(sum(model.trainableWeights)).toBe(analysis.totals.trainable);
  expect(sum(model.nonTrainableWeights)).toBe(analysis.totals.nonTrainable);
}
