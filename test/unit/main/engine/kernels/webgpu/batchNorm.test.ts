import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '../../../../../../main/data/random';
import { BatchNormalization } from '../../../../../../main/engine/layers/BatchNormalization';
import { BatchNormTraining, BatchNormTrainingGrad, MovingAveragesUpdate } from '../../../../../../main/engine/kernels/fusedBatchNorm';
import { registerWebGpuKernels } from '../../../../../../main/engine/kernels/webgpu/index';
import { initBackend } from '../../../../../../main/engine/backend';
import { startWebGpuBackend } from './webgpuTestBackend';
import { randomTensor, relativeError } from './kernelComparison';

interface LayerStep {
  values: Record<string, Float32Array>;
  kernels: string[];
}

let layers = 0;

/**
 * One training step of a BatchNormalization layer on `backend`: its output, the gradients
 * of Σ y·w with respect to x, gamma and beta, and the moving statistics afterwards.
 */
async function layerStep(backend: string, shape: number[], offset: number): Promise<LayerStep> {
  await tf.setBackend(backend);
  const random = createRandom(shape.reduce((a, b) => a * 31 + b, 5));
  const channels = shape[shape.length - 1] as number;
  const x = tf.tidy(() => tf.variable(tf.add(randomTensor(shape, random), offset), true, `bn_x_${++layers}`));
  const weights = randomTensor(shape, random);
  const layer = new BatchNormalization({ momentum: 0.9, epsilon: 1e-3, name: `bn_${layers}` });
  tf.dispose(layer.apply(x, { training: false }) as tf.Tensor);
  tf.tidy(() => layer.setWeights([tf.add(randomTensor([channels], random), 1), randomTensor([channels], random), randomTensor([channels], random), tf.add(randomTensor([channels], random), 2)]));
  const trained = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
  let result: tf.Tensor | undefined;
  const profile = await tf.profile(() => {
    result = tf.tidy(() => {
      let output: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const out = layer.apply(x, { training: true }) as tf.Tensor;
        output = tf.keep(out);
        return tf.sum(tf.mul(out, weights));
      }, trained);
      const all = tf.concat([(output as tf.Tensor).flatten(), ...trained.map((v) => (grads[v.name] as tf.Tensor).flatten())]);
      tf.dispose(output as tf.Tensor);
      return all;
    });
  });
  const [movingMean, movingVariance] = layer.getWeights().slice(2);
  const values = {
    outputsAndGradients: (await (result as tf.Tensor).data()) as Float32Array,
    movingMean: (await (movingMean as tf.Tensor).data()) as Float32Array,
    movingVariance: (await (movingVariance as tf.Tensor).data()) as Float32Array,
  };
  tf.dispose([x, weights, result as tf.Tensor]);
  // A layer called eagerly is never counted as in use, so its dispose() keeps the weights.
  for (const weight of layer.weights) weight.dispose();
  return { values, kernels: profile.kernels.map((k) => k.name) };
}

beforeAll(async () => {
  await initBackend({ preference: 'wasm' });
  await startWebGpuBackend();
  registerWebGpuKernels();
});

describe.each(['webgpu', 'wasm'])('fused batch normalization on %s', (backend) => {
  it.each([
    { name: 'scalar channels', shape: [2, 5, 7, 3], offset: 0 },
    { name: 'vec4 channels, batch 256', shape: [256, 2, 3, 8], offset: 0 },
    { name: 'rank 2, a mean far from zero', shape: [33, 6], offset: 1000 },
    { name: 'one example', shape: [1, 4, 4, 5], offset: -3 },
  ])('matches tfjs\'s layer on cpu: $name', async ({ shape, offset }) => {
    const expected = await layerStep('cpu', shape, offset);
    const actual = await layerStep(backend, shape, offset);
    for (const kernel of [BatchNormTraining, BatchNormTrainingGrad, MovingAveragesUpdate]) expect(actual.kernels).toContain(kernel);
    expect(expected.kernels).not.toContain(BatchNormTraining);
    for (const [key, values] of Object.entries(expected.values)) {
      expect(relativeError(actual.values[key] as Float32Array, values), key).toBeLessThan(1e-4);
    }
  });

  it.each([{ scale: false }, { center: false }])('a layer with %o (InceptionV3 has no gamma) normalises a training batch as on cpu, where tfjs\'s own layer throws', async (args) => {
    const outputs: Float32Array[] = [];
    for (const name of ['cpu', backend]) {
      await tf.setBackend(name);
      const x = tf.tidy(() => tf.add(randomTensor([2, 3, 3, 4], createRandom(11)), 0.5));
      const layer = new BatchNormalization({ ...args, name: `bn_${++layers}` });
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      outputs.push((await y.data()) as Float32Array);
      tf.dispose([x, y]);
      for (const weight of layer.weights) weight.dispose();
    }
    expect(relativeError(outputs[1] as Float32Array, outputs[0] as Float32Array)).toBeLessThan(1e-4);
  });

  it('leaks no tensors', async () => {
    await layerStep(backend, [2, 3, 3, 4], 0);
    const before = tf.memory().numTensors;
    await layerStep(backend, [2, 3, 3, 4], 0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
