import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { seededTensor as values } from '../seededTensor';
import { initBackend } from '../../../../../main/engine/backend';


/** Reference spread filter built element by element (independent of the code under test). */
function spreadByHand(filter: tf.Tensor4D, d: number): tf.Tensor4D {
  const [fh, fw, a, b] = filter.shape;
  const data = filter.dataSync();
  const out = tf.buffer([(fh - 1) * d + 1, (fw - 1) * d + 1, a, b]);
  for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) for (let k = 0; k < a; k++) for (let m = 0; m < b; m++) out.set(data[((i * fw + j) * a + k) * b + m] as number, i * d, j * d, k, m);
  return out.toTensor() as tf.Tensor4D;
}

function tapsByHand(spread: Float32Array, spreadShape: number[], d: number, shape: number[]): number[] {
  const [, sw, a, b] = spreadShape as [number, number, number, number];
  const [fh, fw] = shape as [number, number];
  const out: number[] = [];
  for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) for (let k = 0; k < a * b; k++) out.push(spread[(i * d * sw + j * d) * a * b + k] as number);
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

type Conv = (x: tf.Tensor4D, w: tf.Tensor4D, dilation: number) => tf.Tensor4D;
const CONVOLUTIONS: { name: string; filter: number[]; conv: Conv }[] = [
  { name: 'conv2d', filter: [3, 3, 3, 4], conv: (x, w, d) => tf.conv2d(x, w, 1, 'same', 'NHWC', d) },
  { name: 'conv2d valid', filter: [3, 2, 3, 2], conv: (x, w, d) => tf.conv2d(x, w, 1, 'valid', 'NHWC', d) },
  { name: 'depthwiseConv2d', filter: [3, 3, 3, 2], conv: (x, w, d) => tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', d) },
  { name: 'depthwiseConv2d valid', filter: [3, 3, 3, 1], conv: (x, w, d) => tf.depthwiseConv2d(x, w, 1, 'valid', 'NHWC', d) },
];

describe('dilated convolution gradients', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(CONVOLUTIONS)(`${backend}: $name with dilation 2 matches the plain convolution over the spread filter`, async ({ filter, conv }) => {
      await initBackend({ preference: backend });
      const x = values([2, 9, 8, 3], 1) as tf.Tensor4D;
      const w = values(filter, 2) as tf.Tensor4D;
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a as tf.Tensor4D, b as tf.Tensor4D, 2).square().sum())([x, w]);
      const spread = spreadByHand(w, 2);
      const [rx, rSpread] = tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a as tf.Tensor4D, b as tf.Tensor4D, 1).square().sum())([x, spread]);
      const scale = Math.max(1, ...Array.from(rx!.dataSync(), Math.abs));
      expect(maxDiff(dx!.dataSync(), rx!.dataSync()) / scale).toBeLessThan(1e-5);
      const expectedDw = tapsByHand(rSpread!.dataSync() as Float32Array, rSpread!.shape, 2, filter);
      expect(maxDiff(dw!.dataSync(), expectedDw) / Math.max(1, ...expectedDw.map(Math.abs))).toBeLessThan(1e-5);
    });
  }

  it('leaves undilated gradients to TF.js', async () => {
    await initBackend({ preference: 'cpu' });
    const x = values([1, 5, 5, 2], 3) as tf.Tensor4D;
    const w = values([3, 3, 2, 2], 4) as tf.Tensor4D;
    const [, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum())([x, w]);
    expect(dw!.shape).toEqual([3, 3, 2, 2]);
  });
});
