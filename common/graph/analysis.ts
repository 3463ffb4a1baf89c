import { LabError } from '../errors';
import { findLayerSpec, layerParamCount, resolveLayerParams } from '../catalog';
import type { AnyLayerSpec, ParamCount } from '../catalog/types';
import type { GraphEdge, GraphNode, ModelGraph } from './schema';
import type { GraphAnalysis, GraphEdit, GraphFix, GraphProblem } from './problems';
import { formatShape, type Shape } from './shape';
import { mergeMismatchProblems } from './mergeFixes';

/**
 * Whole-graph analysis: topological order, shapes, parameter counts and every problem
 * with a fix where one exists. The editor runs this on every edit, so it is one linear
 * pass over nodes and edges (ResNet50 takes a few milliseconds).
 */

/** What analysis knows about one node once its type and params are resolved. */
interface NodeInfo {
  node: GraphNode;
  spec: AnyLayerSpec | undefined;
  /** Parsed params; undefined when the type is unknown or a param is invalid. */
  params: Record<string, unknown> | undefined;
  /** Valid incoming edges sorted by input index. */
  inputs: GraphEdge[];
  outputs: GraphEdge[];
  /** False when the number or numbering of inputs is wrong, so shapes are not inferred. */
  inputsOk: boolean;
}

/**
 * A record keyed by node ids without a prototype: an id such as `toString`, `constructor`
 * or `__proto__` is then an ordinary key, and a missing id reads as undefined instead of
 * an inherited member of Object.prototype.
 */
export function recordById<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [id, value] of entries) record[id] = value;
  return record;
}

/**
 * The entry of `id` in a record keyed by node ids, reading own entries only: an analysis
 * that crossed a transport is a plain object again, whose prototype has a `toString`.
 */
export function entryById<T>(record: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

/** `conv2d_1 (Conv2D)`: how messages name a layer. */
export function layerLabel(node: Pick<GraphNode, 'name' | 'type'>): string {
  return `${node.name} (${node.type})`;
}

/** True for layers that take no input (`Input`). */
function isInputSpec(spec: AnyLayerSpec | undefined): boolean {
  return spec !== undefined && spec.arity.max === 0;
}

/** A problem object without `undefined` members, so it serialises cleanly. */
function problem(fields: GraphProblem): GraphProblem {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) result[key] = value;
  return result as GraphProblem;
}

function insertOnEdge(edge: GraphEdge, type: string, params: Record<string, unknown> = {}): GraphEdit {
  return { kind: 'insertNodeOnEdge', edgeId: edge.id, node: { type, params } };
}

/** Checks ids, names and edge ends; returns the usable edges. */
function checkStructure(graph: ModelGraph, nodesById: Map<string, GraphNode>, problems: GraphProblem[]): GraphEdge[] {
  const names = new Map<string, GraphNode>();
  const seenIds = new Set<string>();
  for (const node of graph.nodes) {
    if (seenIds.has(node.id)) {
      problems.push(problem({ code: 'GRAPH_DUPLICATE', severity: 'error', nodeId: node.id, field: 'id', message: `Layer ${layerLabel(node)} has the same id as another layer; every layer needs its own id. Received: id=${JSON.stringify(node.id)}` }));
    } else {
      seenIds.add(node.id);
      nodesById.set(node.id, node);
    }
    const other = names.get(node.name);
    if (other) {
      problems.push(problem({ code: 'GRAPH_DUPLICATE', severity: 'error', nodeId: node.id, field: 'name', message: `Two layers are named "${node.name}" (${other.type} and ${node.type}); Keras requires unique layer names. Rename one of them.` }));
    } else {
      names.set(node.name, node);
    }
  }
  const edgeIds = new Set<string>();
  const usable: GraphEdge[] = [];
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) {
      const ends = [nodesById.get(edge.source)?.name ?? edge.source, nodesById.get(edge.target)?.name ?? edge.target];
      problems.push(problem({ code: 'GRAPH_DUPLICATE', severity: 'error', edgeId: edge.id, field: 'id', message: `The connection from ${ends[0]} to ${ends[1]} reuses the id ${JSON.stringify(edge.id)} of another connection; every connection needs its own id.` }));
      continue;
    }
    edgeIds.add(edge.id);
    const source = nodesById.get(edge.source);
    const target = nodesById.get(edge.target);
    if (!source || !target) {
      const missing = [!source ? `source ${JSON.stringify(edge.source)}` : '', !target ? `target ${JSON.stringify(edge.target)}` : ''].filter(Boolean).join(' and ');
      const end = source ?? target;
      problems.push(problem({
        code: 'GRAPH_BAD_EDGE',
        severity: 'error',
        edgeId: edge.id,
        nodeId: end?.id,
        message: `A connection${end ? ` of ${layerLabel(end)}` : ''} points to a layer that does not exist (${missing}).`,
        fix: { label: 'Remove the broken connection', edits: [{ kind: 'removeEdge', edgeId: edge.id }] },
      }));
      continue;
    }
    usable.push(edge);
  }
  return usable;
}

