import type { ModelGraph, GraphNode } from '../../../common/graph/schema';
import type { Shape } from '../../../common/graph/shape';
import { analyzeGraph } from '../../../common/graph/analysis';
import { getLayerSpec, resolveLayerParams } from '../../../common/catalog';
import { kerasLayerOrder } from './kerasLayerOrder';

/** Which Keras writes the config: tf.keras 2.x (`.h5`) or Keras 3 (`.keras`). */
export type KerasFlavor = 'keras2' | 'keras3';

/** The Keras class name a node is saved as (`Input` is saved as `InputLayer`). */
export function kerasClassOf(node: GraphNode): string {
  const spec = getLayerSpec(node.type);
  return spec.kerasClassName ?? spec.type;
}

/** A layer's `get_config()` dict with its name and frozen flag. */
function layerConfig(node: GraphNode, flavor: KerasFlavor): Record<string, unknown> {
  const spec = getLayerSpec(node.type);
  const { params } = resolveLayerParams(spec, node.params);
  const config: Record<string, unknown> = { name: node.name, ...spec.kerasConfig(params) };
  if (node.type === 'Input') {
    if (flavor === 'keras3') {
      // Keras 3's InputLayer names its full shape `batch_shape`.
      config['batch_shape'] = config['batch_input_shape'];
      delete config['batch_input_shape'];
      delete config['ragged'];
    }
    return config;
  }
  config['trainable'] = node.trainable;
  if (flavor === 'keras3' && node.type === 'LeakyReLU' && 'alpha' in config) {
    // Keras 3 names the slope negative_slope and only warns about the tf.keras 2 `alpha`.
    config['negative_slope'] = config['alpha'];
    delete config['alpha'];
  }
  return config;
}

/** Inputs of a node in position order, as node names. */
function inboundNames(graph: ModelGraph, node: GraphNode): string[] {
  const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
  return graph.edges
    .filter((edge) => edge.target === node.id)
    .sort((a, b) => a.targetIndex - b.targetIndex)
    .map((edge) => names.get(edge.source) as string);
}

/** Keras 3 serialises a call argument as a symbolic `__keras_tensor__` with its history. */
function keras3Tensor(source: string, shape: Shape): Record<string, unknown> {
  return { class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [source, 0, 0] } };
}

/**
 * The `model_config` / `config.json` dict of a functional Keras model for a graph: every
 * layer with its class, `get_config()` and inbound nodes, in topological order.
 *
 * @param graph a valid model graph
 * @param flavor `keras2` writes tf.keras 2.x inbound nodes (`[[name, 0, 0, {}]]`);
 *   `keras3` writes Keras 3's `{args, kwargs}` form, module names and `registered_name`.
 */
export function kerasModelConfig(graph: ModelGraph, flavor: KerasFlavor): Record<string, unknown> {
  const analysis = analyzeGraph(graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const shapeOf = new Map(graph.nodes.map((node) => [node.name, (analysis.shapes[node.id] ?? []) as Shape]));
  const layers = kerasLayerOrder(graph).map((node) => {
    const sources = inboundNames(graph, node);
    const className = kerasClassOf(node);
    const config = layerConfig(node, flavor);
    if (flavor === 'keras2') {
      return { class_name: className, config, name: node.name, inbound_nodes: sources.length === 0 ? [] : [sources.map((source) => [source, 0, 0, {}])] };
    }
    const tensors = sources.map((source) => keras3Tensor(source, shapeOf.get(source) ?? []));
    const args = tensors.length === 1 ? tensors : [tensors];
    return {
      module: 'keras.layers',
      class_name: className,
      config,
      registered_name: null,
      name: node.name,
      inbound_nodes: sources.length === 0 ? [] : [{ args, kwargs: {} }],
    };
  });
  const endpoint = (id: string): [string, number, number] => [(byId.get(id) as GraphNode).name, 0, 0];
  const outputs = analysis.outputs.filter((id) => byId.get(id)?.type !== 'Input');
  const config = { name: graph.name, trainable: true, layers, input_layers: analysis.inputs.map(endpoint), output_layers: outputs.map(endpoint) };
  if (flavor === 'keras2') return { class_name: 'Functional', config };
  return { module: 'keras.src.models.functional', class_name: 'Functional', config, registered_name: 'Functional', compile_config: null };
}
