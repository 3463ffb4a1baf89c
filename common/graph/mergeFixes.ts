import { ELEMENTWISE_MERGES, findLayerSpec } from '../catalog';
import type { GraphEdge, GraphNode } from './schema';
import type { GraphFix, GraphProblem } from './problems';
import { formatShape, shapesEqual, type Shape } from './shape';

/**
 * Shape mismatches of merges, reported on the input edge that differs, with a layer
 * that makes it match: for element-wise merges (Add, Subtract, ...) a 1x1 Conv2D (the
 * ResNet shortcut projection) or a Dense projection; for a channel Concatenate a
 * pooling that shrinks the larger feature map (a strided 1x1 Conv2D as the alternative).
 * Feature maps a few pixels apart (a 'valid' convolution on one branch) get padding
 * 'same' on that branch's layer, or a Cropping2D / ZeroPadding2D that evens them out.
 */

/**
 * What the analysis can say about the branches feeding a merge: the layers with
 * `padding: 'valid'` on the branch that ends in an input edge (nearest first, up to where
 * the branch forks off), each with the shape that edge would carry with `padding: 'same'`.
 */
export type PaddingCandidates = (edge: GraphEdge) => { node: GraphNode; shape: Shape }[];

/** A layer to insert on an edge. */
interface InsertedLayer {
  type: string;
  params: Record<string, unknown>;
  /** Button text, without the "after <layer>" part. */
  label: string;
}

/** The stride that takes `from` to `to` along one spatial axis with a 1x1 window (`ceil(from / s) === to`). */
function strideFor(from: number | null | undefined, to: number | null | undefined): number | undefined {
  if (from === null && to === null) return 1;
  if (typeof from !== 'number' || typeof to !== 'number' || to > from) return undefined;
  const stride = Math.ceil(from / to);
  return Math.ceil(from / stride) === to ? stride : undefined;
}

/** Strides taking a feature map's height and width to the reference's, if integer strides can. */
function spatialStrides(from: Shape, to: Shape): [number, number] | undefined {
  if (from.length !== 4 || to.length !== 4) return undefined;
  const strideH = strideFor(from[1], to[1]);
  const strideW = strideFor(from[2], to[2]);
  return strideH === undefined || strideW === undefined ? undefined : [strideH, strideW];
}

function convProjection(strides: [number, number], filters: number): InsertedLayer | undefined {
  if (!findLayerSpec('Conv2D')) return undefined;
  return { type: 'Conv2D', params: { filters, kernel_size: [1, 1], strides }, label: `a 1x1 Conv2D projection (${filters} filters, strides ${JSON.stringify(strides)})` };
}

/** Rows and columns split as Keras pads and crops them, the odd one at the bottom / right: `[[top, bottom], [left, right]]`. */
function splitPairs(rows: number, columns: number): [[number, number], [number, number]] {
  return [[Math.floor(rows / 2), Math.ceil(rows / 2)], [Math.floor(columns / 2), Math.ceil(columns / 2)]];
}

/** Layers that even out a few pixels of difference, rather than map one size onto another. */
const EVENING_LAYERS: ReadonlySet<string> = new Set(['Cropping2D', 'ZeroPadding2D']);

/**
 * A Cropping2D (when `from` is larger) or ZeroPadding2D (when smaller) that brings a
 * feature map's height and width to `to`'s, keeping its channels; none when one side is
 * larger and the other smaller, or a size is unknown.
 */
function cropOrPad(from: Shape, to: Shape): InsertedLayer | undefined {
  if (from.length !== 4 || to.length !== 4) return undefined;
  const [, fromH, fromW] = from;
  const [, toH, toW] = to;
  if (typeof fromH !== 'number' || typeof fromW !== 'number' || typeof toH !== 'number' || typeof toW !== 'number') return undefined;
  const rows = fromH - toH;
  const columns = fromW - toW;
  if (rows === 0 && columns === 0) return undefined;
  if (rows >= 0 && columns >= 0 && findLayerSpec('Cropping2D')) {
    const cropping = splitPairs(rows, columns);
    return { type: 'Cropping2D', params: { cropping }, label: `Cropping2D (cropping ${JSON.stringify(cropping)})` };
  }
  if (rows <= 0 && columns <= 0 && findLayerSpec('ZeroPadding2D')) {
    const padding = splitPairs(-rows, -columns);
    return { type: 'ZeroPadding2D', params: { padding }, label: `ZeroPadding2D (padding ${JSON.stringify(padding)})` };
  }
  return undefined;
}

