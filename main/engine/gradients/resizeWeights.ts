/**
 * Interpolation matrices of TF.js's image resize kernels: row `o` of a matrix holds the
 * weight of each input row (or column) in output row `o`. The mapping is the one
 * tfjs-backend-cpu's ResizeBilinear and ResizeNearestNeighbor kernels use, so
 * `output = A_h · image · A_wᵀ` per channel and the image gradient is `A_hᵀ · dy · A_w`.
 */

/** Options of the resize ops. */
export interface ResizeMode {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

function ratio(input: number, output: number, alignCorners: boolean): number {
  return alignCorners && output > 1 ? (input - 1) / (output - 1) : input / output;
}

/** Row-major `[output, input]` weights of bilinear resizing along one axis. */
export function bilinearWeights(input: number, output: number, mode: ResizeMode): Float32Array {
  const weights = new Float32Array(output * input);
  const scale = ratio(input, output, mode.alignCorners);
  for (let o = 0; o < output; o++) {
    const source = mode.halfPixelCenters ? scale * (o + 0.5) - 0.5 : scale * o;
    const floor = Math.max(0, Math.floor(source));
    const ceil = Math.min(input - 1, Math.ceil(source));
    const fraction = source - floor;
    weights[o * input + floor] = (weights[o * input + floor] ?? 0) + (1 - fraction);
    weights[o * input + ceil] = (weights[o * input + ceil] ?? 0) + fraction;
  }
  return weights;
}

/** Row-major `[output, input]` weights (one 1 per row) of nearest-neighbour resizing along one axis. */
export function nearestWeights(input: number, output: number, mode: ResizeMode): Float32Array {
  const weights = new Float32Array(output * input);
  const scale = ratio(input, output, mode.alignCorners);
  for (let o = 0; o < output; o++) {
    const source = mode.halfPixelCenters ? scale * (o + 0.5) : scale * o;
    let nearest = Math.min(input - 1, mode.alignCorners ? Math.round(source) : Math.floor(source));
    if (mode.halfPixelCenters) nearest = Math.max(0, nearest);
    weights[o * input + nearest] = 1;
  }
  return weights;
}