/** Resolves each node's spec and params, reporting unknown types and bad params. */
function resolveNodes(nodesById: Map<string, GraphNode>, edges: readonly GraphEdge[], problems: GraphProblem[]): Map<string, NodeInfo> {
  const infos = new Map<string, NodeInfo>();
  for (const node of nodesById.values()) {
    const spec = findLayerSpec(node.type);
    let params: Record<string, unknown> | undefined;
    if (!spec) {
      problems.push(problem({ code: 'LAYER_UNKNOWN_TYPE', severity: 'error', nodeId: node.id, field: 'type', message: `Layer ${node.name} has an unknown type; expected a layer type from the catalog. Received: type=${JSON.stringify(node.type)}` }));
    } else {
      const resolved = resolveLayerParams(spec, node.params);
      for (const error of resolved.errors) {
        const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
        problems.push(problem({ code: error.code, severity: 'error', nodeId: node.id, field, message: `${layerLabel(node)}: ${error.message}` }));
      }
      if (resolved.errors.length === 0) params = resolved.params;
    }
    infos.set(node.id, { node, spec, params, inputs: [], outputs: [], inputsOk: true });
  }
  for (const edge of edges) {
    infos.get(edge.target)?.inputs.push(edge);
    infos.get(edge.source)?.outputs.push(edge);
  }
  for (const info of infos.values()) {
    // Stable sort keeps graph order among equal indices, so duplicates are reported deterministically.
    info.inputs.sort((a, b) => a.targetIndex - b.targetIndex);
  }
  return infos;
}

/** The edits that renumber a merge's inputs to 0..n-1 in their current order. */
function renumberInputs(info: NodeInfo): GraphEdit[] {
  const edits: GraphEdit[] = [];
  info.inputs.forEach((edge, index) => {
    if (edge.targetIndex !== index) {
      edits.push({ kind: 'removeEdge', edgeId: edge.id }, { kind: 'addEdge', source: edge.source, target: edge.target, targetIndex: index });
    }
  });
  return edits;
}

/** `input 0` / `inputs 0 and 2`. */
function inputPositions(positions: readonly number[]): string {
  if (positions.length === 1) return `input ${positions[0]}`;
  return `inputs ${positions.slice(0, -1).join(', ')} and ${positions[positions.length - 1]}`;
}

/** Names the inputs of a merge that are not connected yet, and what the connected ones come from. */
function missingInputsMessage(info: NodeInfo, min: number, nodesById: Map<string, GraphNode>): string {
  const taken = new Set(info.inputs.map((edge) => edge.targetIndex));
  const highest = info.inputs.reduce((most, edge) => Math.max(most, edge.targetIndex), -1);
  const missing: number[] = [];
  for (let position = 0; position < Math.max(min, highest + 1); position++) if (!taken.has(position)) missing.push(position);
  const connected = info.inputs.map((edge) => `input ${edge.targetIndex} comes from ${nodesById.get(edge.source)?.name ?? edge.source}`).join('; ');
  const verb = missing.length === 1 ? 'is' : 'are';
  return `${layerLabel(info.node)} needs at least ${min} inputs: ${inputPositions(missing)} ${verb} not connected${connected ? ` (${connected})` : ''}. Connect a layer to input ${missing[0] ?? info.inputs.length}.`;
}