/** Layers that map `from` onto exactly `to` for an element-wise merge, best first. */
function elementwiseFixes(from: Shape, to: Shape): InsertedLayer[] {
  const channels = to[to.length - 1];
  if (from.length !== to.length || typeof channels !== 'number') return [];
  const strides = spatialStrides(from, to);
  if (strides) {
    const conv = convProjection(strides, channels);
    return conv ? [conv] : [];
  }
  if (to.length === 2 && findLayerSpec('Dense')) return [{ type: 'Dense', params: { units: channels }, label: `a Dense projection (${channels} units)` }];
  // Cropping and padding keep the channels, so they fix only a spatial difference.
  const evened = from[from.length - 1] === channels ? cropOrPad(from, to) : undefined;
  return evened ? [evened] : [];
}

/** Layers that bring `from`'s feature map to `to`'s size, keeping its channels, for a channel Concatenate. */
function concatenateFixes(from: Shape, to: Shape): InsertedLayer[] {
  const strides = spatialStrides(from, to);
  const channels = from[from.length - 1];
  if (!strides || typeof channels !== 'number') {
    const evened = cropOrPad(from, to);
    return evened ? [evened] : [];
  }
  const fixes: InsertedLayer[] = [];
  if (findLayerSpec('MaxPooling2D')) {
    // 'same' padding gives ceil(size / stride), the size strideFor solved for.
    fixes.push({ type: 'MaxPooling2D', params: { pool_size: strides, strides, padding: 'same' }, label: `MaxPooling2D (pool ${JSON.stringify(strides)}, padding 'same')` });
  }
  const conv = convProjection(strides, channels);
  if (conv) fixes.push(conv);
  return fixes;
}

/** How a merge compares its inputs and which layers can reconcile them. */
interface MergeRule {
  /** True when the two shapes may be merged as they are. */
  compatible: (a: Shape, b: Shape) => boolean;
  fixes: (from: Shape, to: Shape) => InsertedLayer[];
  /** What must agree, for the message. */
  requirement: string;
}

const ELEMENTWISE_RULE: MergeRule = { compatible: shapesEqual, fixes: elementwiseFixes, requirement: 'inputs of the same shape' };

const CHANNEL_CONCAT_RULE: MergeRule = {
  compatible: (a, b) => a.length === b.length && a.slice(0, -1).every((d, i) => d === b[i]),
  fixes: concatenateFixes,
  requirement: 'inputs whose shapes match except for the channels',
};

/** The rule for a merge node, or undefined when there is none (Concatenate on another axis, other layers). */
function mergeRule(node: GraphNode, inputShapes: readonly Shape[]): MergeRule | undefined {
  if (ELEMENTWISE_MERGES.has(node.type)) return ELEMENTWISE_RULE;
  if (node.type !== 'Concatenate') return undefined;
  const axis = typeof node.params['axis'] === 'number' ? node.params['axis'] : -1;
  const rank = inputShapes[0]?.length ?? 0;
  return axis === -1 || axis === rank - 1 ? CHANNEL_CONCAT_RULE : undefined;
}

/**
 * "Set padding of X to 'same'" for each 'valid'-padded layer on a merge's branches whose
 * change makes every input of the merge compatible.
 */
function paddingSameFixes(rule: MergeRule, inputs: readonly GraphEdge[], inputShapes: readonly Shape[], paddingCandidates: PaddingCandidates): GraphFix[] {
  const fixes: GraphFix[] = [];
  const offered = new Set<string>();
  inputs.forEach((edge, index) => {
    for (const candidate of paddingCandidates(edge)) {
      if (offered.has(candidate.node.id)) continue;
      const shapes = inputShapes.map((shape, i) => (i === index ? candidate.shape : shape));
      const first = shapes[0];
      if (!first || !shapes.every((shape) => rule.compatible(shape, first))) continue;
      offered.add(candidate.node.id);
      fixes.push({ label: `Set padding of ${candidate.node.name} to 'same'`, edits: [{ kind: 'setParam', nodeId: candidate.node.id, field: 'padding', value: 'same' }] });
    }
  });
  return fixes;
}

