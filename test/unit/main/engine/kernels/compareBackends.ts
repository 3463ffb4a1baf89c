import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';

/** Runs one kernel on `backend` (inputs copied there) and returns its shape and values. */
export async function runOn(backend: string, kernel: string, inputs: Record<string, tf.Tensor>, attrs: object): Promise<{ shape: number[]; data: Float32Array }> {
  await tf.setBackend(backend);
  const moved: Record<string, tf.Tensor> = {};
  for (const [key, tensor] of Object.entries(inputs)) moved[key] = tf.tensor(tensor.dataSync(), tensor.shape, tensor.dtype);
  const out = tf.engine().runKernel(kernel, moved, attrs as unknown as NamedAttrMap) as tf.Tensor;
  const result = { shape: out.shape, data: (await out.data()) as Float32Array };
  tf.dispose([out, ...Object.values(moved)]);
  return result;
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

/** Largest absolute difference relative to the largest expected magnitude (at least 1). */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  return maxAbsDiff(actual, expected) / scale;
}
