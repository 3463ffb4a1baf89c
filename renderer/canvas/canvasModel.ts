import { findLayerSpec, resolveLayerParams } from '../../common/catalog';
import type { GraphAnalysis, GraphProblem } from '../../common/graph/problems';
import type { GraphNode, ModelGraph } from '../../common/graph/schema';
import { formatShape } from '../../common/graph/shape';
import { formatParamValue } from '../layers/paramFields';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import { collapsedGroupNodeId, groupFrameNodeId, inputHandleId, type CanvasEdge, type CanvasNode, type CanvasNodeData, type LayerNodeData, type ShapeEdgeData } from './types';

/** Margin of a block's frame around its layers, in canvas pixels (top leaves room for the title). */
const FRAME_PAD = 16;
/** Wider at the sides so the title, at the top right, clears the shape label of an edge entering the block. */
const FRAME_PAD_X = 44;
const FRAME_TITLE = 26;

/** Problems grouped by the node and by the edge they concern. */
interface ProblemIndex {
  byNode: Map<string, GraphProblem[]>;
  byEdge: Map<string, GraphProblem>;
  /** Problems about one input of a merge: `${nodeId}#${inputIndex}`. */
  byInput: Map<string, GraphProblem>;
}

function indexProblems(problems: readonly GraphProblem[]): ProblemIndex {
  const index: ProblemIndex = { byNode: new Map(), byEdge: new Map(), byInput: new Map() };
  const ordered = [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const problem of ordered) {
    if (problem.nodeId !== undefined) {
      const list = index.byNode.get(problem.nodeId) ?? [];
      list.push(problem);
      index.byNode.set(problem.nodeId, list);
      if (problem.inputIndex !== undefined && !index.byInput.has(`${problem.nodeId}#${problem.inputIndex}`)) index.byInput.set(`${problem.nodeId}#${problem.inputIndex}`, problem);
    }
    if (problem.edgeId !== undefined && !index.byEdge.has(problem.edgeId)) index.byEdge.set(problem.edgeId, problem);
  }
  return index;
}

/** The key parameters of a node as short strings, from its resolved params. */
function keyParamsOf(node: GraphNode): LayerNodeData['keyParams'] {
  const spec = findLayerSpec(node.type);
  if (!spec) return [];
  const { params } = resolveLayerParams(spec, node.params);
  return spec.keyParams.flatMap((name) => (params[name] === undefined ? [] : [{ name, value: formatParamValue(params[name]) }]));
}

/** Key params keyed by the params object: recomputed only for nodes whose params changed. */
const keyParamCache = new WeakMap<object, { type: string; value: LayerNodeData['keyParams'] }>();

function cachedKeyParams(node: GraphNode): LayerNodeData['keyParams'] {
  const hit = keyParamCache.get(node.params);
  if (hit && hit.type === node.type) return hit.value;
  const value = keyParamsOf(node);
  keyParamCache.set(node.params, { type: node.type, value });
  return value;
}

/** True when two problem lists say the same things (analysis rebuilds them on every edit). */
function sameProblems(a: readonly GraphProblem[] | null, b: readonly GraphProblem[] | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((problem, index) => problem.message === b[index]?.message && problem.severity === b[index]?.severity && JSON.stringify(problem.fix) === JSON.stringify(b[index]?.fix));
}

