import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../../../../common/training/optimizers';
import { createOptimizer, setLearningRate } from '../../../../../main/engine/train/optimizers';
import { FusedAdamUpdate, FusedMomentumUpdate, FusedRmspropUpdate, FusedSgdUpdate } from '../../../../../main/engine/kernels/fusedUpdates';
import { registerWebGpuKernels } from '../../../../../main/engine/kernels/webgpu/index';
import { initBackend } from '../../../../../main/engine/backend';
import { registerWasmKernels } from '../../../../../main/engine/kernels/index';
import { seededTensor } from '../seededTensor';
import { startWebGpuBackend } from '../kernels/webgpu/webgpuTestBackend';
import { relativeError } from '../kernels/webgpu/kernelComparison';

/** Sizes that are and are not multiples of 4 (the update runs as vec4 or as scalars), and a scalar. */
const SHAPES = [[3, 3, 5, 7], [16], [1]];
const STEPS = 4;

const CASES: Array<{ config: OptimizerConfig; kernel: string }> = [
  { config: { name: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false }, kernel: FusedSgdUpdate },
  { config: { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false }, kernel: FusedMomentumUpdate },
  { config: { name: 'sgd', learningRate: 0.05, momentum: 0.8, nesterov: true }, kernel: FusedMomentumUpdate },
  { config: { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, kernel: FusedAdamUpdate },
  { config: { name: 'adamw', learningRate: 0.01, weightDecay: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 }, kernel: FusedAdamUpdate },
  { config: { name: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }, kernel: FusedRmspropUpdate },
  { config: { name: 'rmsprop', learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-7, centered: true }, kernel: FusedRmspropUpdate },
];

let runs = 0;

/** Variables and optimizer state (as getWeights returns it) after STEPS steps, and the kernels of the last step. */
async function train(backend: string, config: OptimizerConfig): Promise<{ values: Float32Array[]; kernels: string[] }> {
  await tf.setBackend(backend);
  runs++;
  const initial = SHAPES.map((shape, i) => seededTensor(shape, i + 1));
  // tf.variable shares its initial tensor's data: the fused step must not write through it.
  const variables = initial.map((tensor, i) => tf.variable(tensor, true, `fused_${runs}_${i}`));
  const optimizer = createOptimizer(tf, config);
  let kernels: string[] = [];
  for (let step = 0; step < STEPS; step++) {
    if (step === 2) setLearningRate(optimizer, config.learningRate / 2);
    const grads = Object.fromEntries(variables.map((v, i) => [v.name, tf.mul(seededTensor(v.shape, 100 * step + i), 0.5)]));
    if (step === 1) await variables[0]?.data(); // a read caches values on the CPU; the next step must not leave them stale
    const profile = await tf.profile(() => optimizer.applyGradients(grads));
    kernels = profile.kernels.map((k) => k.name);
    tf.dispose(Object.values(grads));
  }
  const state = (await optimizer.getWeights()).filter((w) => w.name !== 'iter');
  const values = await Promise.all([...variables, ...state.map((w) => w.tensor)].map(async (t) => (await t.data()) as Float32Array));
  for (let i = 0; i < initial.length; i++) {
    expect(await initial[i]?.data(), 'the tensor a variable was made from is unchanged').toEqual(await seededTensor(SHAPES[i] as number[], i + 1).data());
  }
  optimizer.dispose();
  tf.dispose([...variables, ...initial]);
  return { values, kernels };
}

beforeAll(async () => {
  await initBackend({ preference: 'wasm' });
  await startWebGpuBackend();
  registerWebGpuKernels();
});

describe('fused optimizer updates', () => {
  it.each(['webgpu', 'wasm'].flatMap((backend) => CASES.map((c) => ({ ...c, backend }))))('$backend, $config.name (momentum $config.momentum, nesterov $config.nesterov, centered $config.centered): matches tfjs on cpu over several steps', async ({ config, kernel, backend }) => {
    const expected = await train('cpu', config);
    const actual = await train(backend, config);
    expect(actual.kernels.filter((name) => name === kernel)).toHaveLength(SHAPES.length);
    expect(expected.kernels).not.toContain(kernel);
    expect(actual.values).toHaveLength(expected.values.length);
    for (let i = 0; i < expected.values.length; i++) {
      expect(relativeError(actual.values[i] as Float32Array, expected.values[i] as Float32Array), `tensor ${i}`).toBeLessThan(1e-5);
    }
  });

  it('on wasm, a model trains as with tfjs\'s own Adam: the next forward pass sees the updated weights, not XNNPACK\'s packed copy', async () => {
    await tf.setBackend('wasm');
    const config: OptimizerConfig = { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    const initial = model.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape));
    const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const x = seededTensor([4, 8, 8, 1], 7);
    const y = seededTensor([4, 3], 8);
    const losses = (): number[] => {
      model.setWeights(initial);
      const optimizer = createOptimizer(tf, config);
      const seen: number[] = [];
      for (let step = 0; step < 4; step++) {
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, variables);
          optimizer.applyGradients(grads);
          return value;
        });
        seen.push(loss.dataSync()[0] as number);
        loss.dispose();
      }
      optimizer.dispose();
      return seen;
    };
    const fused = losses();
    for (const name of [FusedAdamUpdate]) tf.unregisterKernel(name, 'wasm');
    try {
      const stock = losses();
      for (let step = 0; step < stock.length; step++) expect(fused[step], `step ${step}`).toBeCloseTo(stock[step] as number, 5);
      expect(fused[3]).toBeLessThan(fused[0] as number);
    } finally {
      registerWasmKernels();
      tf.dispose([...initial, x, y]);
      model.dispose();
    }
  });

  it('leaves backends without the fused kernels on tfjs\'s own update, bit for bit', async () => {
    await tf.setBackend('cpu');
    for (const { config } of CASES.filter((c) => c.config.name !== 'adamw')) {
      const ours = await train('cpu', config);
      const stock = await (async () => {
        runs++;
        const variables = SHAPES.map((shape, i) => tf.variable(seededTensor(shape, i + 1), true, `stock_${runs}_${i}`));
        const optimizer = config.name === 'sgd'
          ? config.momentum > 0 ? tf.train.momentum(config.learningRate, config.momentum, config.nesterov) : tf.train.sgd(config.learningRate)
          : config.name === 'adam' ? tf.train.adam(config.learningRate, config.beta1, config.beta2, config.epsilon)
            : config.name === 'rmsprop' ? tf.train.rmsprop(config.learningRate, config.rho, config.momentum, config.epsilon, config.centered) : null;
        if (optimizer === null) throw new Error(`no stock optimizer for ${config.name}`);
        for (let step = 0; step < STEPS; step++) {
          if (step === 2) setLearningRate(optimizer, config.learningRate / 2);
          const grads = Object.fromEntries(variables.map((v, i) => [v.name, tf.mul(seededTensor(v.shape, 100 * step + i), 0.5)]));
          optimizer.applyGradients(grads);
          tf.dispose(Object.values(grads));
        }
        const state = (await optimizer.getWeights()).filter((w) => w.name !== 'iter');
        const values = await Promise.all([...variables, ...state.map((w) => w.tensor)].map(async (t) => (await t.data()) as Float32Array));
        optimizer.dispose();
        tf.dispose(variables);
        return values;
      })();
      expect(ours.values).toEqual(stock);
    }
  });

  it('continues from saved optimizer state with the same result as without the save', async () => {
    const config: OptimizerConfig = { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const uninterrupted = await train('webgpu', config);
    await tf.setBackend('webgpu');
    runs++;
    const variables = SHAPES.map((shape, i) => tf.variable(seededTensor(shape, i + 1), true, `resumed_${runs}_${i}`));
    let optimizer = createOptimizer(tf, config);
    for (let step = 0; step < STEPS; step++) {
      if (step === 2) {
        // What a checkpoint does: read the state, then give it to a new optimizer.
        const saved = await Promise.all((await optimizer.getWeights()).map(async (w) => ({ name: w.name, tensor: tf.tensor(await w.tensor.data(), w.tensor.shape) })));
        optimizer.dispose();
        optimizer = createOptimizer(tf, config);
        await optimizer.setWeights(saved);
        setLearningRate(optimizer, config.learningRate / 2);
      }
      const grads = Object.fromEntries(variables.map((v, i) => [v.name, tf.mul(seededTensor(v.shape, 100 * step + i), 0.5)]));
      optimizer.applyGradients(grads);
      tf.dispose(Object.values(grads));
    }
    const state = (await optimizer.getWeights()).filter((w) => w.name !== 'iter');
    const values = await Promise.all([...variables, ...state.map((w) => w.tensor)].map(async (t) => (await t.data()) as Float32Array));
    for (let i = 0; i < values.length; i++) expect(relativeError(values[i] as Float32Array, uninterrupted.values[i] as Float32Array)).toBeLessThan(1e-6);
    optimizer.dispose();
    tf.dispose(variables);
  });
});
