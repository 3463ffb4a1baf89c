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
