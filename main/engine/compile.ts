import { LabError, received } from '../../common/errors';
import type { ModelGraph, GraphEdge, GraphNode } from '../../common/graph/schema';
import type { GraphAnalysis } from '../../common/graph/problems';
import { analyzeGraph } from '../../common/graph/analysis';
import { getLayerSpec, resolveLayerParams } from '../../common/catalog';
import type { InputParams } from '../../common/catalog/input';
import type { Tfjs } from './backend';
import { createTfjsLayer } from './tfjsLayerFactory';

/** A compiled TF.js model. */
export type TfjsLayersModel = ReturnType<Tfjs['model']>;
type SymbolicTensor = ReturnType<Tfjs['input']>;

/** Options for `compileGraph`. */
export interface CompileOptions {
  /**
   * Seeds every initializer (and SpatialDropout2D) so the same graph and seed give the same
   * initial weights. Each layer gets its own seed derived from this one, in graph order.
   */
  seed?: number;
}

/** Seeds for successive initializers: distinct, reproducible, 32-bit. */
function seedSequence(seed: number | undefined): () => number | undefined {
  if (seed === undefined) return () => undefined;
  let next = seed >>> 0;
  return () => {
    // A Weyl step keeps neighbouring seeds far apart for seedrandom.
    next = (next + 0x9e3779b9) >>> 0;
    return next;
  };
}

/** Fails with every error problem of the analysis, naming the first layer at fault. */
function requireValid(graph: ModelGraph, analysis: GraphAnalysis): void {
  const errors = analysis.problems.filter((problem) => problem.severity === 'error');
  if (analysis.valid && errors.length === 0) return;
  const first = errors[0];
  const node = first?.nodeId === undefined ? undefined : graph.nodes.find((n) => n.id === first.nodeId);
  const summary = errors.map((problem) => problem.message).join('; ');
  throw new LabError('GRAPH_INVALID', `Expected a graph without errors before compiling (${errors.length} found): ${summary}`, {
    issues: errors.map((problem) => ({ code: problem.code, message: problem.message, nodeId: problem.nodeId })),
    ...(node ? { nodeId: node.id, nodeName: node.name } : {}),
  });
}

/** Incoming edges of each node, ordered by input position (Concatenate and Subtract care). */
function incomingEdges(graph: ModelGraph): Map<string, GraphEdge[]> {
  const byTarget = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    const list = byTarget.get(edge.target) ?? [];
    list.push(edge);
    byTarget.set(edge.target, list);
  }
  for (const list of byTarget.values()) list.sort((a, b) => a.targetIndex - b.targetIndex);
  return byTarget;
}

function resolvedParams(node: GraphNode): Record<string, unknown> {
  const { params, errors } = resolveLayerParams(getLayerSpec(node.type), node.params);
  const firstError = errors[0];
  if (firstError !== undefined) {
    throw new LabError(firstError.code, `${node.type} layer "${node.name}": ${firstError.message}`, { ...firstError.details, nodeId: node.id, nodeName: node.name });
  }
  return params;
}

/** Wraps a TF.js failure while wiring a layer so the message names the layer. */
function tfjsFailure(node: GraphNode, error: unknown): LabError {
  if (error instanceof LabError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LabError('LAYER_UNSUPPORTED', `TF.js could not build ${node.type} layer "${node.name}": ${message}`, { nodeId: node.id, nodeName: node.name });
}

/**
 * Compiles a ModelGraph into a TF.js LayersModel with the functional API, node by node in
 * topological order. Layer names, Keras defaults and frozen flags carry over, and each
 * layer's weights come out in the order the catalog's `weights()` lists them, so
 * `model.getLayer(name).getWeights()[i]` is the catalog's weight `i`.
 *
 * @param graph the model graph (already parsed)
 * @param tf the TF.js module from `initBackend` (one engine for every backend)
 * @param options `seed` for reproducible initial weights
 * @returns the model, not yet compiled with an optimizer
 * @throws LabError `GRAPH_INVALID` listing the analysis errors (in `details.issues`), or
 *   `LAYER_UNSUPPORTED` naming the layer when TF.js cannot express it.
 */
export function compileGraph(graph: ModelGraph, tf: Tfjs, options: CompileOptions = {}): TfjsLayersModel {
  const analysis = analyzeGraph(graph);
  requireValid(graph, analysis);
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const incoming = incomingEdges(graph);
  const tensors = new Map<string, SymbolicTensor>();
  const nextSeed = seedSequence(options.seed);

  for (const id of analysis.order) {
    const node = nodes.get(id) as GraphNode;
    const params = resolvedParams(node);
    try {
      if (node.type === 'Input') {
        const input = params as InputParams;
        tensors.set(id, tf.input({ name: node.name, batchShape: [input.batch_size, ...input.shape] }));
        continue;
      }
      const layer = createTfjsLayer(params, { tf, node, nextSeed });
      const inputs = (incoming.get(id) ?? []).map((edge) => tensors.get(edge.source) as SymbolicTensor);
      const output = layer.apply(inputs.length === 1 ? (inputs[0] as SymbolicTensor) : inputs);
      tensors.set(id, output as SymbolicTensor);
    } catch (error) {
      throw tfjsFailure(node, error);
    }
  }

  const pick = (ids: readonly string[]): SymbolicTensor[] => ids.map((id) => tensors.get(id) as SymbolicTensor);
  const outputIds = analysis.outputs.filter((id) => nodes.get(id)?.type !== 'Input');
  if (outputIds.length === 0) {
    throw new LabError('GRAPH_NO_OUTPUT', `Expected at least one layer after the inputs. ${received('outputs', analysis.outputs)}`);
  }
  return tf.model({ name: graph.name, inputs: pick(analysis.inputs), outputs: pick(outputIds) });
}
