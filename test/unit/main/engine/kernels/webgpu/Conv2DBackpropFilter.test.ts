import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '../../../../../../main/data/random';
import { registerWebGpuKernels } from '../../../../../../main/engine/kernels/webgpu/index';
import { conv2DBackpropFilterConfig } from '../../../../../../main/engine/kernels/webgpu/Conv2DBackpropFilter';
import { startWebGpuBackend } from './webgpuTestBackend';
import { convOutShape, randomConvCases, randomTensor, relativeError, runKernelOn, type ConvCase } from './kernelComparison';

const FIXED_CASES: ConvCase[] = [
  // Several row and column tiles (3·3·9 = 81 rows, 70 columns) and a split reduction over k = 2·12·12.
  { name: 'two tiles each way, k split', input: [2, 24, 24, 9], filter: [3, 3, 9, 70], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  // vec4 rows and columns with the batch of 256 split over many workgroups.
  { name: 'vec4 rows and columns, batch 256', input: [256, 4, 4, 8], filter: [3, 3, 8, 12], strides: [1, 1], dilations: [1, 1], pad: 'same' },
];

beforeAll(async () => {
  await startWebGpuBackend();
  registerWebGpuKernels();
});

describe('webgpu Conv2DBackpropFilter matches the cpu backend', () => {
  it('replaces tfjs-backend-webgpu\'s own kernel', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu')?.kernelFunc).toBe(conv2DBackpropFilterConfig.kernelFunc);
  });

  it.each([...FIXED_CASES, ...randomConvCases(11, 14, false)])('$name', async (c) => {
    const random = createRandom(c.input.concat(c.filter).reduce((a, b) => a * 31 + b, 7));
    const inputs = { x: randomTensor(c.input, random), dy: randomTensor(convOutShape(c), random) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    const expected = await runKernelOn('cpu', 'Conv2DBackpropFilter', inputs, attrs);
    const actual = await runKernelOn('webgpu', 'Conv2DBackpropFilter', inputs, attrs);
    tf.dispose(Object.values(inputs));
    expect(actual.shape).toEqual(c.filter);
    expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-4);
  });
});
