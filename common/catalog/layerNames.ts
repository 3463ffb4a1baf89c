/**
 * Keras's `to_snake_case`, which gives a layer's default base name:
 * `Conv2D` -> `conv2d`, `BatchNormalization` -> `batch_normalization`, `ReLU` -> `re_lu`,
 * `PReLU` -> `p_re_lu`. Keras then appends `_1`, `_2`, ... to keep names unique.
 *
 * @param type a catalog type (Keras class name)
 * @returns the snake_case base name Keras would use
 */
export function defaultLayerName(type: string): string {
  return type
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The name Keras gives the next layer of `type`: the base name, then `_1`, `_2`, …,
 * skipping names already taken. Input layers are numbered from one (`input_1`), as
 * tf.keras's `unique_object_name('input', zero_based=False)` does; every other layer
 * starts unnumbered (`conv2d`, then `conv2d_1`).
 *
 * @param type a catalog type (Keras class name)
 * @param isTaken tells whether a name is already used in the model
 */
export function autoLayerName(type: string, isTaken: (name: string) => boolean): string {
  const base = defaultLayerName(type);
  const oneBased = type === 'Input';
  if (!oneBased && !isTaken(base)) return base;
  for (let suffix = 1; ; suffix++) {
    const candidate = `${base}_${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}
