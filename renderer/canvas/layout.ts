import dagre from '@dagrejs/dagre';
import type { ModelGraph, Position } from '../../common/graph/schema';

/** Size of a layer node on the canvas, used by the layout so ranks do not overlap. */
export const NODE_WIDTH = 200;
/** Height of a layer node with its key-parameter line; the layout leaves room for the tallest. */
export const NODE_HEIGHT = 84;

/** Measured size of a drawn node; nodes showing a problem are taller than `NODE_HEIGHT`. */
export interface NodeSize {
  width: number;
  height: number;
}

/**
 * Top-to-bottom positions for every node, computed by dagre. A fresh dagre graph is
 * built on every run so nodes deleted since the last layout do not linger in it.
 *
 * @param sizes measured node sizes; nodes not in it get `NODE_WIDTH` × `NODE_HEIGHT`.
 * @returns the top-left position of each node by id (Vue Flow's convention).
 */
export function layoutPositions(graph: Pick<ModelGraph, 'nodes' | 'edges'>, sizes: ReadonlyMap<string, NodeSize> = new Map()): Map<string, Position> {
  const layout = new dagre.graphlib.Graph();
  layout.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 46, marginx: 20, marginy: 20 });
  layout.setDefaultEdgeLabel(() => ({}));
  const sizeOf = (id: string): NodeSize => sizes.get(id) ?? { width: NODE_WIDTH, height: NODE_HEIGHT };
  for (const node of graph.nodes) layout.setNode(node.id, sizeOf(node.id));
  // Edges sorted by input index so a merge's first input lands on the left.
  const edges = [...graph.edges].sort((a, b) => a.targetIndex - b.targetIndex);
  for (const edge of edges) {
    if (layout.hasNode(edge.source) && layout.hasNode(edge.target)) layout.setEdge(edge.source, edge.target);
  }
  dagre.layout(layout);
  const positions = new Map<string, Position>();
  for (const node of graph.nodes) {
    const placed = layout.node(node.id);
    const size = sizeOf(node.id);
    positions.set(node.id, { x: Math.round(placed.x - size.width / 2), y: Math.round(placed.y - size.height / 2) });
  }
  return positions;
}

/** The graph with every node moved to its auto-layout position. */
export function autoLayout(graph: ModelGraph, sizes?: ReadonlyMap<string, NodeSize>): ModelGraph {
  const positions = layoutPositions(graph, sizes);
  return { ...graph, nodes: graph.nodes.map((node) => ({ ...node, position: positions.get(node.id) ?? node.position })) };
}