/** Checks the number and numbering of each node's inputs against its arity. */
function checkArity(infos: Map<string, NodeInfo>, nodesById: Map<string, GraphNode>, problems: GraphProblem[]): void {
  for (const info of infos.values()) {
    const { node, spec } = info;
    if (!spec) continue;
    const count = info.inputs.length;
    const { min, max } = spec.arity;
    if (max === 0) {
      for (const edge of info.inputs) {
        const source = nodesById.get(edge.source);
        problems.push(problem({
          code: 'GRAPH_BAD_EDGE', severity: 'error', nodeId: node.id, edgeId: edge.id,
          message: `${layerLabel(node)} is an input of the model and cannot receive data from ${source ? layerLabel(source) : 'another layer'}.`,
          fix: { label: `Remove the connection into ${node.name}`, edits: [{ kind: 'removeEdge', edgeId: edge.id }] },
        }));
      }
      continue;
    }
    if (count === 0) {
      problems.push(problem({
        code: 'GRAPH_DANGLING', severity: 'error', nodeId: node.id,
        message: `${layerLabel(node)} has no input connected. Connect a layer's output to it, or delete it.`,
        fix: info.outputs.length === 0 ? { label: `Delete ${node.name}`, edits: [{ kind: 'removeNode', nodeId: node.id }] } : undefined,
      }));
      info.inputsOk = false;
      continue;
    }
    if (count < min) {
      problems.push(problem({ code: 'GRAPH_INVALID', severity: 'error', nodeId: node.id, message: missingInputsMessage(info, min, nodesById) }));
      info.inputsOk = false;
      // Which positions are taken says nothing yet: the missing input is the problem to name.
      continue;
    }
    if (count > max) {
      const extra = info.inputs.slice(max);
      for (const edge of extra) {
        const source = nodesById.get(edge.source);
        problems.push(problem({
          code: 'GRAPH_INVALID', severity: 'error', nodeId: node.id, edgeId: edge.id, inputIndex: edge.targetIndex,
          message: `${layerLabel(node)} takes ${max === 1 ? 'one input' : `at most ${max} inputs`} but ${source ? source.name : 'another layer'} is connected as an extra one. Use a merge layer (Add, Concatenate) to combine several inputs.`,
          fix: { label: `Remove the connection from ${source?.name ?? edge.source}`, edits: [{ kind: 'removeEdge', edgeId: edge.id }] },
        }));
      }
      info.inputsOk = false;
      continue;
    }
    if (max > 1) checkInputIndices(info, nodesById, problems);
  }
}

/** Merges order their inputs by index: duplicates are ambiguous (error), gaps are suspicious (warning). */
function checkInputIndices(info: NodeInfo, nodesById: Map<string, GraphNode>, problems: GraphProblem[]): void {
  const { node } = info;
  const duplicates = info.inputs.filter((edge, i) => i > 0 && info.inputs[i - 1]?.targetIndex === edge.targetIndex);
  const fix: GraphFix = { label: `Renumber the inputs of ${node.name} 0 to ${info.inputs.length - 1}`, edits: renumberInputs(info) };
  for (const edge of duplicates) {
    const source = nodesById.get(edge.source);
    problems.push(problem({
      code: 'GRAPH_INVALID', severity: 'error', nodeId: node.id, edgeId: edge.id, inputIndex: edge.targetIndex,
      message: `Two inputs of ${layerLabel(node)} are both at position ${edge.targetIndex} (one from ${source?.name ?? edge.source}); the order of a merge's inputs must be unambiguous.`,
      fix,
    }));
  }
  if (duplicates.length > 0) {
    info.inputsOk = false;
    return;
  }
  const last = info.inputs[info.inputs.length - 1];
  if (last && last.targetIndex !== info.inputs.length - 1) {
    const positions = info.inputs.map((e) => e.targetIndex).join(', ');
    problems.push(problem({
      code: 'GRAPH_INVALID', severity: 'warning', nodeId: node.id, edgeId: last.id, inputIndex: last.targetIndex,
      message: `The inputs of ${layerLabel(node)} are at positions ${positions}; positions should be 0 to ${info.inputs.length - 1} with no gaps.`,
      fix,
    }));
  }
}