/** Product of the known spatial dimensions; smaller maps are the ones others can be shrunk to. */
function spatialSize(shape: Shape): number {
  return shape.slice(1, -1).reduce<number>((size, d) => size * (d ?? 1), 1);
}

/**
 * One problem per input of a merge whose shape does not fit the reference input. The
 * reference is the shape most inputs agree with, then the smallest feature map (strides
 * can shrink a map but not grow it), then the most channels, then the first input; a
 * reference every other input can be brought to is preferred. Returns an empty list
 * for layers that are not merges.
 */
export function mergeMismatchProblems(node: GraphNode, inputs: readonly GraphEdge[], inputShapes: readonly Shape[], nodesById: ReadonlyMap<string, GraphNode>, paddingCandidates: PaddingCandidates = () => []): GraphProblem[] {
  const rule = mergeRule(node, inputShapes);
  if (!rule || inputShapes.length < 2) return [];
  const candidates = inputShapes.map((shape, index) => ({
    index,
    shape,
    agreeing: inputShapes.filter((other) => rule.compatible(other, shape)).length,
  }));
  candidates.sort((a, b) =>
    b.agreeing - a.agreeing
    || spatialSize(a.shape) - spatialSize(b.shape)
    || ((b.shape[b.shape.length - 1] ?? 0) - (a.shape[a.shape.length - 1] ?? 0))
    || a.index - b.index);
  const fixable = candidates.find((c) => inputShapes.every((shape) => rule.compatible(shape, c.shape) || rule.fixes(shape, c.shape).length > 0));
  const reference = fixable ?? candidates[0];
  if (!reference) return [];
  const referenceEdge = inputs[reference.index];
  const referenceSource = referenceEdge ? nodesById.get(referenceEdge.source) : undefined;
  const problems: GraphProblem[] = [];
  const sameFixes = paddingSameFixes(rule, inputs, inputShapes, paddingCandidates);
  const insertAfter = (edge: GraphEdge, layer: InsertedLayer): GraphFix => ({
    label: `Insert ${layer.label} after ${nodesById.get(edge.source)?.name ?? edge.source}`,
    edits: [{ kind: 'insertNodeOnEdge', edgeId: edge.id, node: { type: layer.type, params: layer.params } }],
  });
  inputShapes.forEach((shape, index) => {
    const edge = inputs[index];
    if (!edge || rule.compatible(shape, reference.shape)) return;
    const sourceName = nodesById.get(edge.source)?.name ?? edge.source;
    const layers = rule.fixes(shape, reference.shape);
    const inserted = layers.map((layer) => insertAfter(edge, layer));
    // Maps a few pixels apart only (no strided layer can map one onto the other): with two
    // inputs, the reference's side can move instead, padded or cropped to this input's size.
    const onlyEvening = layers.every((layer) => EVENING_LAYERS.has(layer.type));
    const otherSide = onlyEvening && inputs.length === 2 && referenceEdge ? cropOrPad(reference.shape, shape) : undefined;
    const evenedReference = otherSide && (rule === CHANNEL_CONCAT_RULE || reference.shape[3] === shape[3]) && referenceEdge ? [insertAfter(referenceEdge, otherSide)] : [];
    const fixes: GraphFix[] = [...sameFixes, ...inserted, ...evenedReference];
    const found: GraphProblem = {
      code: 'SHAPE_MISMATCH',
      severity: 'error',
      nodeId: node.id,
      edgeId: edge.id,
      inputIndex: edge.targetIndex,
      message: `${node.name} (${node.type}) needs ${rule.requirement}, but input ${edge.targetIndex} from ${sourceName} is ${formatShape(shape)} while input ${referenceEdge?.targetIndex ?? reference.index} from ${referenceSource?.name ?? '?'} is ${formatShape(reference.shape)}.`,
    };
    const [best, ...others] = fixes;
    if (best) found.fix = best;
    if (others.length > 0) found.alternatives = others;
    problems.push(found);
  });
  return problems;
}
