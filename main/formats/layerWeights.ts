import type * as tfjs from '@tensorflow/tfjs';
import { LabError, received } from '../../common/errors';
import type { ModelGraph, GraphNode } from '../../common/graph/schema';
import type { Shape } from '../../common/graph/shape';
import { analyzeGraph } from '../../common/graph/analysis';
import { getLayerSpec, resolveLayerParams } from '../../common/catalog';
import type { Tfjs } from '../engine/backend';

/** One weight variable's values, named as Keras names it (`kernel`, `moving_mean`). */
export interface WeightArray {
  name: string;
  shape: number[];
  /** Row-major float32 values (Keras and TF.js share the layout: HWIO kernels, [in, out] dense). */
  data: Float32Array;
}

/** The weights of one layer in Keras order, as every exporter writes them. */
export interface LayerWeights {
  /** Layer name (equal to the graph node's name). */
  layer: string;
  /** Catalog type of the layer. */
  type: string;
  weights: WeightArray[];
}

/** Input shapes of each node, in input order, from the analysis. */
export function nodeInputShapes(graph: ModelGraph): Map<string, Shape[]> {
  const analysis = analyzeGraph(graph);
  const result = new Map<string, Shape[]>();
  for (const node of graph.nodes) {
    const shapes = graph.edges
      .filter((edge) => edge.target === node.id)
      .sort((a, b) => a.targetIndex - b.targetIndex)
      .map((edge) => analysis.shapes[edge.source] as Shape);
    result.set(node.id, shapes);
  }
  return result;
}

/** Nodes in topological order (Keras writes layers in this order). */
export function orderedNodes(graph: ModelGraph): GraphNode[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  return analyzeGraph(graph).order.map((id) => byId.get(id) as GraphNode);
}

/**
 * Reads every layer's weights out of a compiled model, named by the catalog's weight list
 * (so exporters never depend on TF.js variable naming).
 *
 * @param graph the graph the model was compiled from (layer names = node names)
 * @param model the model holding the values
 * @returns one entry per non-Input layer, in topological order (weightless layers included)
 */
export function readLayerWeights(graph: ModelGraph, model: tfjs.LayersModel): LayerWeights[] {
  const inputShapes = nodeInputShapes(graph);
  return orderedNodes(graph)
    .filter((node) => node.type !== 'Input')
    .map((node) => {
      const spec = getLayerSpec(node.type);
      const { params } = resolveLayerParams(spec, node.params);
      const specs = spec.weights(inputShapes.get(node.id) ?? [], params);
      const values = model.getLayer(node.name).getWeights();
      if (values.length !== specs.length) {
        throw new LabError('INTERNAL', `Expected ${specs.length} weights in layer "${node.name}". ${received('weights', values.length)}`, { nodeName: node.name });
      }
      const weights = specs.map((weight, index) => {
        const tensor = values[index] as tfjs.Tensor;
        return { name: weight.name, shape: [...tensor.shape], data: Float32Array.from(tensor.dataSync()) };
      });
      return { layer: node.name, type: node.type, weights };
    });
}

/**
 * Writes weights into a compiled model by layer name and position, checking shapes.
 *
 * @throws LabError `IO_BAD_FORMAT` naming the layer when a layer is missing from the
 *   file, has a different number of weights, or a weight's shape differs.
 */
export function writeLayerWeights(model: tfjs.LayersModel, layers: readonly LayerWeights[], tf: Tfjs): void {
  const byName = new Map(layers.map((entry) => [entry.layer, entry]));
  for (const layer of model.layers) {
    const expected = layer.getWeights();
    if (expected.length === 0) continue;
    const entry = byName.get(layer.name);
    if (entry === undefined) {
      throw new LabError('IO_BAD_FORMAT', `Expected weights for layer "${layer.name}" in the file. ${received('layers', [...byName.keys()])}`, { nodeName: layer.name });
    }
    if (entry.weights.length !== expected.length) {
      throw new LabError('IO_BAD_FORMAT', `Expected ${expected.length} weights for layer "${layer.name}". ${received('weights', entry.weights.map((w) => w.name))}`, { nodeName: layer.name });
    }
    const tensors = entry.weights.map((weight, index) => {
      const shape = (expected[index] as tfjs.Tensor).shape;
      if (!tf.util.arraysEqual(shape, weight.shape)) {
        throw new LabError('IO_BAD_FORMAT', `Expected weight "${weight.name}" of layer "${layer.name}" to have shape [${shape.join(', ')}]. ${received('shape', weight.shape)}`, { nodeName: layer.name, field: weight.name });
      }
      return tf.tensor(weight.data, weight.shape, 'float32');
    });
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}