/** Kahn's algorithm; returns the order (possibly partial) and reports each cycle by its layers. */
function topologicalOrder(infos: Map<string, NodeInfo>, problems: GraphProblem[]): { order: string[]; cyclic: boolean } {
  const indegree = new Map<string, number>();
  for (const [id, info] of infos) indegree.set(id, info.inputs.length);
  const order: string[] = [];
  for (const [id, degree] of indegree) if (degree === 0) order.push(id);
  for (let head = 0; head < order.length; head++) {
    const info = infos.get(order[head] as string) as NodeInfo;
    for (const edge of info.outputs) {
      const remaining = (indegree.get(edge.target) ?? 0) - 1;
      indegree.set(edge.target, remaining);
      if (remaining === 0) order.push(edge.target);
    }
  }
  if (order.length === infos.size) return { order, cyclic: false };
  reportCycles(infos, new Set(order), problems);
  return { order, cyclic: true };
}

/**
 * Names the layers of each cycle. Every node left after Kahn's algorithm lies on a cycle
 * or downstream of one; walking remaining successors from a node entered from the
 * ordered part must revisit a node, and the loop found is a cycle. The edge closing it
 * is offered for removal.
 */
function reportCycles(infos: Map<string, NodeInfo>, ordered: Set<string>, problems: GraphProblem[]): void {
  const remaining = [...infos.keys()].filter((id) => !ordered.has(id));
  const enteredFromOutside = (id: string): boolean => (infos.get(id)?.inputs ?? []).some((e) => ordered.has(e.source));
  remaining.sort((a, b) => Number(enteredFromOutside(b)) - Number(enteredFromOutside(a)));
  const onReportedCycle = new Set<string>();
  const downstreamOnly = pruneDownstream(infos, ordered);
  for (const start of remaining) {
    if (onReportedCycle.has(start) || downstreamOnly.has(start)) continue;
    const path: string[] = [];
    const position = new Map<string, number>();
    let current: string | undefined = start;
    let closing: GraphEdge | undefined;
    while (current !== undefined && !position.has(current) && !onReportedCycle.has(current)) {
      position.set(current, path.length);
      path.push(current);
      const next: GraphEdge | undefined = infos.get(current)?.outputs.find((e) => !ordered.has(e.target) && !downstreamOnly.has(e.target));
      closing = next;
      current = next?.target;
    }
    if (current === undefined || onReportedCycle.has(current) || !closing) continue;
    const cycle = path.slice(position.get(current));
    for (const id of cycle) onReportedCycle.add(id);
    const nodes = cycle.map((id) => (infos.get(id) as NodeInfo).node);
    const first = nodes[0] as GraphNode;
    const last = nodes[nodes.length - 1] as GraphNode;
    const loop = [...nodes.map((n) => n.name), first.name].join(' → ');
    problems.push(problem({
      code: 'GRAPH_CYCLE', severity: 'error', nodeId: first.id, edgeId: closing.id,
      message: `Layers ${loop} form a cycle; data must flow one way from the inputs to the outputs.`,
      fix: { label: `Remove the connection from ${last.name} to ${first.name}`, edits: [{ kind: 'removeEdge', edgeId: closing.id }] },
    }));
  }
}

/** Unordered nodes from which no cycle can be reached: they sit downstream of a cycle, not on one. */
function pruneDownstream(infos: Map<string, NodeInfo>, ordered: Set<string>): Set<string> {
  const pruned = new Set<string>();
  const outDegree = new Map<string, number>();
  const queue: string[] = [];
  for (const [id, info] of infos) {
    if (ordered.has(id)) continue;
    const degree = info.outputs.filter((e) => !ordered.has(e.target)).length;
    outDegree.set(id, degree);
    if (degree === 0) queue.push(id);
  }
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    pruned.add(id);
    for (const edge of infos.get(id)?.inputs ?? []) {
      if (ordered.has(edge.source)) continue;
      const remaining = (outDegree.get(edge.source) ?? 0) - 1;
      outDegree.set(edge.source, remaining);
      if (remaining === 0) queue.push(edge.source);
    }
  }
  return pruned;
}

