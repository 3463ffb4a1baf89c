import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { LabError } from '../../common/errors';
import { analyzeGraph } from '../../common/graph/analysis';
import { applyFix as applyGraphFix, applyGraphEdits, connect, createNode, newGraphId, removeNodes, uniqueLayerName } from '../../common/graph/edits';
import type { GraphAnalysis, GraphEdit, GraphFix } from '../../common/graph/problems';
import { GRAPH_SCHEMA_VERSION, type GraphEdge, type GraphNode, type ModelGraph, type Position } from '../../common/graph/schema';
import { autoLayout, type NodeSize } from '../canvas/layout';

/** How an edit enters the undo history. */
export interface CommitOptions {
  /** Shown as "Undo <label>". */
  label: string;
  /**
   * Consecutive commits with the same key within `COALESCE_MS` become one undo step
   * (a drag, typing in a number field).
   */
  coalesceKey?: string;
}

/** One entry of the undo or redo stack: the graph before (or after) an edit. */
export interface HistoryEntry {
  graph: ModelGraph;
  label: string;
}

/** Nodes and the edges among them, as copied; pasting gives them fresh ids and names. */
export interface GraphClipboard {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Undo steps kept; a ResNet50 graph is ~100 KB, so this bounds history near 20 MB. */
const HISTORY_LIMIT = 200;
/** Commits with the same coalesce key closer together than this merge into one step. */
const COALESCE_MS = 1200;
/** How far a paste lands from the copied nodes, so it is visibly a copy. */
const PASTE_OFFSET = 40;
/** Name of the performance measure taken around each analysis (read by the e2e test). */
export const ANALYSIS_MEASURE = 'model-lab:analysis';

/** An empty graph: what a new project starts from. */
export function emptyGraph(name = 'model'): ModelGraph {
  return { schemaVersion: GRAPH_SCHEMA_VERSION, name, nodes: [], edges: [], groups: [], metadata: {} };
}

/** Runs the analysis and records its duration as a performance measure. */
function measuredAnalysis(graph: ModelGraph): { analysis: GraphAnalysis; ms: number } {
  const start = performance.now();
  const analysis = analyzeGraph(graph);
  const end = performance.now();
  performance.measure?.(ANALYSIS_MEASURE, { start, end });
  return { analysis, ms: end - start };
}

/** Copies of `nodes` (and the edges among them) with fresh ids and unique names in `graph`. */
function cloneInto(graph: ModelGraph, clip: GraphClipboard, offset: number): { graph: ModelGraph; ids: string[] } {
  const idMap = new Map<string, string>();
  let next = graph;
  const ids: string[] = [];
  for (const node of clip.nodes) {
    const id = newGraphId('n');
    idMap.set(node.id, id);
    ids.push(id);
    // Groups are not copied: a pasted node belongs to no block until the user groups it.
    const copy: GraphNode = {
      id,
      type: node.type,
      name: uniqueLayerName(next, node.type),
      params: structuredClone(node.params),
      trainable: node.trainable,
      position: { x: node.position.x + offset, y: node.position.y + offset },
    };
    next = { ...next, nodes: [...next.nodes, copy] };
  }
  const edges = clip.edges.flatMap((edge) => {
    const source = idMap.get(edge.source);
    const target = idMap.get(edge.target);
    return source && target ? [{ id: newGraphId('e'), source, target, targetIndex: edge.targetIndex }] : [];
  });
  return { graph: { ...next, edges: [...next.edges, ...edges] }, ids };
}

/**
 * The model graph being edited, its analysis, and its undo history. Every change goes
 * through `commit`, which snapshots the previous graph (graphs are immutable values,
 * so a snapshot is a reference) and re-runs the analysis once.
 */
export const useGraphStore = defineStore('graph', () => {
  const graph = shallowRef<ModelGraph>(emptyGraph());
  const analysis = shallowRef<GraphAnalysis>(measuredAnalysis(graph.value).analysis);
  /** Duration of the last analysis in milliseconds. */
  const lastAnalysisMs = shallowRef(0);
  const past = shallowRef<HistoryEntry[]>([]);
  const future = shallowRef<HistoryEntry[]>([]);
  const clipboard = shallowRef<GraphClipboard | null>(null);
  /** Increases on every change, including undo and redo; autosave and the code view watch it. */
  const revision = shallowRef(0);
  /** Increases each time a graph is opened as a fresh document (a project, a restored draft): the canvas then fits it to the view. */
  const openCount = shallowRef(0);
  /**
   * Increases whenever another model takes the canvas (a project, a template, an imported
   * file, a run's model, a transfer model): what was chosen for the previous model, such as
   * the Train form's initial weights, no longer applies.
   */
  const modelSwitches = shallowRef(0);
  let lastCoalesce: { key: string; at: number } | null = null;
  let pasteCount = 0;

  const canUndo = computed(() => past.value.length > 0);
  const canRedo = computed(() => future.value.length > 0);
  const undoLabel = computed(() => past.value.at(-1)?.label ?? null);
  const redoLabel = computed(() => future.value.at(-1)?.label ?? null);
  const nodesById = computed(() => new Map(graph.value.nodes.map((node) => [node.id, node])));

  function setCurrent(next: ModelGraph): void {
    graph.value = next;
    const result = measuredAnalysis(next);
    analysis.value = result.analysis;
    lastAnalysisMs.value = result.ms;
    revision.value += 1;
  }

  /** Makes `next` the current graph as one undoable step (or part of the previous one, when coalescing). */
  function commit(next: ModelGraph, options: CommitOptions): void {
    if (next === graph.value) return;
    const now = Date.now();
    const coalesce = options.coalesceKey !== undefined && lastCoalesce?.key === options.coalesceKey && now - lastCoalesce.at < COALESCE_MS;
    if (!coalesce) past.value = [...past.value, { graph: graph.value, label: options.label }].slice(-HISTORY_LIMIT);
    lastCoalesce = options.coalesceKey !== undefined ? { key: options.coalesceKey, at: now } : null;
    future.value = [];
    setCurrent(next);
  }

  /** Opens a graph as a fresh document: the undo history starts over. */
  function openGraph(next: ModelGraph): void {
    past.value = [];
    future.value = [];
    lastCoalesce = null;
    setCurrent(next);
    openCount.value += 1;
    modelSwitches.value += 1;
  }

  /** Replaces the whole graph as one undoable step (JSON edits, templates). */
  function replaceGraph(next: ModelGraph, label: string, coalesceKey?: string): void {
    commit(next, coalesceKey === undefined ? { label } : { label, coalesceKey });
  }

  /** Puts another model on the canvas as one undoable step (a template, an imported file, a run's model). */
  function openModel(next: ModelGraph, label: string, coalesceKey?: string): void {
    replaceGraph(next, label, coalesceKey);
    modelSwitches.value += 1;
  }

  function undo(): void {
    const entry = past.value.at(-1);
    if (!entry) return;
    past.value = past.value.slice(0, -1);
    future.value = [...future.value, { graph: graph.value, label: entry.label }];
    lastCoalesce = null;
    setCurrent(entry.graph);
  }

  function redo(): void {
    const entry = future.value.at(-1);
    if (!entry) return;
    future.value = future.value.slice(0, -1);
    past.value = [...past.value, { graph: graph.value, label: entry.label }];
    lastCoalesce = null;
    setCurrent(entry.graph);
  }

  /** Adds a layer of `type` at `position`; returns the new node's id. */
  function addLayer(type: string, position: Position, params: Record<string, unknown> = {}): string {
    const result = createNode(graph.value, type, params, position);
    commit(result.graph, { label: `add ${result.node.name}` });
    return result.node.id;
  }

  /** Inserts a new layer of `type` into an edge; returns the new node's id. */
  function insertLayerOnEdge(type: string, edgeId: string): string {
    const before = new Set(graph.value.nodes.map((node) => node.id));
    const next = applyGraphEdits(graph.value, [{ kind: 'insertNodeOnEdge', edgeId, node: { type, params: {} } }]);
    const added = next.nodes.find((node) => !before.has(node.id));
    commit(next, { label: `insert ${added?.name ?? type}` });
    if (!added) throw new LabError('INTERNAL', `Inserting a layer into an edge added no node. Received: edgeId=${edgeId}`, { edgeId });
    return added.id;
  }

  /** Connects `source`'s output to `target`'s input `targetIndex` (next free one when omitted). */
  function connectNodes(source: string, target: string, targetIndex?: number): void {
    if (source === target) return;
    commit(connect(graph.value, source, target, targetIndex), { label: 'connect' });
  }

  /** Applies edits as one undoable step. */
  function applyEdits(edits: readonly GraphEdit[], label: string): void {
    commit(applyGraphEdits(graph.value, edits), { label });
  }

  /** Applies a fix offered by the analysis as one undoable step. */
  function applyFix(fix: GraphFix): void {
    commit(applyGraphFix(graph.value, fix), { label: fix.label });
  }

  /** Deletes nodes (with their edges) and edges in one step. */
  function removeElements(nodeIds: readonly string[], edgeIds: readonly string[] = []): void {
    if (nodeIds.length === 0 && edgeIds.length === 0) return;
    const dropEdges = new Set(edgeIds);
    let next = removeNodes(graph.value, nodeIds);
    next = { ...next, edges: next.edges.filter((edge) => !dropEdges.has(edge.id)) };
    const remainingGroups = new Set(next.nodes.flatMap((node) => (node.group ? [node.group] : [])));
    next = { ...next, groups: next.groups.filter((group) => remainingGroups.has(group.id)) };
    const count = nodeIds.length + edgeIds.length;
    commit(next, { label: count === 1 ? 'delete' : `delete ${count} items` });
  }

  /** Moves nodes; successive moves of the same nodes merge into one undo step. */
  function moveNodes(positions: ReadonlyMap<string, Position>): void {
    if (positions.size === 0) return;
    const next = {
      ...graph.value,
      nodes: graph.value.nodes.map((node) => {
        const position = positions.get(node.id);
        return position && (position.x !== node.position.x || position.y !== node.position.y) ? { ...node, position: { x: Math.round(position.x), y: Math.round(position.y) } } : node;
      }),
    };
    if (next.nodes.every((node, index) => node === graph.value.nodes[index])) return;
    commit(next, { label: 'move', coalesceKey: `move:${[...positions.keys()].sort().join(',')}` });
  }

  /**
   * Moves nodes as part of the edit just made (the room an inserted or opened layer needs):
   * no undo step of its own, so one undo takes back the edit and the room it made.
   */
  function amendPositions(positions: ReadonlyMap<string, Position>): void {
    if (positions.size === 0) return;
    setCurrent({ ...graph.value, nodes: graph.value.nodes.map((node) => {
      const position = positions.get(node.id);
      return position ? { ...node, position: { x: Math.round(position.x), y: Math.round(position.y) } } : node;
    }) });
  }

  /** Sets one Keras argument; `undefined` returns it to the Keras default. */
  function setParam(nodeId: string, field: string, value: unknown): void {
    commit(applyGraphEdits(graph.value, [{ kind: 'setParam', nodeId, field, value }]), { label: `set ${field}`, coalesceKey: `param:${nodeId}:${field}` });
  }

  /** Freezes (false) or unfreezes a layer. */
  function setTrainable(nodeId: string, trainable: boolean): void {
    const next = { ...graph.value, nodes: graph.value.nodes.map((node) => (node.id === nodeId ? { ...node, trainable } : node)) };
    commit(next, { label: trainable ? 'unfreeze' : 'freeze' });
  }

  /**
   * Renames a layer.
   * @throws LabError `GRAPH_DUPLICATE` when another layer has the name, `LAYER_BAD_PARAM` when it is empty.
   */
  function renameNode(nodeId: string, name: string): void {
    const trimmed = name.trim();
    if (!/^[A-Za-z0-9_.\-/]+$/.test(trimmed)) {
      throw new LabError('LAYER_BAD_PARAM', `A layer name is letters, digits, '_', '.', '-' or '/' and not empty. Received: name=${JSON.stringify(name)}`, { nodeId, field: 'name', received: name });
    }
    const clash = graph.value.nodes.find((node) => node.name === trimmed && node.id !== nodeId);
    if (clash) throw new LabError('GRAPH_DUPLICATE', `Layer names must be unique; another layer is already called "${trimmed}". Received: name=${trimmed}`, { nodeId, field: 'name', received: trimmed });
    const next = { ...graph.value, nodes: graph.value.nodes.map((node) => (node.id === nodeId ? { ...node, name: trimmed } : node)) };
    commit(next, { label: `rename to ${trimmed}` });
  }

  /** Renames the model itself (Keras `Model(name=...)`). */
  function renameModel(name: string): void {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed === graph.value.name) return;
    commit({ ...graph.value, name: trimmed }, { label: 'rename model' });
  }

  function clipFor(nodeIds: readonly string[]): GraphClipboard {
    const chosen = new Set(nodeIds);
    return {
      nodes: graph.value.nodes.filter((node) => chosen.has(node.id)),
      edges: graph.value.edges.filter((edge) => chosen.has(edge.source) && chosen.has(edge.target)),
    };
  }

  /** Copies nodes and the edges among them to the editor's clipboard. */
  function copyNodes(nodeIds: readonly string[]): void {
    if (nodeIds.length === 0) return;
    clipboard.value = clipFor(nodeIds);
    pasteCount = 0;
  }

  /** Pastes the clipboard with fresh ids and names; returns the new node ids. */
  function paste(): string[] {
    const clip = clipboard.value;
    if (!clip || clip.nodes.length === 0) return [];
    pasteCount += 1;
    const result = cloneInto(graph.value, clip, PASTE_OFFSET * pasteCount);
    commit(result.graph, { label: `paste ${result.ids.length} layer${result.ids.length === 1 ? '' : 's'}` });
    return result.ids;
  }

  /** Duplicates nodes beside the originals without touching the clipboard; returns the new ids. */
  function duplicateNodes(nodeIds: readonly string[]): string[] {
    if (nodeIds.length === 0) return [];
    const result = cloneInto(graph.value, clipFor(nodeIds), PASTE_OFFSET);
    commit(result.graph, { label: 'duplicate' });
    return result.ids;
  }

  /**
   * Puts nodes into a new named block (graph.groups + node.group); a node already in a
   * block moves to the new one. Returns the group id.
   * @throws LabError `LAYER_BAD_PARAM` when no node is given or the name is empty.
   */
  function groupNodes(nodeIds: readonly string[], name: string): string {
    const trimmed = name.trim();
    if (nodeIds.length === 0 || trimmed.length === 0) {
      throw new LabError('LAYER_BAD_PARAM', `A block needs at least one layer and a name. Received: layers=${nodeIds.length}, name=${JSON.stringify(name)}`, { field: 'group' });
    }
    const id = newGraphId('g');
    const chosen = new Set(nodeIds);
    const nodes = graph.value.nodes.map((node) => (chosen.has(node.id) ? { ...node, group: id } : node));
    const used = new Set(nodes.flatMap((node) => (node.group ? [node.group] : [])));
    const groups = [...graph.value.groups.filter((group) => used.has(group.id)), { id, name: trimmed, collapsed: false }];
    commit({ ...graph.value, nodes, groups }, { label: `group as ${trimmed}` });
    return id;
  }

  /** Dissolves a block; its layers stay where they are. */
  function ungroup(groupId: string): void {
    const nodes = graph.value.nodes.map((node) => {
      if (node.group !== groupId) return node;
      const { group: _group, ...rest } = node;
      return rest;
    });
    commit({ ...graph.value, nodes, groups: graph.value.groups.filter((group) => group.id !== groupId) }, { label: 'ungroup' });
  }

  /** Collapses a block into one canvas node, or expands it again. */
  function setGroupCollapsed(groupId: string, collapsed: boolean): void {
    const groups = graph.value.groups.map((group) => (group.id === groupId ? { ...group, collapsed } : group));
    commit({ ...graph.value, groups }, { label: collapsed ? 'collapse block' : 'expand block' });
  }

  /** Renames a block. */
  function renameGroup(groupId: string, name: string): void {
    const trimmed = name.trim();
    if (trimmed.length === 0) return;
    const groups = graph.value.groups.map((group) => (group.id === groupId ? { ...group, name: trimmed } : group));
    commit({ ...graph.value, groups }, { label: 'rename block' });
  }

  /** Lays the graph out top to bottom (dagre) as one undoable step, using measured node sizes where given. */
  function layout(sizes?: ReadonlyMap<string, NodeSize>, coalesceKey?: string): void {
    commit(autoLayout(graph.value, sizes), coalesceKey === undefined ? { label: 'auto-layout' } : { label: 'auto-layout', coalesceKey });
  }

  return {
    graph,
    analysis,
    lastAnalysisMs,
    past,
    future,
    clipboard,
    revision,
    openCount,
    modelSwitches,
    canUndo,
    canRedo,
    undoLabel,
    redoLabel,
    nodesById,
    commit,
    openGraph,
    replaceGraph,
    openModel,
    undo,
    redo,
    addLayer,
    insertLayerOnEdge,
    connectNodes,
    applyEdits,
    applyFix,
    removeElements,
    moveNodes,
    amendPositions,
    setParam,
    setTrainable,
    renameNode,
    renameModel,
    copyNodes,
    paste,
    duplicateNodes,
    groupNodes,
    ungroup,
    setGroupCollapsed,
    renameGroup,
    layout,
  };
});
