import { LabError, received } from '../../common/errors';
import { analyzeGraph } from '../../common/graph/analysis';
import { autoLayerName } from '../../common/catalog';
import { connect, newGraphId } from '../../common/graph/edits';
import type { GraphNode, ModelGraph } from '../../common/graph/schema';

/**
 * Transfer learning on the graph: keep a trained model's feature extractor (the base, up
 * to a cut layer), freeze it as asked and put a new classifier head on top, the way Keras
 * users build on `include_top=False` application models.
 */

/** How much of the base to freeze: every layer, none, or all but the last N base layers. */
export type FreezeMode = 'all' | 'none' | number;

/** Options of {@link buildTransferGraph}. */
export interface TransferGraphOptions {
  /** Name of the last base layer kept; default: the layer before the classifier head. */
  cutAt?: string;
  /** Number of classes of the new task. */
  classes: number;
  freeze: FreezeMode;
  /** Rate of a Dropout layer before the new classifier; omitted or 0 adds none. */
  headDropout?: number;
}

/** A transfer graph with the names of the layers kept from the source and those frozen. */
export interface TransferGraph {
  graph: ModelGraph;
  /** Names of the kept source layers in model order, Input layers included. */
  baseLayers: string[];
  /** Names of the base layers set to `trainable: false`. */
  frozen: string[];
}

