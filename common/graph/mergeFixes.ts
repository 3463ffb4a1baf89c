import { findLayerSpec } from '../catalog';
import type { GraphEdge, GraphNode } from './schema';
import type { GraphProblem } from './problems';
import { formatShape, shapesEqual, type Shape } from './shape';

/**
 * Shape mismatches of element-wise merges (Add, Subtract, ...), reported on the input
 * edge that differs, with a projection that makes it match: a 1x1 Conv2D (the ResNet
 * shortcut projection) for feature maps, a Dense layer for vectors.
 */

/** Merges that combine inputs element by element, so every input must have the same shape. */
export const ELEMENTWISE_MERGES: ReadonlySet<string> = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);

/** The stride that takes `from` to `to` along one spatial axis with a 1x1 kernel (`ceil(from / s) === to`). */
function strideFor(from: number | null | undefined, to: number | null | undefined): number | undefined {
  if (from === null && to === null) return 1;
  if (typeof from !== 'number' || typeof to !== 'number' || to > from) return undefined;
  const stride = Math.ceil(from / to);
  return Math.ceil(from / stride) === to ? stride : undefined;
}

/** The layer that maps `from` onto `to`, or undefined when none can. */
function projection(from: Shape, to: Shape): { type: string; params: Record<string, unknown> } | undefined {
  if (from.length !== to.length) return undefined;
  const channels = to[to.length - 1];
  if (typeof channels !== 'number') return undefined;
  if (to.length === 4) {
    const strideH = strideFor(from[1], to[1]);
    const strideW = strideFor(from[2], to[2]);
    if (strideH === undefined || strideW === undefined || !findLayerSpec('Conv2D')) return undefined;
    return { type: 'Conv2D', params: { filters: channels, kernel_size: [1, 1], strides: [strideH, strideW] } };
  }
  if (to.length === 2 && findLayerSpec('Dense')) return { type: 'Dense', params: { units: channels } };
  return undefined;
}

/** Product of the known spatial dimensions; smaller maps are the ones others can be projected onto. */
function spatialSize(shape: Shape): number {
  return shape.slice(1, -1).reduce<number>((size, d) => size * (d ?? 1), 1);
}

/**
 * One problem per input of an element-wise merge whose shape differs from the
 * reference input. The reference is the shape most inputs share, then the smallest
 * feature map (strided convolutions can shrink but not grow a map), then the most
 * channels, then the first input. Returns an empty list for other layer types.
 */
export function mergeMismatchProblems(node: GraphNode, inputs: readonly GraphEdge[], inputShapes: readonly Shape[], nodesById: ReadonlyMap<string, GraphNode>): GraphProblem[] {
  if (!ELEMENTWISE_MERGES.has(node.type) || inputShapes.length < 2) return [];
  const candidates = inputShapes.map((shape, index) => ({
    index,
    shape,
    agreeing: inputShapes.filter((other) => shapesEqual(other, shape)).length,
  }));
  candidates.sort((a, b) =>
    b.agreeing - a.agreeing
    || spatialSize(a.shape) - spatialSize(b.shape)
    || ((b.shape[b.shape.length - 1] ?? 0) - (a.shape[a.shape.length - 1] ?? 0))
    || a.index - b.index);
  const projectable = candidates.find((c) => inputShapes.every((shape) => shapesEqual(shape, c.shape) || projection(shape, c.shape) !== undefined));
  const reference = projectable ?? candidates[0];
  if (!reference) return [];
  const referenceEdge = inputs[reference.index];
  const referenceSource = referenceEdge ? nodesById.get(referenceEdge.source) : undefined;
  const problems: GraphProblem[] = [];
  inputShapes.forEach((shape, index) => {
    if (shapesEqual(shape, reference.shape)) return;
    const edge = inputs[index];
    if (!edge) return;
    const source = nodesById.get(edge.source);
    const layer = projection(shape, reference.shape);
    const problemFields: GraphProblem = {
      code: 'SHAPE_MISMATCH',
      severity: 'error',
      nodeId: node.id,
      edgeId: edge.id,
      inputIndex: edge.targetIndex,
      message: `${node.name} (${node.type}) needs inputs of the same shape, but input ${edge.targetIndex} from ${source?.name ?? edge.source} is ${formatShape(shape)} while input ${referenceEdge?.targetIndex ?? reference.index} from ${referenceSource?.name ?? '?'} is ${formatShape(reference.shape)}.`,
    };
    if (layer) {
      const what = layer.type === 'Conv2D' ? `a 1x1 Conv2D projection (${String(layer.params['filters'])} filters, strides ${JSON.stringify(layer.params['strides'])})` : `a Dense projection (${String(layer.params['units'])} units)`;
      problemFields.fix = { label: `Insert ${what} after ${source?.name ?? edge.source}`, edits: [{ kind: 'insertNodeOnEdge', edgeId: edge.id, node: { type: layer.type, params: layer.params } }] };
    }
    problems.push(problemFields);
  });
  return problems;
}
