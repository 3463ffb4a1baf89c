import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '../../../../../../main/data/random';
import { registerWebGpuKernels } from '../../../../../../main/engine/kernels/webgpu/index';
import { startWebGpuBackend } from './webgpuTestBackend';
import { convOutSize, randomConvCases, randomTensor, relativeError, type ConvCase } from './kernelComparison';
import { runOn } from '../compareBackends';
import { gatherTaps, spreadFilter } from '../dilatedReference';

/** Random cases read as depthwise: filter [fh, fw, channels, multiplier], multiplier 1-3. */
const CASES: ConvCase[] = [
  { name: 'dilation 2, multiplier 2', input: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { name: 'dilation 3, valid, multiplier 1', input: [1, 11, 10, 4], filter: [3, 3, 4, 1], strides: [1, 1], dilations: [3, 3], pad: 'valid' },
  ...randomConvCases(31, 6, true).map((c) => ({ ...c, filter: [c.filter[0], c.filter[1], c.filter[2], 1 + (c.filter[3] % 3)] as ConvCase['filter'] })),
];

function dyShape(c: ConvCase): number[] {
  const [n, h, w, channels] = c.input;
  return [n, convOutSize(h, c.filter[0], c.strides[0], c.dilations[0], c.pad), convOutSize(w, c.filter[1], c.strides[1], c.dilations[1], c.pad), channels * c.filter[3]];
}

function spreadShape(c: ConvCase): [number, number, number, number] {
  return [(c.filter[0] - 1) * c.dilations[0] + 1, (c.filter[1] - 1) * c.dilations[1] + 1, c.filter[2], c.filter[3]];
}

beforeAll(async () => {
  await startWebGpuBackend();
  registerWebGpuKernels();
});

describe('webgpu depthwise gradient kernels match the cpu backend, dilation included', () => {
  it.each(CASES)('DepthwiseConv2dNativeBackpropFilter: $name', async (c) => {
    const random = createRandom(c.input.concat(c.filter, c.dilations).reduce((a, b) => a * 31 + b, 3));
    const inputs = { x: randomTensor(c.input, random), dy: randomTensor(dyShape(c), random) };
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape: c.filter };
    // tfjs's cpu kernel ignores dilations: a dilated filter's gradient is the spread filter's at the real taps.
    const reference = await runOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', inputs, { ...attrs, dilations: [1, 1], filterShape: spreadShape(c) });
    const actual = await runOn('webgpu', 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
    tf.dispose(Object.values(inputs));
    expect(actual.shape).toEqual(c.filter);
    expect(relativeError(actual.data, gatherTaps(reference.data, spreadShape(c), c.dilations, c.filter))).toBeLessThan(1e-4);
  });

  it.each(CASES)('DepthwiseConv2dNativeBackpropInput: $name', async (c) => {
    const random = createRandom(c.input.concat(c.filter, c.dilations).reduce((a, b) => a * 31 + b, 5));
    const dy = randomTensor(dyShape(c), random);
    const filter = randomTensor(c.filter, random) as tf.Tensor4D;
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.input };
    const spread = spreadFilter(filter, c.dilations);
    const expected = await runOn('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: spread }, { ...attrs, dilations: [1, 1] });
    const actual = await runOn('webgpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs);
    tf.dispose([dy, filter, spread]);
    expect(actual.shape).toEqual(c.input);
    expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-4);
  });
});