/** Layer types that make up a classifier head when they end a model. */
const HEAD_LAYER_TYPES = new Set(['Dense', 'Dropout', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU']);
/** Layer types that turn a feature map into a vector; the head starts at the last of them. */
const FEATURE_TO_VECTOR_TYPES = new Set(['Flatten', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

function singleInputOf(graph: ModelGraph, node: GraphNode, byId: Map<string, GraphNode>): GraphNode | undefined {
  const incoming = graph.edges.filter((edge) => edge.target === node.id);
  return incoming.length === 1 ? byId.get((incoming[0] as { source: string }).source) : undefined;
}

/**
 * The layer before the classifier head: walking back from the single output over
 * Dense/Dropout/activation layers, the head starts at a Flatten or global pooling layer
 * that follows feature layers; without one (an MLP), only the final Dense and what
 * follows it is the head.
 */
function defaultCutNode(graph: ModelGraph, outputs: readonly string[], byId: Map<string, GraphNode>): GraphNode {
  if (outputs.length !== 1) {
    throw new LabError('TRAIN_BAD_CONFIG', `Expected a source model with one output to find its classifier head; name the cut layer with cutAt. Received: outputs=${outputs.length}`, { field: 'cutAt' });
  }
  const chain: GraphNode[] = [];
  let node = byId.get(outputs[0] as string);
  while (node && (HEAD_LAYER_TYPES.has(node.type) || FEATURE_TO_VECTOR_TYPES.has(node.type))) {
    chain.push(node);
    const before = singleInputOf(graph, node, byId);
    // A Flatten straight after the Input (an MLP) has no feature layers before it.
    if (FEATURE_TO_VECTOR_TYPES.has(node.type) && before && before.type !== 'Input') return before;
    node = before;
  }
  const lastDense = chain.findIndex((n) => n.type === 'Dense');
  if (lastDense < 0) {
    throw new LabError('TRAIN_BAD_CONFIG', `Expected a source model that ends in a Dense classifier; name the cut layer with cutAt. Received: output=${JSON.stringify(byId.get(outputs[0] as string)?.name ?? '')}`, { field: 'cutAt' });
  }
  const dense = chain[lastDense] as GraphNode;
  return requireCutNode(singleInputOf(graph, dense, byId), dense);
}

function requireCutNode(cut: GraphNode | undefined, headStart: GraphNode): GraphNode {
  if (!cut || cut.type === 'Input') {
    throw new LabError('TRAIN_BAD_CONFIG', `Expected feature layers before the classifier head; name the cut layer with cutAt. ${received('headStart', headStart.name)}`, { field: 'cutAt' });
  }
  return cut;
}

/** Ids of `target` and every node it depends on. */
function ancestorIds(graph: ModelGraph, targetId: string): Set<string> {
  const kept = new Set<string>([targetId]);
  const pending = [targetId];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    for (const edge of graph.edges) {
      if (edge.target !== id || kept.has(edge.source)) continue;
      kept.add(edge.source);
      pending.push(edge.source);
    }
  }
  return kept;
}

function frozenNames(baseInOrder: readonly GraphNode[], freeze: FreezeMode): Set<string> {
  const layers = baseInOrder.filter((node) => node.type !== 'Input');
  if (freeze === 'all') return new Set(layers.map((node) => node.name));
  if (freeze === 'none') return new Set();
  if (!Number.isInteger(freeze) || freeze < 0) {
    throw new LabError('API_BAD_INPUT', `Expected freeze to be 'all', 'none' or a whole number of trainable base layers >= 0. ${received('freeze', freeze)}`, { field: 'freeze', received: freeze });
  }
  return new Set(layers.slice(0, Math.max(0, layers.length - freeze)).map((node) => node.name));
}

/**
 * Builds the transfer graph of `source`: its layers up to `cutAt`, frozen as asked, then
 * GlobalAveragePooling2D (for a 4-D cut output; Flatten for other ranks above 2), an
 * optional Dropout and Dense(classes, softmax), all with fresh Keras names. Base layers
 * keep their names so the source weights can be loaded into them by name.
 *
 * @throws LabError `TRAIN_BAD_CONFIG` naming the layer when `cutAt` is not a layer of the
 *   source or the source is not a valid model; `API_BAD_INPUT` for a bad freeze or classes.
 */
export function buildTransferGraph(source: ModelGraph, options: TransferGraphOptions): TransferGraph {
  if (!Number.isInteger(options.classes) || options.classes < 1) {
    throw new LabError('API_BAD_INPUT', `Expected classes to be a whole number >= 1. ${received('classes', options.classes)}`, { field: 'classes', received: options.classes });
  }
  const sourceAnalysis = analyzeGraph(source);
  if (!sourceAnalysis.valid) {
    const first = sourceAnalysis.problems.find((p) => p.severity === 'error');
    throw new LabError('GRAPH_INVALID', `Expected a valid source model. ${received('problem', first?.message ?? 'invalid')}`, { field: 'source' });
  }
  const byId = new Map(source.nodes.map((node) => [node.id, node]));
  let cut: GraphNode;
  if (options.cutAt !== undefined) {
    const named = source.nodes.find((node) => node.name === options.cutAt);
    if (!named) {
      throw new LabError('TRAIN_BAD_CONFIG', `Expected cutAt to name a layer of the source model (${source.nodes.map((n) => n.name).join(', ')}). ${received('cutAt', options.cutAt)}`, { field: 'cutAt', received: options.cutAt });
    }
    if (named.type === 'Input') {
      throw new LabError('TRAIN_BAD_CONFIG', `Expected cutAt to name a layer after the Input. ${received('cutAt', options.cutAt)}`, { field: 'cutAt', received: options.cutAt });
    }
    cut = named;
  } else {
    cut = defaultCutNode(source, sourceAnalysis.outputs, byId);
  }

  const keptIds = ancestorIds(source, cut.id);
  const baseInOrder = sourceAnalysis.order.filter((id) => keptIds.has(id)).map((id) => byId.get(id) as GraphNode);
  const frozen = frozenNames(baseInOrder, options.freeze);
  // The new head is the model's one output: outputs the source chose do not carry over.
  const { outputs: _sourceOutputs, ...kept } = source;
  let graph: ModelGraph = {
    ...kept,
    name: `${source.name}_transfer`,
    nodes: baseInOrder.map((node) => ({ ...node, params: { ...node.params }, position: { ...node.position }, trainable: !frozen.has(node.name) })),
    edges: source.edges.filter((edge) => keptIds.has(edge.source) && keptIds.has(edge.target)).map((edge) => ({ ...edge })),
    groups: source.groups.filter((group) => baseInOrder.some((node) => node.group === group.id)).map((group) => ({ ...group })),
    metadata: { ...source.metadata, transferredFrom: source.name, cutAt: cut.name },
  };

  const cutShape = sourceAnalysis.shapes[cut.id] ?? [];
  const headTypes: Array<[string, Record<string, unknown>]> = [];
  if (cutShape.length === 4) headTypes.push(['GlobalAveragePooling2D', {}]);
  else if (cutShape.length > 2) headTypes.push(['Flatten', {}]);
  if (options.headDropout !== undefined && options.headDropout > 0) headTypes.push(['Dropout', { rate: options.headDropout }]);
  headTypes.push(['Dense', { units: options.classes, activation: 'softmax' }]);

  // Head names avoid every source name too, so loading source weights by name never
  // fills the new classifier with the old one's weights.
  const taken = new Set(source.nodes.map((node) => node.name));
  let previous = cut.id;
  headTypes.forEach(([type, params], index) => {
    const name = autoLayerName(type, (candidate) => taken.has(candidate));
    taken.add(name);
    const node: GraphNode = { id: newGraphId('n'), type, name, params, trainable: true, position: { x: cut.position.x, y: cut.position.y + 100 * (index + 1) } };
    graph = connect({ ...graph, nodes: [...graph.nodes, node] }, previous, node.id);
    previous = node.id;
  });

  const analysis = analyzeGraph(graph);
  if (!analysis.valid) {
    const first = analysis.problems.find((p) => p.severity === 'error');
    throw new LabError('GRAPH_INVALID', `Expected the transfer model to be valid. ${received('problem', first?.message ?? 'invalid')}`, { field: 'cutAt', received: cut.name });
  }
  return { graph, baseLayers: baseInOrder.map((node) => node.name), frozen: baseInOrder.filter((node) => frozen.has(node.name)).map((node) => node.name) };
}