/** The starts and every id reached from them by repeatedly taking `next` (a breadth-first walk). */
function walk(starts: readonly string[], next: (id: string) => readonly string[]): Set<string> {
  const reached = new Set<string>(starts);
  const queue = [...starts];
  for (let head = 0; head < queue.length; head++) {
    for (const id of next(queue[head] as string)) {
      if (!reached.has(id)) {
        reached.add(id);
        queue.push(id);
      }
    }
  }
  return reached;
}

/** Ids reachable from the Input layers along the edges. */
function reachableFromInputs(infos: Map<string, NodeInfo>, inputs: readonly string[]): Set<string> {
  return walk(inputs, (id) => (infos.get(id)?.outputs ?? []).map((edge) => edge.target));
}

/** The fixes for a Dense layer fed a feature map: Flatten first, global pooling as the alternative. */
function denseOnFeatureMapProblem(info: NodeInfo, inputShape: Shape, outputShape: Shape | undefined): GraphProblem | undefined {
  const edge = info.inputs[0];
  if (info.node.type !== 'Dense' || inputShape.length <= 2 || !edge) return undefined;
  const pooling = inputShape.length === 4 ? 'GlobalAveragePooling2D' : inputShape.length === 3 ? 'GlobalAveragePooling1D' : undefined;
  const alternatives: GraphFix[] = pooling && findLayerSpec(pooling)
    ? [{ label: `Insert ${pooling} before ${info.node.name}`, edits: [insertOnEdge(edge, pooling)] }]
    : [];
  const result = outputShape ? `, so its output stays ${inputShape.length}-D ${formatShape(outputShape)}` : '';
  return problem({
    code: 'SHAPE_RANK', severity: 'warning', nodeId: info.node.id, edgeId: edge.id, inputIndex: 0,
    message: `${layerLabel(info.node)} receives a ${inputShape.length}-D input ${formatShape(inputShape)}. Dense acts on the last axis only${result}; to classify the whole feature map, flatten it first.`,
    fix: { label: `Insert Flatten before ${info.node.name}`, edits: [insertOnEdge(edge, 'Flatten')] },
    alternatives: alternatives.length > 0 ? alternatives : undefined,
  });
}

/** A padding change that turns an invalid output into a valid one, when the layer has `padding`. */
function paddingFix(info: NodeInfo, inputShapes: readonly Shape[]): GraphFix | undefined {
  const { spec, params, node } = info;
  if (!spec || !params || params['padding'] !== 'valid') return undefined;
  const candidate = resolveLayerParams(spec, { ...node.params, padding: 'same' });
  if (candidate.errors.length > 0) return undefined;
  try {
    spec.outputShape(inputShapes, candidate.params);
  } catch {
    return undefined;
  }
  return { label: `Set padding of ${node.name} to 'same'`, edits: [{ kind: 'setParam', nodeId: node.id, field: 'padding', value: 'same' }] };
}

/**
 * A spatial layer placed after a Flatten (a Conv2D after the classifier started) takes
 * the feature map the Flatten received, when the Flatten feeds nothing else.
 */
function skipFlattenFix(info: NodeInfo, infos: Map<string, NodeInfo>, shapes: Map<string, Shape>): GraphFix | undefined {
  const edge = info.inputs[0];
  const flatten = edge ? infos.get(edge.source) : undefined;
  const before = flatten?.inputs[0];
  if (!edge || !flatten || !before || flatten.node.type !== 'Flatten' || flatten.outputs.length !== 1 || info.inputs.length !== 1 || !info.spec || !info.params) return undefined;
  const featureMap = shapes.get(before.source);
  if (!featureMap) return undefined;
  try {
    info.spec.outputShape([featureMap], info.params);
  } catch {
    return undefined;
  }
  return {
    label: `Remove ${flatten.node.name} so ${info.node.name} receives the ${formatShape(featureMap)} feature map`,
    edits: [{ kind: 'removeNode', nodeId: flatten.node.id }, { kind: 'addEdge', source: before.source, target: info.node.id, targetIndex: edge.targetIndex }],
  };
}

