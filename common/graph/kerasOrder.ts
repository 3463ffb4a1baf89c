import type { GraphAnalysis } from './problems';
import type { ModelGraph } from './schema';
import { analyzeGraph } from './analysis';

/** Where Keras puts each layer of a functional model, and which summary table it prints. */
export interface KerasModelLayout {
  /** Node ids of the model's layers in `model.layers` order; layers outside the model are left out. */
  order: string[];
  /** True for a plain chain, which tf.keras 2.x summarises without the Connected to column. */
  sequentialLike: boolean;
}

/**
 * Keras's layer order for a functional model (`_map_graph_network`): a depth-first walk from the outputs
 * numbers the layers (inputs in order), each layer's depth is its longest distance to
 * an output, and layers are listed deepest first, ties in walk order. This is why
 * Keras lists a ResNet shortcut's `conv0` before the block's `conv3`. Also says
 * whether the model is "sequential-like" in tf.keras 2.x's sense: exactly one layer
 * at every depth and none with several inputs. tf.keras matches `.h5` weights to
 * layers by this position, and `summary()` lists layers in it.
 *
 * @param analysis The graph's analysis (its `outputs` start the walk), computed when omitted.
 */
export function kerasModelLayout(graph: ModelGraph, analysis: GraphAnalysis = analyzeGraph(graph)): KerasModelLayout {
  const inputsOf = new Map<string, string[]>();
  const sortedEdges = [...graph.edges].sort((a, b) => a.targetIndex - b.targetIndex);
  for (const edge of sortedEdges) {
    const list = inputsOf.get(edge.target) ?? [];
    list.push(edge.source);
    inputsOf.set(edge.target, list);
  }
  const walkIndex = new Map<string, number>();
  const finished: string[] = [];
  const finishedSet = new Set<string>();
  const visit = (id: string): void => {
    if (finishedSet.has(id)) return;
    if (!walkIndex.has(id)) walkIndex.set(id, walkIndex.size);
    for (const source of inputsOf.get(id) ?? []) visit(source);
    finishedSet.add(id);
    finished.push(id);
  };
  for (const output of analysis.outputs) visit(output);
  const depth = new Map<string, number>();
  for (let i = finished.length - 1; i >= 0; i--) {
    const id = finished[i] as string;
    const own = depth.get(id) ?? 0;
    depth.set(id, own);
    for (const source of inputsOf.get(id) ?? []) depth.set(source, Math.max(own + 1, depth.get(source) ?? 0));
  }
  const order = [...finished].sort((a, b) => (depth.get(b) ?? 0) - (depth.get(a) ?? 0) || (walkIndex.get(a) ?? 0) - (walkIndex.get(b) ?? 0));
  const depths = new Set(depth.values());
  const sequentialLike = depths.size === order.length && order.every((id) => (inputsOf.get(id)?.length ?? 0) <= 1);
  return { order, sequentialLike };
}
