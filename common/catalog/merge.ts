import { z } from 'zod';
import { LabError } from '../errors';
import { formatShape, type Dim, type Shape } from '../graph/shape';
import type { LayerSpec } from './types';
import { kerasBaseConfig } from './paramSchemas';
import { arityError, resolveAxis } from './layerErrors';

/**
 * Merge layers (Keras `layers/merging/`): element-wise merges with Keras's broadcasting
 * rules, and Concatenate.
 */

function formatShapes(shapes: readonly Shape[]): string {
  return `[${shapes.map(formatShape).join(', ')}]`;
}

function incompatible(shapes: readonly Shape[]): LabError {
  return new LabError('SHAPE_MISMATCH', `Expected inputs with compatible shapes (equal, or 1 / None on an axis). Received: input_shapes=${formatShapes(shapes)}`, {
    received: shapes,
  });
}

/** Keras `_Merge._compute_elemwise_op_output_shape` on per-sample shapes (batch axis removed). */
function elementwiseShape(first: readonly Dim[], second: readonly Dim[], all: readonly Shape[]): Dim[] {
  if (first.length < second.length) return elementwiseShape(second, first, all);
  if (second.length === 0) return [...first];
  const output: Dim[] = first.slice(0, first.length - second.length);
  const tail = first.slice(first.length - second.length);
  tail.forEach((i, index) => {
    const j = second[index] ?? null;
    if (i === null || j === null) output.push(null);
    else if (i === 1) output.push(j);
    else if (j === 1) output.push(i);
    else if (i !== j) throw incompatible(all);
    else output.push(i);
  });
  return output;
}

/** Keras `_Merge`: one batch size (or None) for all inputs. */
function mergedBatch(shapes: readonly Shape[]): Dim {
  const sizes = new Set(shapes.map((s) => s[0] ?? null).filter((d): d is number => d !== null));
  if (sizes.size > 1) {
    throw new LabError('SHAPE_MISMATCH', `Expected inputs with the same batch size. Received: input_shapes=${formatShapes(shapes)}`, { received: shapes });
  }
  const [only] = sizes;
  return only ?? null;
}

/** Output shape of Keras's element-wise merges (Add, Subtract, Multiply, Average, Maximum). */
export function elementwiseMergeShape(inputs: readonly Shape[]): Shape {
  if (inputs.length < 2) throw arityError('a merge of at least 2 inputs', inputs.length);
  const batch = mergedBatch(inputs);
  let perSample: Dim[] = inputs[0]?.slice(1) ?? [];
  for (const shape of inputs.slice(1)) perSample = elementwiseShape(perSample, shape.slice(1), inputs);
  return [batch, ...perSample];
}

const noParams = z.object({});
/** Element-wise merges take no arguments. */
export type ElementwiseMergeParams = z.infer<typeof noParams>;

/**
 * An element-wise merge. `factory` is its stock `tf.layers` factory, `null` for Subtract,
 * which TF.js 4.22 lacks.
 */
function elementwiseMerge(
  type: 'Add' | 'Subtract' | 'Multiply' | 'Average' | 'Maximum',
  factory: string | null,
  summary: string,
  maxInputs = Infinity,
): LayerSpec<ElementwiseMergeParams> {
  return {
    type,
    family: 'merge',
    summary,
    docs: { input: 'a list of tensors with the same (or broadcastable) shapes', output: 'one tensor of that shape' },
    params: noParams,
    keyParams: [],
    arity: { min: 2, max: maxInputs },
    outputShape: (inputs) => {
      if (inputs.length > maxInputs) throw arityError(`exactly ${maxInputs} inputs`, inputs.length);
      return elementwiseMergeShape(inputs);
    },
    weights: () => [],
    kerasConfig: () => kerasBaseConfig(),
    tfjsConfig: () => ({ factory, args: {} }),
  };
}

/** Keras `Add`: residual connections. */
export const add = elementwiseMerge('Add', 'add', 'Sums its inputs (residual connections).');
/** Keras `Subtract`: exactly two inputs, first minus second. */
export const subtract = elementwiseMerge('Subtract', null, 'First input minus the second.', 2);
/** Keras `Multiply`. */
export const multiply = elementwiseMerge('Multiply', 'multiply', 'Multiplies its inputs element-wise (gating, attention).');
/** Keras `Average`. */
export const average = elementwiseMerge('Average', 'average', 'Averages its inputs element-wise (ensembles).');
/** Keras `Maximum`. */
export const maximum = elementwiseMerge('Maximum', 'maximum', 'Element-wise maximum of its inputs.');

/** The merges that combine inputs element by element, so every input must have the same (or a broadcastable) shape. */
export const ELEMENTWISE_MERGES: ReadonlySet<string> = new Set([add, subtract, multiply, average, maximum].map((spec) => spec.type));

// ---------------------------------------------------------------- Concatenate

const concatenateParams = z.object({
  axis: z.number().int().default(-1).describe('Axis to join along (-1: channels).'),
});
/** Concatenate arguments, Keras names. */
export type ConcatenateParams = z.infer<typeof concatenateParams>;

/**
 * Keras `Concatenate.build` / `compute_output_shape`: equal ranks, equal known dims except
 * along `axis`, where the sizes add up (None if any is None).
 */
export function concatenateShape(inputs: readonly Shape[], axis: number): Shape {
  if (inputs.length < 2) throw arityError('a merge of at least 2 inputs', inputs.length);
  const first = inputs[0] as Shape;
  if (inputs.some((s) => s.length !== first.length)) {
    throw new LabError('SHAPE_RANK', `Expected inputs of the same rank. Received: input_shapes=${formatShapes(inputs)}`, { received: inputs });
  }
  const resolved = resolveAxis(axis, first);
  for (let dim = 1; dim < first.length; dim += 1) {
    if (dim === resolved) continue;
    const known = new Set(inputs.map((s) => s[dim] ?? null).filter((d) => d !== null));
    if (known.size > 1) {
      throw new LabError(
        'SHAPE_MISMATCH',
        `A Concatenate layer requires inputs with matching shapes except for the concatenation axis (axis=${axis}). Received: input_shapes=${formatShapes(inputs)}`,
        { field: 'axis', received: inputs },
      );
    }
  }
  const joined = inputs.some((s) => s[resolved] === null) ? null : inputs.reduce((sum, s) => sum + (s[resolved] as number), 0);
  const output: Dim[] = [...first];
  output[resolved] = joined;
  if (resolved !== 0) output[0] = mergedBatch(inputs);
  return output;
}

/** Keras `Concatenate`. */
export const concatenate: LayerSpec<ConcatenateParams> = {
  type: 'Concatenate',
  family: 'merge',
  summary: 'Joins its inputs along an axis (Inception, U-Net skips).',
  docs: { input: 'a list of tensors equal except along axis', output: 'one tensor, sizes along axis added' },
  params: concatenateParams,
  keyParams: ['axis'],
  arity: { min: 2, max: Infinity },
  outputShape: (inputs, params) => concatenateShape(inputs, params.axis),
  weights: () => [],
  kerasConfig: (params) => ({ ...kerasBaseConfig(), axis: params.axis }),
  tfjsConfig: (params) => ({ factory: 'concatenate', args: { axis: params.axis } }),
};
