import type { Edge, Node } from '@vue-flow/core';
import type { GraphProblem } from '../../common/graph/problems';

/** A key parameter as the node shows it: `filters 32`. */
export interface KeyParamView {
  name: string;
  value: string;
}

/** Data of a layer node on the canvas (Vue Flow node type `layer`). */
export interface LayerNodeData {
  kind: 'layer';
  type: string;
  name: string;
  family: string;
  keyParams: KeyParamView[];
  /** `(None, 26, 26, 32)`, or null when the shape cannot be inferred. */
  outputShape: string | null;
  /** Total parameters, or null when unknown. */
  paramCount: number | null;
  trainable: boolean;
  /** Problems naming this node (errors first). */
  problems: GraphProblem[];
  /** Number of input handles to draw: 0 for Input, 1 for most layers, used + 1 for merges. */
  inputHandles: number;
  /** True for layers that take several inputs: their handles are numbered. */
  isMerge: boolean;
  /** Input indices that have an edge. */
  connectedInputs: number[];
}

/** Data of an expanded block's frame drawn behind its layers (node type `groupFrame`). */
export interface GroupFrameData {
  kind: 'groupFrame';
  groupId: string;
  name: string;
  layerCount: number;
}

/** Data of a collapsed block shown as one node (node type `groupCollapsed`). */
export interface GroupCollapsedData {
  kind: 'groupCollapsed';
  groupId: string;
  name: string;
  layerCount: number;
  paramCount: number;
  outputShape: string | null;
  hasErrors: boolean;
}

export type CanvasNodeData = LayerNodeData | GroupFrameData | GroupCollapsedData;

/** Data of an edge (Vue Flow edge type `shape`): the tensor it carries and its problem. */
export interface ShapeEdgeData {
  /** `(None, 13, 13, 32)`, or null when unknown. */
  shape: string | null;
  problem: GraphProblem | null;
  targetIndex: number;
  /** True when the target is a merge, so the label shows the input index. */
  showIndex: boolean;
  /** Names of the layers at either end (a collapsed block's name for a rerouted end), for tooltips and tests. */
  sourceName: string;
  targetName: string;
}

/**
 * A node as handed to Vue Flow. `selected` is not in Vue Flow's input type, but Vue Flow
 * copies every given field onto its internal node, so the store's selection is applied.
 */
export type CanvasNode = Node<CanvasNodeData> & { selected?: boolean };
/** An edge as handed to Vue Flow; `selected` as for nodes. */
export type CanvasEdge = Edge<ShapeEdgeData> & { selected?: boolean };

/** Canvas id of a collapsed block's node. */
export function collapsedGroupNodeId(groupId: string): string {
  return `group:${groupId}`;
}

/** Canvas id of an expanded block's frame. */
export function groupFrameNodeId(groupId: string): string {
  return `frame:${groupId}`;
}

/** Handle id of a node's input `index`. */
export function inputHandleId(index: number): string {
  return `in-${index}`;
}

/** Input index of a handle id, or undefined for anything else. */
export function inputIndexOfHandle(handleId: string | null | undefined): number | undefined {
  const match = /^in-(\d+)$/.exec(handleId ?? '');
  return match?.[1] !== undefined ? Number(match[1]) : undefined;
}

/** MIME type of a drag from the layer palette; the payload is the layer type. */
export const LAYER_DRAG_TYPE = 'application/x-model-lab-layer';
