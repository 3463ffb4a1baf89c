import { LabError, received } from '../errors';
import { formatShape, type Shape } from '../graph/shape';

/**
 * Builders for the errors layer specs raise, so every family words them the same way:
 * what was expected, then `Received: name=value`. Shape messages never name the node;
 * the graph analysis adds it.
 */

/** A constructor argument that Keras would reject. */
export function badParam(field: string, expectation: string, value: unknown): LabError {
  return new LabError('LAYER_BAD_PARAM', `${expectation} ${received(field, value)}`, { field, received: value });
}

/** Pushes `badParam` for each value of a tuple argument that is not strictly positive. */
export function requirePositive(errors: LabError[], field: string, values: number | readonly number[], what: string): void {
  const list = typeof values === 'number' ? [values] : values;
  if (list.some((v) => v <= 0)) {
    errors.push(badParam(field, `Invalid value for argument \`${field}\`. Expected ${what} with strictly positive values.`, values));
  }
}

/** Input shape of the wrong rank. */
export function rankError(expected: string, shape: Shape): LabError {
  return new LabError('SHAPE_RANK', `Expected ${expected}. Received: input_shape=${formatShape(shape)}`, { received: shape });
}

/** The layer received the wrong number of inputs. */
export function arityError(expected: string, count: number): LabError {
  return new LabError('SHAPE_MISMATCH', `Expected ${expected}. Received: inputs=${count}`, { received: count });
}

/** Returns the single input shape, with rank checked when `rank` is given. */
export function singleInput(inputs: readonly Shape[], rank?: number, rankText?: string): Shape {
  if (inputs.length !== 1) throw arityError('exactly one input', inputs.length);
  const shape = inputs[0] as Shape;
  if (rank !== undefined && shape.length !== rank) throw rankError(rankText ?? `a ${rank}D input`, shape);
  return shape;
}

/** Throws `SHAPE_INVALID_OUTPUT` when a computed output dimension is zero or negative. */
export function requirePositiveOutput(output: Shape, inputShape: Shape, context: string): Shape {
  if (output.some((d) => d !== null && d <= 0)) {
    throw new LabError(
      'SHAPE_INVALID_OUTPUT',
      `Expected every output dimension to be positive, but ${context} gives ${formatShape(output)}. Received: input_shape=${formatShape(inputShape)}`,
      { received: inputShape },
    );
  }
  return output;
}

/** Throws `SHAPE_UNKNOWN` when a dimension the layer needs to create weights is `None`. */
export function requireKnownDim(shape: Shape, axis: number, what: string): number {
  const dim = shape[axis];
  if (dim === null || dim === undefined) {
    throw new LabError('SHAPE_UNKNOWN', `Expected the ${what} of the input to be defined. Received: input_shape=${formatShape(shape)}`, { received: shape });
  }
  return dim;
}

/** Resolves a possibly negative `axis` against a rank; throws `SHAPE_RANK` when out of range. */
export function resolveAxis(axis: number, shape: Shape, field = 'axis'): number {
  const rank = shape.length;
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) {
    throw new LabError('SHAPE_RANK', `Expected ${field} in [${-rank}, ${rank}) for an input of rank ${rank}. Received: ${field}=${axis}, input_shape=${formatShape(shape)}`, { field, received: axis });
  }
  return resolved;
}
