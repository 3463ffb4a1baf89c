import { LabError } from '../errors';
import { autoLayerName, findLayerSpec } from '../catalog';
import type { GraphEdit, GraphFix } from './problems';
import type { GraphEdge, GraphNode, ModelGraph, Position } from './schema';

/**
 * Pure edits of a ModelGraph: the editor, the fixes offered by analysis and the tests
 * all change graphs through these functions, so every change returns a new graph and
 * the old one stays valid for undo.
 */

let idCounter = 0;

/**
 * A fresh id for a node or edge. Ids only need to be unique within a graph, but a
 * time + counter + random id stays unique across pasted and merged graphs too.
 */
export function newGraphId(prefix = 'n'): string {
  idCounter = (idCounter + 1) % 1_679_616;
  return `${prefix}_${Date.now().toString(36)}${idCounter.toString(36).padStart(4, '0')}${Math.floor(Math.random() * 1_679_616).toString(36).padStart(4, '0')}`;
}

/**
 * The next free Keras-style name for a layer of `type` in `graph`: `conv2d`, then
 * `conv2d_1`, `conv2d_2`, … (the lowest free suffix); Input layers start at `input_1`.
 */
export function uniqueLayerName(graph: Pick<ModelGraph, 'nodes'>, type: string): string {
  const taken = new Set(graph.nodes.map((node) => node.name));
  return autoLayerName(type, (name) => taken.has(name));
}

function requireNode(graph: ModelGraph, nodeId: string): GraphNode {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node) throw new LabError('GRAPH_BAD_EDGE', `The edit refers to a node that is not in the graph. Received: nodeId=${JSON.stringify(nodeId)}`, { nodeId });
  return node;
}

function requireEdge(graph: ModelGraph, edgeId: string): GraphEdge {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge) throw new LabError('GRAPH_BAD_EDGE', `The edit refers to an edge that is not in the graph. Received: edgeId=${JSON.stringify(edgeId)}`, { edgeId });
  return edge;
}

/**
 * Adds a new layer of `type` with a unique name and a fresh id.
 *
 * @returns the new graph and the node that was added.
 */
export function createNode(graph: ModelGraph, type: string, params: Record<string, unknown> = {}, position: Position = { x: 0, y: 0 }): { graph: ModelGraph; node: GraphNode } {
  const node: GraphNode = { id: newGraphId('n'), type, name: uniqueLayerName(graph, type), params: { ...params }, trainable: true, position: { ...position } };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, node };
}

/** `graph` with its chosen outputs set to `nodeIds` (none: the output is found by the analysis again). */
export function withOutputs(graph: ModelGraph, nodeIds: readonly string[]): ModelGraph {
  const { outputs: _previous, ...rest } = graph;
  return nodeIds.length > 0 ? { ...rest, outputs: [...nodeIds] } : rest;
}

/** Removes the nodes and every edge touching them (and them from the chosen outputs). Unknown ids are ignored. */
export function removeNodes(graph: ModelGraph, nodeIds: Iterable<string>): ModelGraph {
  const removed = new Set(nodeIds);
  const next = {
    ...graph,
    nodes: graph.nodes.filter((n) => !removed.has(n.id)),
    edges: graph.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)),
  };
  return graph.outputs ? withOutputs(next, graph.outputs.filter((id) => !removed.has(id))) : next;
}

/** Largest number of inputs the catalog allows for `type` (1 for unknown types, the common case). */
function maxInputs(type: string): number {
  return findLayerSpec(type)?.arity.max ?? 1;
}

/**
 * Connects `source`'s output to `target`. Without `targetIndex`, a single-input layer's
 * existing input is replaced (as dropping a wire on an occupied port does) and a merge
 * gets the next free input index. Connecting the same pair twice at the same index is a
 * no-op.
 *
 * @throws LabError `GRAPH_BAD_EDGE` if either node is missing.
 */
export function connect(graph: ModelGraph, source: string, target: string, targetIndex?: number): ModelGraph {
  requireNode(graph, source);
  const targetNode = requireNode(graph, target);
  const incoming = graph.edges.filter((e) => e.target === target);
  let edges = graph.edges;
  let index = targetIndex;
  if (index === undefined) {
    if (maxInputs(targetNode.type) <= 1) {
      edges = edges.filter((e) => e.target !== target);
      index = 0;
    } else {
      index = incoming.reduce((next, e) => Math.max(next, e.targetIndex + 1), 0);
    }
  }
  if (edges.some((e) => e.source === source && e.target === target && e.targetIndex === index)) return graph;
  return { ...graph, edges: [...edges, { id: newGraphId('e'), source, target, targetIndex: index }] };
}

/** Midpoint of two positions, where an inserted layer goes. */
function between(a: Position, b: Position): Position {
  return { x: Math.round((a.x + b.x) / 2), y: Math.round((a.y + b.y) / 2) };
}

/**
 * Applies one edit and returns the new graph.
 *
 * @throws LabError `GRAPH_BAD_EDGE` when the edit names a node or edge the graph lacks.
 */
export function applyGraphEdit(graph: ModelGraph, edit: GraphEdit): ModelGraph {
  switch (edit.kind) {
    case 'insertNodeOnEdge': {
      const edge = requireEdge(graph, edit.edgeId);
      const source = requireNode(graph, edge.source);
      const target = requireNode(graph, edge.target);
      const node: GraphNode = {
        id: newGraphId('n'),
        type: edit.node.type,
        // A requested name already in use would break Keras's unique-name rule, so it falls back to the next free one.
        name: edit.node.name !== undefined && !graph.nodes.some((n) => n.name === edit.node.name) ? edit.node.name : uniqueLayerName(graph, edit.node.type),
        params: { ...edit.node.params },
        trainable: true,
        position: between(source.position, target.position),
      };
      if (source.group !== undefined && source.group === target.group) node.group = source.group;
      return {
        ...graph,
        nodes: [...graph.nodes, node],
        edges: [
          ...graph.edges.filter((e) => e.id !== edge.id),
          { id: newGraphId('e'), source: source.id, target: node.id, targetIndex: 0 },
          { id: newGraphId('e'), source: node.id, target: target.id, targetIndex: edge.targetIndex },
        ],
      };
    }
    case 'setParam': {
      requireNode(graph, edit.nodeId);
      return {
        ...graph,
        nodes: graph.nodes.map((n) => {
          if (n.id !== edit.nodeId) return n;
          const params = { ...n.params };
          // `undefined` means "back to the Keras default": the catalog fills it in again.
          if (edit.value === undefined) delete params[edit.field];
          else params[edit.field] = edit.value;
          return { ...n, params };
        }),
      };
    }
    case 'removeEdge':
      requireEdge(graph, edit.edgeId);
      return { ...graph, edges: graph.edges.filter((e) => e.id !== edit.edgeId) };
    case 'removeNode':
      requireNode(graph, edit.nodeId);
      return removeNodes(graph, [edit.nodeId]);
    case 'addEdge':
      return connect(graph, edit.source, edit.target, edit.targetIndex);
    case 'setOutputs':
      for (const nodeId of edit.nodeIds) requireNode(graph, nodeId);
      return withOutputs(graph, edit.nodeIds);
  }
}

/** Applies edits in order; all or nothing (a failing edit throws and nothing is kept). */
export function applyGraphEdits(graph: ModelGraph, edits: readonly GraphEdit[]): ModelGraph {
  return edits.reduce(applyGraphEdit, graph);
}

/** Applies a fix offered by `analyzeGraph`. */
export function applyFix(graph: ModelGraph, fix: GraphFix): ModelGraph {
  return applyGraphEdits(graph, fix.edits);
}