/**
 * The layers with `padding: 'valid'` on the branch that ends in `edge`, nearest first,
 * each with the shape `edge` would carry were that layer's padding 'same'. The branch is
 * the single-input chain up from the edge's source that feeds nothing else: a layer
 * shared with another branch would change that one too.
 */
function paddingSameCandidates(edge: GraphEdge, infos: Map<string, NodeInfo>, shapes: Map<string, Shape>): { node: GraphNode; shape: Shape }[] {
  const branch: NodeInfo[] = [];
  for (let info = infos.get(edge.source); info && info.inputs.length === 1 && (branch.length === 0 || info.outputs.length === 1); info = infos.get(info.inputs[0]?.source ?? '')) {
    branch.push(info);
  }
  const candidates: { node: GraphNode; shape: Shape }[] = [];
  branch.forEach((candidate, index) => {
    const { spec, params, node } = candidate;
    const inputShape = shapes.get(candidate.inputs[0]?.source ?? '');
    if (!spec || !params || params['padding'] !== 'valid' || !inputShape) return;
    const same = resolveLayerParams(spec, { ...node.params, padding: 'same' });
    if (same.errors.length > 0) return;
    try {
      let shape = spec.outputShape([inputShape], same.params);
      // Down the branch again to the merge, each layer on the new shape.
      for (let below = index - 1; below >= 0; below--) {
        const next = branch[below] as NodeInfo;
        if (!next.spec || !next.params) return;
        shape = next.spec.outputShape([shape], next.params);
      }
      candidates.push({ node, shape });
    } catch {
      // The layers below do not take the new shape: no fix here.
    }
  });
  return candidates;
}

/**
 * The editor analyses half-built graphs on every keystroke, so a layer spec that fails
 * unexpectedly becomes an `INTERNAL` problem on its node instead of breaking the editor.
 */
