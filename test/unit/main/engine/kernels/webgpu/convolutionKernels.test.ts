import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '../../../../../../main/data/random';
import { registerWebGpuKernels } from '../../../../../../main/engine/kernels/webgpu/index';
import { conv2DConfig } from '../../../../../../main/engine/kernels/webgpu/Conv2D';
import { conv2DBackpropFilterConfig } from '../../../../../../main/engine/kernels/webgpu/Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from '../../../../../../main/engine/kernels/webgpu/Conv2DBackpropInput';
import { fusedConv2DConfig } from '../../../../../../main/engine/kernels/webgpu/FusedConv2D';
import { startWebGpuBackend } from './webgpuTestBackend';
import { convOutShape, randomConvCases, randomTensor, relativeError, type ConvCase } from './kernelComparison';
import { runOn } from '../compareBackends';

/**
 * Cases that reach every tiling path: several row and column tiles (81 filter rows and 70
 * filters; 2,304 output pixels), k split over a batch of 256, vec4 and scalar channels.
 */
const FIXED_CASES: ConvCase[] = [
  { name: 'several tiles each way', input: [1, 5, 5, 9], filter: [3, 3, 9, 70], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: 'batch 256, k split, vec4 channels', input: [256, 3, 3, 4], filter: [3, 3, 4, 8], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: 'batch 256, k split, scalar channels, stride 2', input: [256, 4, 4, 3], filter: [3, 3, 3, 5], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
];

const seedOf = (c: ConvCase): number => c.input.concat(c.filter, c.strides, c.dilations).reduce((a, b) => a * 31 + b, c.pad === 'same' ? 7 : 11);

/** Runs `kernel` on cpu and on webgpu and checks shape and values (1e-4 relative to the largest value). */
async function expectMatchesCpu(kernel: string, inputs: Record<string, tf.Tensor>, attrs: object, shape: number[]): Promise<void> {
  const expected = await runOn('cpu', kernel, inputs, attrs);
  const actual = await runOn('webgpu', kernel, inputs, attrs);
  tf.dispose(Object.values(inputs));
  expect(actual.shape).toEqual(shape);
  expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-4);
}

beforeAll(async () => {
  await startWebGpuBackend();
  registerWebGpuKernels();
});

describe('webgpu convolution kernels match the cpu backend', () => {
  it('replace tfjs-backend-webgpu\'s own', () => {
    for (const config of [conv2DConfig, fusedConv2DConfig, conv2DBackpropInputConfig, conv2DBackpropFilterConfig]) {
      expect(tf.getKernel(config.kernelName, 'webgpu')?.kernelFunc).toBe(config.kernelFunc);
    }
  });

  it.each([...FIXED_CASES, ...randomConvCases(11, 6, false)])('Conv2DBackpropFilter: $name', async (c) => {
    const random = createRandom(seedOf(c));
    const inputs = { x: randomTensor(c.input, random), dy: randomTensor(convOutShape(c), random) };
    await expectMatchesCpu('Conv2DBackpropFilter', inputs, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }, c.filter);
  });

  it.each([...FIXED_CASES, ...randomConvCases(12, 6, false)])('Conv2DBackpropInput: $name', async (c) => {
    const random = createRandom(seedOf(c));
    const inputs = { dy: randomTensor(convOutShape(c), random), filter: randomTensor(c.filter, random) };
    await expectMatchesCpu('Conv2DBackpropInput', inputs, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.input }, c.input);
  });

  it.each([...FIXED_CASES, ...randomConvCases(13, 6, true)])('Conv2D: $name', async (c) => {
    const random = createRandom(seedOf(c));
    const inputs = { x: randomTensor(c.input, random), filter: randomTensor(c.filter, random) };
    await expectMatchesCpu('Conv2D', inputs, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations }, convOutShape(c));
  });

  const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  it.each(ACTIVATIONS.map((activation, i) => ({ activation, c: randomConvCases(20 + i, 1, true)[0] as ConvCase })))('FusedConv2D with bias and $activation: $c.name', async ({ activation, c }) => {
    const random = createRandom(seedOf(c));
    const filters = c.filter[3];
    const inputs: Record<string, tf.Tensor> = { x: randomTensor(c.input, random), filter: randomTensor(c.filter, random), bias: randomTensor([filters], random) };
    if (activation === 'prelu') inputs['preluActivationWeights'] = randomTensor([filters], random);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations, activation, leakyreluAlpha: 0.3 };
    await expectMatchesCpu('FusedConv2D', inputs, attrs, convOutShape(c));
  });
});
