import type { GraphNode, ModelGraph } from '../../../common/graph/schema';
import { kerasModelLayout } from '../../../common/graph/kerasOrder';

/**
 * The graph's nodes in Keras's `model.layers` order (see `kerasModelLayout`). tf.keras
 * matches `.h5` weights to layers by this position and Keras 3 numbers `.keras` weight
 * paths in it, so every Keras file lists layers this way.
 */
export function kerasLayerOrder(graph: ModelGraph): GraphNode[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  return kerasModelLayout(graph).order.map((id) => byId.get(id) as GraphNode);
}
