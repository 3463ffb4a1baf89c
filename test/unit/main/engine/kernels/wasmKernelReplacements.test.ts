import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { seededTensor as values } from '../seededTensor';
import { initBackend } from '../../../../../main/engine/backend';
import { relativeError, runOn } from './compareBackends';

interface PoolCase {
  name: string;
  input: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  /** Rounds the input to halves, so that windows hold several equal maxima. */
  ties?: boolean;
}

const POOL_CASES: PoolCase[] = [
  { name: '2x2 stride 2 valid', input: [2, 8, 8, 3], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { name: '2x2 stride 2 valid, odd size', input: [3, 7, 9, 2], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  { name: '2x2 stride 2 same, odd size', input: [2, 7, 7, 4], filterSize: [2, 2], strides: [2, 2], pad: 'same' },
  { name: '3x3 stride 2 same, overlapping', input: [2, 9, 8, 3], filterSize: [3, 3], strides: [2, 2], pad: 'same' },
  { name: '3x3 stride 1 same', input: [1, 6, 6, 5], filterSize: [3, 3], strides: [1, 1], pad: 'same' },
  { name: '3x2 stride (1,2) valid', input: [2, 7, 8, 2], filterSize: [3, 2], strides: [1, 2], pad: 'valid' },
  { name: '2x2 stride 2 valid, tied maxima', input: [2, 8, 8, 3], filterSize: [2, 2], strides: [2, 2], pad: 'valid', ties: true },
  { name: '3x3 stride 1 same, tied maxima', input: [2, 6, 7, 2], filterSize: [3, 3], strides: [1, 1], pad: 'same', ties: true },
  { name: '2x2 stride 2 valid, 8 channels, tied maxima', input: [2, 6, 6, 8], filterSize: [2, 2], strides: [2, 2], pad: 'valid', ties: true },
  { name: '3x3 stride 2 same, 6 channels, overlapping and tied', input: [2, 9, 8, 6], filterSize: [3, 3], strides: [2, 2], pad: 'same', ties: true },
];

interface MatMulCase {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const MATMUL_CASES: MatMulCase[] = [
  { name: 'a·bᵀ (a Dense layer\'s input gradient)', a: [6, 5], b: [7, 5], transposeA: false, transposeB: true },
  { name: 'aᵀ·b (a Dense layer\'s kernel gradient)', a: [5, 6], b: [5, 7], transposeA: true, transposeB: false },
  { name: 'aᵀ·bᵀ', a: [5, 6], b: [7, 5], transposeA: true, transposeB: true },
  { name: 'a·bᵀ with unit batch dimensions', a: [1, 6, 5], b: [1, 7, 5], transposeA: false, transposeB: true },
  { name: 'a·bᵀ with a batch of 3', a: [3, 6, 5], b: [3, 7, 5], transposeA: false, transposeB: true },
  { name: 'a·b untransposed', a: [6, 5], b: [5, 7], transposeA: false, transposeB: false },
];

describe('wasm kernel replacements match the cpu backend', () => {
  beforeAll(async () => {
    await initBackend({ preference: 'wasm' });
  });

  it.each(POOL_CASES)('MaxPoolGrad: $name', async (c) => {
    const raw = values(c.input, 21);
    const input = c.ties ? tf.tidy(() => tf.div(tf.round(tf.mul(raw, 2)), 2)) : raw;
    await tf.setBackend('cpu');
    const output = tf.maxPool(input as tf.Tensor4D, c.filterSize, c.strides, c.pad);
    const dy = values(output.shape, 22);
    const inputs = { dy, input, output };
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
    const expected = await runOn('cpu', 'MaxPoolGrad', inputs, attrs);
    const actual = await runOn('wasm', 'MaxPoolGrad', inputs, attrs);
    expect(actual.shape).toEqual(c.input);
    expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-4);
  });

  it.each([
    { channels: 2, nans: [0, 9] },
    { channels: 9, nans: [0, 10, 9 * 4 + 3] },
  ])('MaxPoolGrad skips NaN as the cpu backend does, whatever the forward output says ($channels channels)', async ({ channels, nans }) => {
    const shape = [2, 4, 4, channels];
    const data = Float32Array.from({ length: 2 * 4 * 4 * channels }, (_, i) => ((i * 7) % 11) - 5);
    for (const at of nans) data[at] = NaN;
    const input = tf.tensor(data, shape);
    const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };
    const outputOn = async (backend: string) => {
      await tf.setBackend(backend);
      const moved = tf.tensor(data, shape);
      const y = tf.maxPool(moved as tf.Tensor4D, 2, 2, 'valid');
      const values = tf.tensor(await y.data(), y.shape);
      tf.dispose([moved, y]);
      return values;
    };
    const dy = values([2, 2, 2, channels], 23);
    const expected = await runOn('cpu', 'MaxPoolGrad', { dy, input, output: await outputOn('cpu') }, attrs);
    const actual = await runOn('wasm', 'MaxPoolGrad', { dy, input, output: await outputOn('wasm') }, attrs);
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
  });

  it.each(MATMUL_CASES)('BatchMatMul: $name', async (c) => {
    const inputs = { a: values(c.a, 31), b: values(c.b, 32) };
    const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
    const expected = await runOn('cpu', 'BatchMatMul', inputs, attrs);
    const actual = await runOn('wasm', 'BatchMatMul', inputs, attrs);
    expect(actual.shape).toEqual(expected.shape);
    expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-4);
  });

  it('trains through tf.grads: max pooling and a dense product agree with cpu', async () => {
    const x = values([2, 8, 8, 3], 41);
    const kernel = values([48, 5], 42);
    const gradientsOn = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const [xb, kb] = [x, kernel].map((t) => tf.tensor(t.dataSync(), t.shape));
      const loss = (a: tf.Tensor, k: tf.Tensor): tf.Scalar =>
        tf.matMul(tf.reshape(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), [2, 48]), k).square().sum();
      const grads = tf.grads(loss)([xb!, kb!]);
      const data = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose([...grads, xb!, kb!]);
      return data;
    };
    const expected = await gradientsOn('cpu');
    const actual = await gradientsOn('wasm');
    for (let i = 0; i < expected.length; i++) expect(relativeError(actual[i]!, expected[i]!)).toBeLessThan(1e-4);
  });

  it('Identity and same-dtype Cast share memory that outlives the original; other casts still convert', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const x = tf.tensor([1.5, -2.25, 3], [3], 'float32');
    const ids = backend.dataIdMap.numDataIds();
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    expect(backend.dataIdMap.numDataIds()).toBe(ids);
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1.5, -2.25, 3]);
    expect(Array.from(await same.data())).toEqual([1.5, -2.25, 3]);
    const integers = tf.cast(copy, 'int32');
    expect(integers.dtype).toBe('int32');
    expect(Array.from(await integers.data())).toEqual([1, -2, 3]);
    tf.dispose([copy, same, integers]);
    expect(backend.dataIdMap.numDataIds()).toBe(ids - 1);
  });

  it('leak no tensors on wasm', async () => {
    await tf.setBackend('wasm');
    const a = values([6, 5], 51);
    const b = values([7, 5], 52);
    const x = values([2, 8, 8, 3], 53);
    const y = tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
    const dy = values(y.shape, 54);
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const ids = backend.dataIdMap.numDataIds();
    const before = tf.memory().numBytes;
    const product = tf.matMul(a, b, false, true);
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' } as unknown as NamedAttrMap) as tf.Tensor;
    tf.dispose([product, dx]);
    expect(tf.memory().numBytes).toBe(before);
    expect(backend.dataIdMap.numDataIds()).toBe(ids);
  });
});
