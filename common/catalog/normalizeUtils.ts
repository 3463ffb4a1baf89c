/**
 * Keras's argument shorthands, shared by the families' `normalize` steps. They only
 * rewrite values whose form they recognise; anything else is left for the schema to
 * reject with a message naming the field.
 */

/** Keras's `standardize_tuple`: an integer `n` becomes `[n, n]`. */
export function pairShorthand(raw: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out = { ...raw };
  for (const field of fields) {
    const value = out[field];
    if (typeof value === 'number') out[field] = [value, value];
  }
  return out;
}

/** Keras's `activation=None` means linear, which is also what Keras saves. */
export function activationShorthand(raw: Record<string, unknown>, field = 'activation'): Record<string, unknown> {
  return raw[field] === null ? { ...raw, [field]: 'linear' } : raw;
}

/**
 * Keras's symmetric 2D padding shorthands (ZeroPadding2D `padding`, Cropping2D `cropping`):
 * `n` -> `[[n, n], [n, n]]`, `[h, w]` -> `[[h, h], [w, w]]`.
 */
export function symmetricPairShorthand(raw: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = raw[field];
  if (typeof value === 'number') return { ...raw, [field]: [[value, value], [value, value]] };
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    const [h, w] = value as [number, number];
    return { ...raw, [field]: [[h, h], [w, w]] };
  }
  return raw;
}