/** Field-by-field equality of node data, so unchanged nodes keep their data object and do not re-render. */
function sameNodeData(a: CanvasNodeData, b: CanvasNodeData): boolean {
  if (a.kind === 'layer' && b.kind === 'layer') {
    return (
      a.type === b.type &&
      a.name === b.name &&
      a.keyParams === b.keyParams &&
      a.outputShape === b.outputShape &&
      a.paramCount === b.paramCount &&
      a.trainable === b.trainable &&
      a.inputHandles === b.inputHandles &&
      a.connectedInputs.join(',') === b.connectedInputs.join(',') &&
      sameProblems(a.problems, b.problems)
    );
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameEdgeData(a: ShapeEdgeData, b: ShapeEdgeData): boolean {
  return a.shape === b.shape && a.targetIndex === b.targetIndex && a.showIndex === b.showIndex && a.sourceName === b.sourceName && a.targetName === b.targetName && sameProblems(a.problem ? [a.problem] : null, b.problem ? [b.problem] : null);
}

/**
 * Reuses the previous model's data objects where nothing changed. Vue Flow copies each
 * given field onto its node; an identical data object triggers nothing, so an edit
 * re-renders only the nodes it affects (a ResNet50 has ~175).
 */
export function reuseUnchanged(next: CanvasModel, previous: CanvasModel | undefined): CanvasModel {
  if (!previous) return next;
  const oldNodes = new Map(previous.nodes.map((node) => [node.id, node]));
  const oldEdges = new Map(previous.edges.map((edge) => [edge.id, edge]));
  for (const node of next.nodes) {
    const old = oldNodes.get(node.id);
    if (old?.data && node.data && sameNodeData(old.data, node.data)) node.data = old.data;
  }
  for (const edge of next.edges) {
    const old = oldEdges.get(edge.id);
    if (old?.data && edge.data && sameEdgeData(old.data, edge.data)) edge.data = old.data;
  }
  return next;
}

/** What the canvas draws for a graph: Vue Flow nodes and edges. */
export interface CanvasModel {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

/**
 * Maps a graph and its analysis to Vue Flow nodes and edges. Collapsed blocks become one
 * node each, with edges crossing the block rerouted to it; expanded blocks get a frame
 * drawn behind their layers. Selection is not part of the model: Vue Flow keeps it on its
 * own elements, so selecting (which a drag starts with) never rebuilds the canvas.
 */
export function buildCanvasModel(graph: ModelGraph, analysis: GraphAnalysis): CanvasModel {
  const problems = indexProblems(analysis.problems);
  const collapsed = new Map(graph.groups.filter((group) => group.collapsed).map((group) => [group.id, group]));
  const nodeById = new Map(graph.nodes.map((node) => [node.id, node]));
  const incoming = new Map<string, number[]>();
  for (const edge of graph.edges) {
    const list = incoming.get(edge.target) ?? [];
    list.push(edge.targetIndex);
    incoming.set(edge.target, list);
  }

  const nodes: CanvasNode[] = [];
  const members = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    if (node.group !== undefined) {
      const list = members.get(node.group) ?? [];
      list.push(node);
      members.set(node.group, list);
    }
  }

  for (const group of graph.groups) {
    const inside = members.get(group.id) ?? [];
    if (inside.length === 0) continue;
    const minX = Math.min(...inside.map((n) => n.position.x));
    const minY = Math.min(...inside.map((n) => n.position.y));
    const maxX = Math.max(...inside.map((n) => n.position.x + NODE_WIDTH));
    const maxY = Math.max(...inside.map((n) => n.position.y + NODE_HEIGHT));
    if (group.collapsed) {
      const ids = new Set(inside.map((n) => n.id));
      // The block's output is its member feeding a layer outside the block (else its last member).
      const exit = graph.edges.find((edge) => ids.has(edge.source) && !ids.has(edge.target))?.source ?? inside.at(-1)?.id;
      const shape = exit !== undefined ? analysis.shapes[exit] : undefined;
      nodes.push({
        id: collapsedGroupNodeId(group.id),
        type: 'groupCollapsed',
        position: { x: minX, y: minY },
        data: {
          kind: 'groupCollapsed',
          groupId: group.id,
          name: group.name,
          layerCount: inside.length,
          paramCount: inside.reduce((sum, n) => sum + (analysis.params[n.id]?.trainable ?? 0) + (analysis.params[n.id]?.nonTrainable ?? 0), 0),
          outputShape: shape ? formatShape(shape) : null,
          hasErrors: inside.some((n) => problems.byNode.get(n.id)?.some((p) => p.severity === 'error')),
        },
      });
    } else {
      nodes.push({
        id: groupFrameNodeId(group.id),
        type: 'groupFrame',
        position: { x: minX - FRAME_PAD_X, y: minY - FRAME_PAD - FRAME_TITLE },
        width: maxX - minX + 2 * FRAME_PAD_X,
        height: maxY - minY + 2 * FRAME_PAD + FRAME_TITLE,
        draggable: false,
        selectable: false,
        connectable: false,
        zIndex: -1,
        data: { kind: 'groupFrame', groupId: group.id, name: group.name, layerCount: inside.length },
      });
    }
  }

  for (const node of graph.nodes) {
    if (node.group !== undefined && collapsed.has(node.group)) continue;
    const spec = findLayerSpec(node.type);
    const shape = analysis.shapes[node.id];
    const count = analysis.params[node.id];
    const connected = incoming.get(node.id) ?? [];
    const maxInputs = spec?.arity.max ?? 1;
    const isMerge = maxInputs > 1;
    const inputHandles = maxInputs === 0 ? 0 : isMerge ? Math.max(spec?.arity.min ?? 2, connected.length === 0 ? 0 : Math.max(...connected) + 2, connected.length + 1) : 1;
    nodes.push({
      id: node.id,
      type: 'layer',
      position: node.position,
      data: {
        kind: 'layer',
        type: node.type,
        name: node.name,
        family: spec?.family ?? 'core',
        keyParams: cachedKeyParams(node),
        outputShape: shape ? formatShape(shape) : null,
        paramCount: count ? count.trainable + count.nonTrainable : null,
        trainable: node.trainable,
        problems: problems.byNode.get(node.id) ?? [],
        inputHandles,
        isMerge,
        connectedInputs: connected,
      },
    });
  }

  const seen = new Set<string>();
  const edges: CanvasEdge[] = [];
  for (const edge of graph.edges) {
    const sourceNode = nodeById.get(edge.source);
    const targetNode = nodeById.get(edge.target);
    const sourceGroup = sourceNode?.group !== undefined && collapsed.has(sourceNode.group) ? sourceNode.group : undefined;
    const targetGroup = targetNode?.group !== undefined && collapsed.has(targetNode.group) ? targetNode.group : undefined;
    if (sourceGroup !== undefined && sourceGroup === targetGroup) continue;
    const source = sourceGroup !== undefined ? collapsedGroupNodeId(sourceGroup) : edge.source;
    const target = targetGroup !== undefined ? collapsedGroupNodeId(targetGroup) : edge.target;
    const targetIndex = targetGroup !== undefined ? 0 : edge.targetIndex;
    const key = `${source}>${target}#${targetIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const shape = analysis.shapes[edge.source];
    const problem = problems.byEdge.get(edge.id) ?? problems.byInput.get(`${edge.target}#${edge.targetIndex}`) ?? null;
    const targetSpec = targetNode ? findLayerSpec(targetNode.type) : undefined;
    edges.push({
      id: edge.id,
      type: 'shape',
      source,
      target,
      sourceHandle: 'out',
      targetHandle: inputHandleId(targetIndex),
      data: {
        shape: shape ? formatShape(shape) : null,
        problem,
        targetIndex: edge.targetIndex,
        showIndex: targetGroup === undefined && (targetSpec?.arity.max ?? 1) > 1,
        sourceName: (sourceGroup !== undefined ? collapsed.get(sourceGroup)?.name : sourceNode?.name) ?? edge.source,
        targetName: (targetGroup !== undefined ? collapsed.get(targetGroup)?.name : targetNode?.name) ?? edge.target,
      },
    });
  }
  return { nodes, edges };
}

/**
 * The graph node ids behind a canvas selection: a collapsed block stands for its layers,
 * frames stand for nothing.
 */
export function expandCanvasSelection(graph: ModelGraph, canvasIds: readonly string[]): string[] {
  const ids = new Set<string>();
  const nodeIds = new Set(graph.nodes.map((node) => node.id));
  for (const id of canvasIds) {
    if (nodeIds.has(id)) ids.add(id);
    else if (id.startsWith('group:')) {
      const groupId = id.slice('group:'.length);
      for (const node of graph.nodes) if (node.group === groupId) ids.add(node.id);
    }
  }
  return [...ids];
}

/** The first free block name `block_1`, `block_2`, ... */
export function nextGroupName(graph: ModelGraph): string {
  const taken = new Set(graph.groups.map((group) => group.name));
  let index = 1;
  while (taken.has(`block_${index}`)) index += 1;
  return `block_${index}`;
}
