import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { seededTensor as values } from '../seededTensor';
import { gatherTaps, spreadFilter } from './dilatedReference';
import { initBackend } from '../../../../../main/engine/backend';
import { conv2DBackpropInputConfig } from '../../../../../main/engine/kernels/Conv2DBackpropInput';
import { maxAbsDiff, runOn } from './compareBackends';

type Padding = 'same' | 'valid';

interface ConvCase {
  name: string;
  input: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Padding;
}

/** Output size of a convolution, as tfjs computes it. */
function outSize(input: number, filter: number, stride: number, dilation: number, pad: Padding): number {
  const effective = (filter - 1) * dilation + 1;
  return pad === 'same' ? Math.ceil(input / stride) : Math.ceil((input - effective + 1) / stride);
}

const CONV_CASES: ConvCase[] = [
  { name: '3x3 stride 1 same', input: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: '3x3 stride 2 same, even size', input: [2, 8, 8, 3], filter: [3, 3, 3, 5], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { name: '3x3 stride 2 valid, odd size', input: [3, 9, 7, 2], filter: [3, 3, 2, 3], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { name: '5x3 stride (2,1) same', input: [1, 11, 6, 4], filter: [5, 3, 4, 2], strides: [2, 1], dilations: [1, 1], pad: 'same' },
  { name: '1x1 stride 2 valid, leftover row', input: [2, 5, 5, 3], filter: [1, 1, 3, 6], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { name: '4x4 stride 3 same', input: [2, 10, 9, 2], filter: [4, 4, 2, 3], strides: [3, 3], dilations: [1, 1], pad: 'same' },
];

const DEPTHWISE_CASES: ConvCase[] = [
  { name: '3x3 stride 1 same', input: [2, 7, 7, 3], filter: [3, 3, 3, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: '3x3 stride 2 same, multiplier 2', input: [2, 8, 8, 3], filter: [3, 3, 3, 2], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { name: '3x3 stride 2 valid, odd size, multiplier 3', input: [3, 9, 7, 2], filter: [3, 3, 2, 3], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { name: '3x3 dilation 2 same', input: [2, 9, 9, 4], filter: [3, 3, 4, 1], strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { name: '3x3 dilation 2 valid, multiplier 2', input: [1, 10, 8, 2], filter: [3, 3, 2, 2], strides: [1, 1], dilations: [2, 2], pad: 'valid' },
  { name: '5x5 stride 2 same, odd size', input: [2, 11, 11, 3], filter: [5, 5, 3, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { name: '1x1 stride 2 valid, leftover row', input: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
];

describe('wasm gradient kernels match the cpu backend', () => {
  it('replace the scalar-loop Conv2DBackpropInput of tfjs-backend-wasm', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(conv2DBackpropInputConfig.kernelFunc);
  });

  beforeAll(async () => {
    await initBackend({ preference: 'wasm' });
  });

  it.each(CONV_CASES)('Conv2DBackpropFilter: $name', async (c) => {
    const dyShape = [c.input[0], outSize(c.input[1], c.filter[0], c.strides[0], 1, c.pad), outSize(c.input[2], c.filter[1], c.strides[1], 1, c.pad), c.filter[3]];
    const inputs = { x: values(c.input, 1), dy: values(dyShape, 2) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    const expected = await runOn('cpu', 'Conv2DBackpropFilter', inputs, attrs);
    const actual = await runOn('wasm', 'Conv2DBackpropFilter', inputs, attrs);
    expect(actual.shape).toEqual(c.filter);
    expect(maxAbsDiff(actual.data, expected.data)).toBeLessThan(1e-4);
  });

  it.each(CONV_CASES)('Conv2DBackpropInput: $name', async (c) => {
    const dyShape = [c.input[0], outSize(c.input[1], c.filter[0], c.strides[0], 1, c.pad), outSize(c.input[2], c.filter[1], c.strides[1], 1, c.pad), c.filter[3]];
    const inputs = { dy: values(dyShape, 13), filter: values(c.filter, 14) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.input };
    const expected = await runOn('cpu', 'Conv2DBackpropInput', inputs, attrs);
    const actual = await runOn('wasm', 'Conv2DBackpropInput', inputs, attrs);
    expect(actual.shape).toEqual(c.input);
    expect(maxAbsDiff(actual.data, expected.data)).toBeLessThan(1e-4);
  });

  it.each(DEPTHWISE_CASES)('DepthwiseConv2dNativeBackpropFilter: $name', async (c) => {
    const dyShape = [c.input[0], outSize(c.input[1], c.filter[0], c.strides[0], c.dilations[0], c.pad), outSize(c.input[2], c.filter[1], c.strides[1], c.dilations[1], c.pad), c.filter[2] * c.filter[3]];
    const inputs = { x: values(c.input, 3), dy: values(dyShape, 4) };
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape: c.filter };
    // tfjs's cpu kernels ignore dilations, so dilated cases compare with a plain conv over the spread filter.
    const spreadShape = [(c.filter[0] - 1) * c.dilations[0] + 1, (c.filter[1] - 1) * c.dilations[1] + 1, c.filter[2], c.filter[3]];
    const reference = await runOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs, { ...attrs, dilations: [1, 1], filterShape: spreadShape });
    const expected = gatherTaps(reference.data, spreadShape, c.dilations, c.filter);
    const actual = await runOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
    expect(actual.shape).toEqual(c.filter);
    expect(maxAbsDiff(actual.data, expected)).toBeLessThan(1e-4);
  });

  it.each(DEPTHWISE_CASES)('DepthwiseConv2dNativeBackpropInput: $name', async (c) => {
    const dyShape = [c.input[0], outSize(c.input[1], c.filter[0], c.strides[0], c.dilations[0], c.pad), outSize(c.input[2], c.filter[1], c.strides[1], c.dilations[1], c.pad), c.filter[2] * c.filter[3]];
    const inputs = { dy: values(dyShape, 5), filter: values(c.filter, 6) };
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.input };
    const spread = { dy: inputs.dy, filter: spreadFilter(inputs.filter as tf.Tensor4D, c.dilations) };
    const expected = await runOn('cpu', 'DepthwiseConv2dNativeBackpropInput', spread, { ...attrs, dilations: [1, 1] });
    const actual = await runOn('wasm', 'DepthwiseConv2dNativeBackpropInput', inputs, attrs);
    expect(actual.shape).toEqual(c.input);
    expect(maxAbsDiff(actual.data, expected.data)).toBeLessThan(1e-4);
  });

  it('trains through tf.grads: conv2d and depthwiseConv2d gradients agree with cpu', async () => {
    const x = values([2, 9, 9, 3], 7);
    const convFilter = values([3, 3, 3, 4], 8);
    const depthFilter = values([3, 3, 4, 2], 9);
    const gradientsOn = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const [xb, cf, df] = [x, convFilter, depthFilter].map((t) => tf.tensor(t.dataSync(), t.shape));
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Scalar =>
        tf.depthwiseConv2d(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), c as tf.Tensor4D, 1, 'valid').square().sum();
      const grads = tf.grads(loss)([xb!, cf!, df!]);
      const data = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose([...grads, xb!, cf!, df!]);
      return data;
    };
    const expected = await gradientsOn('cpu');
    const actual = await gradientsOn('wasm');
    for (let i = 0; i < expected.length; i++) {
      const scale = Math.max(1, ...Array.from(expected[i]!, Math.abs));
      expect(maxAbsDiff(actual[i]!, expected[i]!) / scale).toBeLessThan(1e-4);
    }
  });

  it('leaks no tensors on wasm', async () => {
    await tf.setBackend('wasm');
    const x = values([2, 8, 8, 3], 10);
    const dy = values([2, 4, 4, 6], 11);
    const filter = values([3, 3, 3, 2], 12);
    const before = tf.memory().numBytes;
    const a = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: [2, 2], dilations: [1, 1], pad: 'same', filterShape: [3, 3, 3, 2] } as unknown as NamedAttrMap) as tf.Tensor;
    const b = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { strides: [2, 2], dilations: [1, 1], pad: 'same', inputShape: [2, 8, 8, 3] } as unknown as NamedAttrMap) as tf.Tensor;
    const c = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 6] } as unknown as NamedAttrMap) as tf.Tensor;
    tf.dispose([a, b, c]);
    expect(tf.memory().numBytes).toBe(before);
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const ids = backend.dataIdMap.numDataIds();
    const d = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 6] } as unknown as NamedAttrMap) as tf.Tensor;
    d.dispose();
    expect(backend.dataIdMap.numDataIds()).toBe(ids);
  });
});
