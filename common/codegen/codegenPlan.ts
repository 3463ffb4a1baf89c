import { LabError } from '../errors';
import { getLayerSpec, resolveLayerParams } from '../catalog';
import type { AnyLayerSpec } from '../catalog/types';
import { analyzeGraph } from '../graph/analysis';
import type { GraphNode, ModelGraph } from '../graph/schema';

/** One layer as the code generators see it: resolved, named and wired. */
export interface CodegenLayer {
  node: GraphNode;
  spec: AnyLayerSpec;
  /** The variable holding this layer's output, unique and valid in the target language. */
  variable: string;
  /** Params with every default filled in by the catalog. */
  params: Record<string, unknown>;
  /** The layer type's default params, resolved the same way. */
  defaults: Record<string, unknown>;
  /**
   * The Keras `get_config()` entries to write, in config order: those that differ from
   * the layer's defaults plus those Keras requires, without `name`, `trainable` and
   * `dtype` (the generators write those from the node).
   */
  arguments: [string, unknown][];
  /** Keys of `arguments` whose value differs from the default. */
  changedKeys: ReadonlySet<string>;
  /** Variables of the layer's inputs, in input-index order. */
  inputVariables: string[];
}

/** A graph ready to print: layers in a valid order, model inputs and outputs. */
export interface CodegenPlan {
  layers: CodegenLayer[];
  inputVariables: string[];
  outputVariables: string[];
}

/** Config keys every layer has; the generators emit them from the node, not the config. */
const NODE_LEVEL_KEYS = new Set(['name', 'trainable', 'dtype']);

/**
 * Orders and resolves a graph for code generation and gives each layer a variable name
 * that is a valid, unique identifier not in `reserved`.
 *
 * @throws LabError `GRAPH_CYCLE` when the graph has a cycle, `GRAPH_NO_OUTPUT` when no
 *   layer is an output, `LAYER_UNKNOWN_TYPE` or the catalog's error for a bad param.
 */
export function planCodegen(graph: ModelGraph, reserved: ReadonlySet<string>): CodegenPlan {
  const analysis = analyzeGraph(graph);
  if (analysis.order.length === 0 && graph.nodes.length > 0) {
    const cycle = analysis.problems.find((p) => p.code === 'GRAPH_CYCLE');
    throw new LabError('GRAPH_CYCLE', cycle?.message ?? 'Expected a graph without cycles to generate code from.');
  }
  if (analysis.outputs.length === 0) {
    throw new LabError('GRAPH_NO_OUTPUT', `Expected at least one output layer to generate code for. Received: ${graph.nodes.length} layers, none of them an output`);
  }
  const nodesById = new Map(graph.nodes.map((node) => [node.id, node]));
  const variables = new Map<string, string>();
  const taken = new Set(reserved);
  const layers: CodegenLayer[] = [];
  for (const id of codeOrder(graph, analysis.order)) {
    const node = nodesById.get(id);
    if (!node) continue;
    const spec = getLayerSpec(node.type);
    const params = resolvedParams(spec, node);
    const defaults = resolvedParams(spec, { ...node, params: {} });
    const config = spec.kerasConfig(params);
    const defaultConfig = spec.kerasConfig(defaults);
    const required = new Set(spec.requiredArguments ?? []);
    // A key counts as changed when its config value or its param differs from the default:
    // some config values follow other params (pooling strides default to pool_size), so a
    // config equal to the default's can still come from an explicitly set param.
    const changedKeys = new Set(Object.keys(config).filter((key) =>
      !NODE_LEVEL_KEYS.has(key) && (!deepEqual(config[key], defaultConfig[key]) || (key in params && !deepEqual(params[key], defaults[key])))));
    const args = Object.entries(config).filter(([key]) => changedKeys.has(key) || required.has(key));
    const inputVariables = graph.edges
      .filter((edge) => edge.target === id)
      .sort((a, b) => a.targetIndex - b.targetIndex)
      .map((edge) => variables.get(edge.source))
      .filter((name): name is string => name !== undefined);
    const variable = uniqueIdentifier(node.name, taken);
    variables.set(id, variable);
    layers.push({ node, spec, variable, params, defaults, arguments: args, changedKeys, inputVariables });
  }
  const variableOf = (nodeId: string): string => variables.get(nodeId) ?? nodeId;
  return {
    layers,
    inputVariables: analysis.inputs.map(variableOf),
    outputVariables: analysis.outputs.map(variableOf),
  };
}

/**
 * The graph's own node order when it is already topological (templates and hand-built
 * graphs list layers the way their author wrote them), otherwise the analysis order.
 */
function codeOrder(graph: ModelGraph, analysisOrder: readonly string[]): readonly string[] {
  const index = new Map(graph.nodes.map((node, i) => [node.id, i]));
  const inGraphOrder = graph.edges.every((edge) => (index.get(edge.source) ?? Infinity) < (index.get(edge.target) ?? -Infinity));
  return inGraphOrder && analysisOrder.length === graph.nodes.length ? graph.nodes.map((node) => node.id) : analysisOrder;
}

function resolvedParams(spec: AnyLayerSpec, node: GraphNode): Record<string, unknown> {
  const { params, errors } = resolveLayerParams(spec, node.params);
  const first = errors[0];
  if (first) throw new LabError(first.code, `${node.name} (${node.type}): ${first.message}`, { ...first.details, nodeId: node.id, nodeName: node.name });
  return params;
}

/**
 * A variable name for a layer: its Keras name with every character that is not a letter,
 * digit or underscore replaced, a leading digit prefixed, and `_layer` or a numeric
 * suffix when the name is reserved or already used. Records the result in `taken`.
 */
export function uniqueIdentifier(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (base === '' || /^[0-9]/.test(base)) base = `layer_${base}`;
  // A reserved word reads best with `_layer` after it (`input` -> `input_layer`).
  let candidate = taken.has(base) ? `${base}_layer` : base;
  for (let suffix = 2; taken.has(candidate); suffix++) candidate = `${base}_${suffix}`;
  taken.add(candidate);
  return candidate;
}

/** Structural equality of JSON-like values (configs are plain data). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}

/** True for plain objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
