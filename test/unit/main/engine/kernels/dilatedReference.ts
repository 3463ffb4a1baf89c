import * as tf from '@tensorflow/tfjs';

// tfjs's cpu kernels for depthwise gradients ignore dilations: a dilated case is compared
// with the plain case over a filter spread out with zero taps.

/** The filter with `dilation - 1` zero taps between its taps: a dilated conv is a plain conv with it. */
export function spreadFilter(filter: tf.Tensor4D, dilations: [number, number]): tf.Tensor4D {
  const [fh, fw, c, m] = filter.shape;
  const [dh, dw] = dilations;
  const data = filter.dataSync();
  const spreadShape: [number, number, number, number] = [(fh - 1) * dh + 1, (fw - 1) * dw + 1, c, m];
  const out = tf.buffer(spreadShape);
  for (let a = 0; a < fh; a++) for (let b = 0; b < fw; b++) for (let k = 0; k < c; k++) for (let j = 0; j < m; j++) out.set(data[((a * fw + b) * c + k) * m + j]!, a * dh, b * dw, k, j);
  return out.toTensor() as tf.Tensor4D;
}

/** The taps of a spread filter gradient that belong to real (non-zero) filter taps. */
export function gatherTaps(spread: Float32Array, spreadShape: readonly number[], dilations: [number, number], filter: readonly number[]): Float32Array {
  const [, sw, c, m] = spreadShape as [number, number, number, number];
  const [fh, fw] = filter as [number, number];
  const out = new Float32Array(fh * fw * c * m);
  for (let a = 0; a < fh; a++) for (let b = 0; b < fw; b++) for (let k = 0; k < c * m; k++) out[(a * fw + b) * c * m + k] = spread[(a * dilations[0] * sw + b * dilations[1]) * c * m + k]!;
  return out;
}
