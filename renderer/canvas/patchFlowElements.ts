import type { GraphEdge as DrawnEdge, GraphNode as DrawnNode } from '@vue-flow/core';
import { toRaw } from 'vue';
import type { CanvasEdge, CanvasNode } from './types';

/** Fields that identify an edge's ends; patching never writes them. */
const EDGE_IDENTITY_FIELDS = new Set(['id', 'source', 'target', 'sourceHandle', 'targetHandle']);

/** Fields that identify a node's place in Vue Flow's lookups; any change there needs a full set. */
function sameNodeIdentity(drawn: DrawnNode, next: CanvasNode): boolean {
  return drawn.id === next.id && drawn.type === next.type;
}

function sameEdgeIdentity(drawn: DrawnEdge, next: CanvasEdge): boolean {
  return drawn.id === next.id && drawn.source === next.source && drawn.target === next.target && (drawn.sourceHandle ?? null) === (next.sourceHandle ?? null) && (drawn.targetHandle ?? null) === (next.targetHandle ?? null);
}

/**
 * True when the drawn node shows something other than the model node (the fields `patchNode`
 * writes). Drawn fields are read through Vue Flow's reactive proxy, so objects compare raw.
 */
export function nodeIsStale(drawn: DrawnNode, next: CanvasNode): boolean {
  const fields = drawn as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(next)) {
    if (field === 'id' || field === 'type') continue;
    if (field === 'position' ? drawn.position.x !== next.position.x || drawn.position.y !== next.position.y : toRaw(fields[field]) !== value) return true;
  }
  return false;
}

/** True when the drawn edge shows something other than the model edge (the fields `patchEdge` writes). */
export function edgeIsStale(drawn: DrawnEdge, next: CanvasEdge): boolean {
  const fields = drawn as unknown as Record<string, unknown>;
  return Object.entries(next).some(([field, value]) => !EDGE_IDENTITY_FIELDS.has(field) && toRaw(fields[field]) !== value);
}

/** True when the drawn nodes are the model's nodes in the same order, so they can be patched in place. */
export function sameNodes(drawn: readonly DrawnNode[], next: readonly CanvasNode[]): boolean {
  return drawn.length === next.length && next.every((node, index) => sameNodeIdentity(drawn[index]!, node));
}

/** True when the drawn edges are the model's edges, same ends, same order. */
export function sameEdges(drawn: readonly DrawnEdge[], next: readonly CanvasEdge[]): boolean {
  return drawn.length === next.length && next.every((edge, index) => sameEdgeIdentity(drawn[index]!, edge));
}

/**
 * Copies a model node's fields onto the drawn node, one by one and only where they differ,
 * so that Vue re-renders that node alone, and only when something it shows changed.
 */
export function patchNode(drawn: DrawnNode, next: CanvasNode): void {
  for (const [field, value] of Object.entries(next)) {
    if (field === 'id' || field === 'type') continue;
    if (field === 'position') {
      if (drawn.position.x !== next.position.x || drawn.position.y !== next.position.y) drawn.position = { x: next.position.x, y: next.position.y };
    } else {
      // Field by field over the model's own keys, which are all fields of a Vue Flow node.
      const fields = drawn as unknown as Record<string, unknown>;
      if (toRaw(fields[field]) !== value) fields[field] = value;
    }
  }
}

/** `patchNode` for edges: every field but the ends and handles, which identify the edge. */
export function patchEdge(drawn: DrawnEdge, next: CanvasEdge): void {
  for (const [field, value] of Object.entries(next)) {
    if (EDGE_IDENTITY_FIELDS.has(field)) continue;
    const fields = drawn as unknown as Record<string, unknown>;
    if (toRaw(fields[field]) !== value) fields[field] = value;
  }
}

/**
 * Brings Vue Flow's drawn nodes up to a rebuilt canvas model in place when the model has
 * the same nodes in the same order (an edit of parameters, a move, a layout): handing Vue
 * Flow a new array instead rebuilds its lookups, which re-renders every node and edge of
 * the canvas. Returns false, touching nothing, when nodes were added, removed or reordered.
 */
export function patchDrawnNodes(drawn: readonly DrawnNode[], next: readonly CanvasNode[]): boolean {
  if (!sameNodes(drawn, next)) return false;
  next.forEach((node, index) => patchNode(drawn[index]!, node));
  return true;
}

/** `patchDrawnNodes` for edges: in place while every edge keeps its ends and handles. */
export function patchDrawnEdges(drawn: readonly DrawnEdge[], next: readonly CanvasEdge[]): boolean {
  if (!sameEdges(drawn, next)) return false;
  next.forEach((edge, index) => patchEdge(drawn[index]!, edge));
  return true;
}

/**
 * The model's nodes for a full set after nodes were added or removed, with each node that
 * stays keeping the data and position it is drawn with: Vue Flow assigns them onto the node
 * it already has, unchanged, and the changes come after as ordinary patches.
 */
export function keepDrawnNodeState(drawn: readonly DrawnNode[], next: readonly CanvasNode[]): CanvasNode[] {
  const drawnById = new Map(drawn.map((node) => [node.id, node]));
  return next.map((node) => {
    const old = drawnById.get(node.id);
    return old && old.type === node.type ? { ...node, data: toRaw(old.data) as CanvasNode['data'], position: toRaw(old.position) } : node;
  });
}

/** `keepDrawnNodeState` for edges: an edge that stays, with the same ends, keeps its drawn data. */
export function keepDrawnEdgeState(drawn: readonly DrawnEdge[], next: readonly CanvasEdge[]): CanvasEdge[] {
  const drawnById = new Map(drawn.map((edge) => [edge.id, edge]));
  return next.map((edge) => {
    const old = drawnById.get(edge.id);
    return old && sameEdgeIdentity(old, edge) ? { ...edge, data: toRaw(old.data) as CanvasEdge['data'] } : edge;
  });
}
