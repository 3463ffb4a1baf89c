import * as tf from '@tensorflow/tfjs';

/** Deterministic values in [-1, 1) (a linear congruential sequence), so every backend sees the same data. */
export function seededTensor(shape: readonly number[], seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = state / 1073741824 - 1;
  }
  return tf.tensor(data, [...shape]);
}