function asLabError(thrown: unknown): LabError {
  return thrown instanceof LabError ? thrown : new LabError('INTERNAL', `Unexpected failure while computing the layer's shape: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
}

/** Infers one node's output shape and parameter count, reporting what goes wrong. */
function inferNode(info: NodeInfo, infos: Map<string, NodeInfo>, shapes: Map<string, Shape>, nodesById: Map<string, GraphNode>, problems: GraphProblem[]): { shape?: Shape; params?: ParamCount } {
  const { node, spec, params } = info;
  if (!spec || !params || !info.inputsOk) return {};
  const inputShapes: Shape[] = [];
  // An Input's shape is its own; a stray edge into it is reported, not propagated.
  const inputEdges = spec.arity.max === 0 ? [] : info.inputs;
  for (const edge of inputEdges) {
    const shape = shapes.get(edge.source);
    // An unknown input shape was already reported where it arose.
    if (!shape) return {};
    inputShapes.push(shape);
  }
  let shape: Shape | undefined;
  try {
    shape = spec.outputShape(inputShapes, params);
  } catch (thrown) {
    const error = asLabError(thrown);
    const merge = error.code === 'SHAPE_MISMATCH' ? mergeMismatchProblems(info.node, info.inputs, inputShapes, nodesById, (edge) => paddingSameCandidates(edge, infos, shapes)) : [];
    if (merge.length > 0) {
      problems.push(...merge.map(problem));
    } else {
      const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
      const fix = error.code === 'SHAPE_INVALID_OUTPUT' ? paddingFix(info, inputShapes) : error.code === 'SHAPE_RANK' ? skipFlattenFix(info, infos, shapes) : undefined;
      problems.push(problem({ code: error.code, severity: 'error', nodeId: node.id, field, message: `${layerLabel(node)}: ${error.message}`, fix }));
    }
    return {};
  }
  const warning = inputShapes.length === 1 ? denseOnFeatureMapProblem(info, inputShapes[0] as Shape, shape) : undefined;
  if (warning) problems.push(warning);
  try {
    return { shape, params: layerParamCount(spec, inputShapes, params, node.trainable) };
  } catch (thrown) {
    const error = asLabError(thrown);
    problems.push(problem({ code: error.code, severity: 'error', nodeId: node.id, message: `${layerLabel(node)}: ${error.message}` }));
    return { shape };
  }
}

/**
 * The implicit output among the layers that feed nothing: the one farthest from the
 * inputs (the classifier head, where a forgotten branch is usually shorter), the later
 * one in topological order on a tie. Empty when there is none.
 */
function deepest(sinks: readonly string[], order: readonly string[], infos: Map<string, NodeInfo>): string[] {
  if (sinks.length <= 1) return [...sinks];
  const depth = new Map<string, number>();
  for (const id of order) {
    const info = infos.get(id) as NodeInfo;
    depth.set(id, info.inputs.reduce((most, edge) => Math.max(most, (depth.get(edge.source) ?? 0) + 1), 0));
  }
  let best = sinks[0] as string;
  for (const id of sinks) if ((depth.get(id) ?? 0) >= (depth.get(best) ?? 0)) best = id;
  return [best];
}

/** Every node upstream of `start` (and `start` itself), following inputs. */
function ancestorsOf(start: string, infos: Map<string, NodeInfo>): Set<string> {
  return walk([start], (id) => (infos.get(id)?.inputs ?? []).map((edge) => edge.source));
}

/**
 * A layer that feeds nothing and is not an output: Keras would make it one more output
 * of the model, and training (one output) refuses it. Fixes, best first: connect it where
 * one of its inputs already goes (a residual Add drawn but not wired into the path), delete
 * it with the part of its branch that feeds nothing else, or make it an output on purpose.
 */
function danglingBranchProblem(info: NodeInfo, infos: Map<string, NodeInfo>, outputs: readonly string[], shapes: Map<string, Shape>, order: readonly string[]): GraphProblem {
  const { node } = info;
  const outputNames = outputs.map((id) => infos.get(id)?.node.name ?? id).join(', ');
  const fixes: GraphFix[] = [];

  // Connect: a consumer of one of this node's sources, taking the same shape, that is not upstream of it.
  const upstream = ancestorsOf(node.id, infos);
  const shape = shapes.get(node.id);
  const reroute = info.inputs
    .flatMap((input) => (infos.get(input.source)?.outputs ?? []).map((out) => ({ input, out })))
    .find(({ input, out }) => out.target !== node.id && !upstream.has(out.target) && shape !== undefined && formatShape(shapes.get(input.source) ?? []) === formatShape(shape));
  if (reroute) {
    const source = infos.get(reroute.input.source)?.node.name ?? reroute.input.source;
    const target = infos.get(reroute.out.target)?.node.name ?? reroute.out.target;
    fixes.push({
      label: `Connect ${node.name} to ${target} in place of ${source}`,
      edits: [{ kind: 'removeEdge', edgeId: reroute.out.id }, { kind: 'addEdge', source: node.id, target: reroute.out.target, targetIndex: reroute.out.targetIndex }],
    });
  }

  // Delete: this node and the layers above it that feed only the deleted ones (Inputs stay).
  const removed = new Set([node.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const candidate of infos.values()) {
      if (removed.has(candidate.node.id) || isInputSpec(candidate.spec) || candidate.outputs.length === 0) continue;
      if (candidate.outputs.every((edge) => removed.has(edge.target))) {
        removed.add(candidate.node.id);
        grew = true;
      }
    }
  }
  const ordered = order.filter((id) => removed.has(id)).map((id) => (infos.get(id) as NodeInfo).node);
  fixes.push({
    label: ordered.length === 1 ? `Delete ${node.name}` : `Delete the branch ${ordered.map((entry) => entry.name).join(' → ')}`,
    edits: ordered.map((entry) => ({ kind: 'removeNode', nodeId: entry.id })),
  });

  fixes.push({ label: `Make ${node.name} an output of the model`, edits: [{ kind: 'setOutputs', nodeIds: [...outputs, node.id] }] });
  const [fix, ...alternatives] = fixes;
  return problem({
    code: 'GRAPH_DANGLING', severity: 'error', nodeId: node.id,
    message: `${layerLabel(node)}'s output is connected to nothing, so it would become ${outputs.length === 1 ? 'a second' : 'another'} output of the model beside ${outputNames}. Connect it to the next layer, delete it, or make it an output.`,
    fix,
    alternatives,
  });
}

