import type { GraphEdge as DrawnEdge, GraphNode as DrawnNode } from '@vue-flow/core';
import type { CanvasEdge, CanvasNode } from './types';

/** Fields that identify a node's place in Vue Flow's lookups; any change there needs a full set. */
function sameNodeIdentity(drawn: DrawnNode, next: CanvasNode): boolean {
  return drawn.id === next.id && drawn.type === next.type;
}

function sameEdgeIdentity(drawn: DrawnEdge, next: CanvasEdge): boolean {
  return drawn.id === next.id && drawn.source === next.source && drawn.target === next.target && (drawn.sourceHandle ?? null) === (next.sourceHandle ?? null) && (drawn.targetHandle ?? null) === (next.targetHandle ?? null);
}

/**
 * Copies a model node's fields onto the drawn node, one by one and only where they differ,
 * so that Vue re-renders that node alone, and only when something it shows changed.
 */
function patchNode(drawn: DrawnNode, next: CanvasNode): void {
  for (const [field, value] of Object.entries(next)) {
    if (field === 'id' || field === 'type') continue;
    if (field === 'position') {
      if (drawn.position.x !== next.position.x || drawn.position.y !== next.position.y) drawn.position = { x: next.position.x, y: next.position.y };
    } else {
      // Field by field over the model's own keys, which are all fields of a Vue Flow node.
      const fields = drawn as unknown as Record<string, unknown>;
      if (fields[field] !== value) fields[field] = value;
    }
  }
}

function patchEdge(drawn: DrawnEdge, next: CanvasEdge): void {
  for (const [field, value] of Object.entries(next)) {
    if (field === 'id' || field === 'source' || field === 'target' || field === 'sourceHandle' || field === 'targetHandle') continue;
    const fields = drawn as unknown as Record<string, unknown>;
    if (fields[field] !== value) fields[field] = value;
  }
}

/**
 * Brings Vue Flow's drawn nodes up to a rebuilt canvas model in place when the model has
 * the same nodes in the same order (an edit of parameters, a move, a layout): handing Vue
 * Flow a new array instead rebuilds its lookups, which re-renders every node and edge of
 * the canvas. Returns false, touching nothing, when nodes were added, removed or reordered.
 */
export function patchDrawnNodes(drawn: readonly DrawnNode[], next: readonly CanvasNode[]): boolean {
  if (drawn.length !== next.length || !next.every((node, index) => sameNodeIdentity(drawn[index]!, node))) return false;
  next.forEach((node, index) => patchNode(drawn[index]!, node));
  return true;
}

/** `patchDrawnNodes` for edges: in place while every edge keeps its ends and handles. */
export function patchDrawnEdges(drawn: readonly DrawnEdge[], next: readonly CanvasEdge[]): boolean {
  if (drawn.length !== next.length || !next.every((edge, index) => sameEdgeIdentity(drawn[index]!, edge))) return false;
  next.forEach((edge, index) => patchEdge(drawn[index]!, edge));
  return true;
}
