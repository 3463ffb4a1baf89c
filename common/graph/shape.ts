/**
 * Tensor shapes as Keras prints them: the batch dimension first and `null` where a
 * dimension is unknown until run time (`None` in Keras).
 */
export type Dim = number | null;
export type Shape = readonly Dim[];

/** Formats a shape the way Keras's `summary()` does: `(None, 28, 28, 1)`. */
export function formatShape(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** Product of the known dimensions after the batch axis; `null` if any is unknown. */
export function featureSize(shape: Shape): number | null {
  let size = 1;
  for (const d of shape.slice(1)) {
    if (d === null) return null;
    size *= d;
  }
  return size;
}

/** True when both shapes have the same rank and every known dimension agrees. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