/**
 * Analyses a model graph: order, shapes (batch dimension `null`), parameter counts
 * (frozen layers count as non-trainable) and every problem, each naming its layer and
 * carrying a fix as data where one exists. Never throws for a bad graph: problems are
 * the result.
 */
export function analyzeGraph(graph: ModelGraph): GraphAnalysis {
  const problems: GraphProblem[] = [];
  const nodesById = new Map<string, GraphNode>();
  const edges = checkStructure(graph, nodesById, problems);
  const infos = resolveNodes(nodesById, edges, problems);
  checkArity(infos, nodesById, problems);
  const { order, cyclic } = topologicalOrder(infos, problems);

  const inputs = [...infos.values()].filter((info) => isInputSpec(info.spec)).map((info) => info.node.id);
  if (graph.nodes.length === 0 || inputs.length === 0) {
    problems.push(problem({ code: 'GRAPH_NO_INPUT', severity: 'error', message: graph.nodes.length === 0 ? 'The model is empty; start with an Input layer.' : 'The model has no Input layer; add one and connect it to the first layer.' }));
  }
  const reached = reachableFromInputs(infos, inputs);
  const ordered = new Set(order);
  for (const info of infos.values()) {
    if (reached.has(info.node.id) || info.inputs.length === 0 || !ordered.has(info.node.id) || inputs.length === 0) continue;
    problems.push(problem({ code: 'GRAPH_UNREACHABLE', severity: 'error', nodeId: info.node.id, message: `${layerLabel(info.node)} does not receive data from any Input layer; connect the start of its branch to an Input.` }));
  }
  if (graph.nodes.length > 1) {
    for (const id of inputs) {
      const info = infos.get(id) as NodeInfo;
      if (info.outputs.length > 0) continue;
      problems.push(problem({
        code: 'GRAPH_DANGLING', severity: 'warning', nodeId: id,
        message: `Input ${info.node.name} is not connected to any layer, so the model would take an input it never uses.`,
        fix: { label: `Delete ${info.node.name}`, edits: [{ kind: 'removeNode', nodeId: id }] },
      }));
    }
  }

  const shapes = new Map<string, Shape>();
  const paramCounts: GraphAnalysis['params'] = recordById();
  const totals = { total: 0, trainable: 0, nonTrainable: 0 };
  for (const id of order) {
    const info = infos.get(id) as NodeInfo;
    const inferred = inferNode(info, infos, shapes, nodesById, problems);
    if (inferred.shape) shapes.set(id, inferred.shape);
    if (inferred.params) {
      paramCounts[id] = inferred.params;
      totals.trainable += inferred.params.trainable;
      totals.nonTrainable += inferred.params.nonTrainable;
    }
  }
  totals.total = totals.trainable + totals.nonTrainable;

  const sinks = order.filter((id) => reached.has(id) && (infos.get(id) as NodeInfo).outputs.length === 0 && !isInputSpec(infos.get(id)?.spec));
  const chosen = (graph.outputs ?? []).filter((id) => reached.has(id) && !isInputSpec(infos.get(id)?.spec));
  const outputs = chosen.length > 0 ? chosen : deepest(sinks, order, infos);
  if (!cyclic) {
    for (const id of sinks) {
      if (!outputs.includes(id)) problems.push(danglingBranchProblem(infos.get(id) as NodeInfo, infos, outputs, shapes, order));
    }
  }
  if (!cyclic && inputs.length > 0 && outputs.length === 0 && graph.nodes.length > 0) {
    problems.push(problem({ code: 'GRAPH_NO_OUTPUT', severity: 'error', message: 'The model has no output: connect at least one layer after an Input.' }));
  }

  return {
    order: cyclic ? [] : order,
    inputs,
    outputs,
    shapes: recordById([...shapes].map(([id, shape]) => [id, [...shape]] as const)),
    params: paramCounts,
    totals,
    problems,
    valid: problems.every((p) => p.severity !== 'error'),
  };
}
