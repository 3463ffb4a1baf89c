import dagre from '@dagrejs/dagre';
import type { GraphNode, ModelGraph, Position } from '../../common/graph/schema';

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

/** Room kept below a node before the next one in the same columns: its handles and the edge's shape label fit in it. */
export const ROOM_BELOW = 40;
/** Nodes closer side by side than this share a column, so one of them must sit below the other. */
export const ROOM_BESIDE = 24;

/** A node's box on the canvas. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** True when `a` and `b` are closer side by side than `ROOM_BESIDE` (their columns overlap). */
function sharesColumns(a: Box, b: Box): boolean {
  return a.x < b.x + b.width + ROOM_BESIDE && b.x < a.x + a.width + ROOM_BESIDE;
}

/**
 * Moves nodes down, as little as needed, until no two measured boxes intersect and a node
 * sharing columns with one above it keeps `ROOM_BELOW` from it. Nodes are taken top to
 * bottom (left to right on a tie) and only ever pushed down, so the drawing keeps its
 * order: a layer inserted into a chain pushes the rest of the chain below it. Nodes
 * without a measured size are left where they are.
 *
 * @returns the new top-left position of each node that moved, by id (empty when none had to).
 */
export function makeRoom(nodes: readonly Pick<GraphNode, 'id' | 'position'>[], sizes: ReadonlyMap<string, NodeSize>): Map<string, Position> {
  const ordered = nodes.filter((node) => sizes.has(node.id)).sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x);
  const placed: Box[] = [];
  const moved = new Map<string, Position>();
  for (const node of ordered) {
    const size = sizes.get(node.id) as NodeSize;
    const box: Box = { x: node.position.x, y: node.position.y, width: size.width, height: size.height };
    for (;;) {
      const blocker = placed.find((other) => sharesColumns(other, box) && box.y < other.y + other.height + ROOM_BELOW && other.y < box.y + box.height + ROOM_BELOW);
      if (!blocker) break;
      box.y = Math.ceil(blocker.y + blocker.height + ROOM_BELOW);
    }
    placed.push(box);
    if (box.y !== node.position.y) moved.set(node.id, { x: box.x, y: box.y });
  }
  return moved;
}
