import type { GraphNode as FlowNode } from '@vue-flow/core';
import type { NodeSize } from './layout';

/** Vue Flow store id of the Design view's canvas, shared by the canvas and the commands that zoom it. */
export const DESIGN_CANVAS_ID = 'design-canvas';

/** Sizes of the drawn nodes, so the layout leaves room for tall ones (a node showing a problem). */
export function measuredNodeSizes(nodes: readonly FlowNode[]): Map<string, NodeSize> {
  const sizes = new Map<string, NodeSize>();
  for (const node of nodes) {
    if (node.dimensions.width > 0 && node.dimensions.height > 0) sizes.set(node.id, { width: node.dimensions.width, height: node.dimensions.height });
  }
  return sizes;
}
