import type { GraphNode, ModelGraph } from '../../../common/graph/schema';
import { analyzeGraph } from '../../../common/graph/analysis';

/**
 * The order of `model.layers` in a Keras functional model built from this graph: Keras's
 * `_map_graph_network` (a depth-first walk from the outputs numbers the layers, then
 * layers are grouped by decreasing depth, ties kept in walk order). tf.keras matches
 * `.h5` weights to layers by this position, so the file must list layers the same way.
 */
export function kerasLayerOrder(graph: ModelGraph): GraphNode[] {
  const analysis = analyzeGraph(graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const parents = new Map<string, string[]>();
  for (const node of graph.nodes) {
    parents.set(node.id, graph.edges.filter((edge) => edge.target === node.id).sort((a, b) => a.targetIndex - b.targetIndex).map((edge) => edge.source));
  }
  const walkIndex = new Map<string, number>();
  const finished = new Set<string>();
  const decreasingDepth: string[] = [];
  const visit = (id: string): void => {
    if (finished.has(id)) return;
    if (!walkIndex.has(id)) walkIndex.set(id, walkIndex.size);
    for (const parent of parents.get(id) ?? []) visit(parent);
    finished.add(id);
    decreasingDepth.push(id);
  };
  for (const id of analysis.outputs) visit(id);
  const depths = new Map<string, number>();
  for (const id of [...decreasingDepth].reverse()) {
    const depth = depths.get(id) ?? 0;
    for (const parent of parents.get(id) ?? []) depths.set(parent, Math.max(depth + 1, depths.get(parent) ?? 0));
    depths.set(id, depth);
  }
  return [...decreasingDepth]
    .sort((a, b) => (depths.get(b) ?? 0) - (depths.get(a) ?? 0) || (walkIndex.get(a) ?? 0) - (walkIndex.get(b) ?? 0))
    .map((id) => byId.get(id) as GraphNode);
}
