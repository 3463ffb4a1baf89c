import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { EpochRecord } from '../../../../../common/training/epochRecord';
import { hyperparametersSchema } from '../../../../../common/training/hyperparameters';
import type { BackendReport } from '../../../../../common/training/backend';
import { GraphBuilder } from '../../../../../common/templates/builder';
import { initBackend } from '../../../../../main/engine/backend';
import { compileGraph } from '../../../../../main/engine/compile';
import { registerWebGpuKernels, restoreStockWebGpuKernels } from '../../../../../main/engine/kernels/webgpu/index';
import { Trainer, type TrainerEvent } from '../../../../../main/engine/train/trainer';
import { createRunDir } from '../../../../../main/project/runRepository';
import { startWebGpuBackend } from '../kernels/webgpu/webgpuTestBackend';
import { memoryDatasetCache, syntheticDataset, syntheticRunSpec } from './datasetFixture';

/**
 * Conv, batch norm, ReLU, pooling, a strided conv and a dense head: every kernel family a
 * CNN step runs. The conv before batch norm has no bias, as usual: batch norm cancels a
 * bias, so its gradient would be rounding noise, which Adam scales up to full steps.
 */
function smallCnn() {
  const b = new GraphBuilder('small_cnn', 'A small CNN for WebGPU tests.');
  let x = b.input([8, 8, 1]);
  x = b.layer('Conv2D', { filters: 6, kernel_size: [3, 3], padding: 'same', use_bias: false }, x);
  x = b.layer('BatchNormalization', {}, x);
  x = b.layer('ReLU', {}, x);
  x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
  x = b.layer('Conv2D', { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }, x);
  x = b.layer('GlobalAveragePooling2D', {}, x);
  b.layer('Dense', { units: 3, activation: 'softmax' }, x);
  return b.build('small-cnn');
}

let report: BackendReport;
const roots: string[] = [];

beforeAll(async () => {
  // The run's backend record is only written to run.json here.
  ({ report } = await initBackend({ preference: 'cpu' }));
  await startWebGpuBackend();
});

afterAll(async () => {
  for (const root of roots) await fs.rm(root, { recursive: true, force: true });
});

/** Trains the small CNN for three epochs (Adam) and returns its history, the batch events and the tensor count after each epoch. */
async function train(backend: 'cpu' | 'webgpu'): Promise<{ history: EpochRecord[]; batches: string[]; tensors: number[] }> {
  await tf.setBackend(backend);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'trainer-webgpu-'));
  roots.push(root);
  const dataset = syntheticDataset({ count: 96, size: 8, classes: 3 });
  const graph = smallCnn();
  const hyperparameters = hyperparametersSchema.parse({ epochs: 3, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 }, metrics: ['accuracy'], seed: 3 });
  const spec = syntheticRunSpec('run-webgpu', graph, dataset, hyperparameters);

  const runDir = await createRunDir(root, spec);
  const events: TrainerEvent[] = [];
  const tensors: number[] = [];
  const model = compileGraph(graph, tf, { seed: 3 });
  const result = await new Trainer({
    tf, model, cache: memoryDatasetCache(dataset), hyperparameters, runId: 'run-webgpu', runDir, backend: report,
    emit: (e) => events.push(e), afterEpoch: () => tensors.push(tf.memory().numTensors), batchEventIntervalMs: 0,
  }).run();
  model.dispose();
  const batches = events.flatMap((e) => (e.type === 'run.batch' ? [`${e.epoch}.${e.batch}`] : []));
  return { history: result.history, batches, tensors };
}

describe('training on webgpu (lavapipe)', () => {
  it('ends with the loss of the cpu backend and of tfjs\'s own webgpu kernels, with the same batch events and no leaked tensors', async () => {
    const cpu = await train('cpu');
    restoreStockWebGpuKernels();
    const stock = await train('webgpu');
    registerWebGpuKernels();
    const ours = await train('webgpu');

    const lastLoss = (run: { history: EpochRecord[] }) => run.history.at(-1)?.logs['loss'] as number;
    expect(lastLoss(ours)).toBeLessThan(ours.history[0]?.logs['loss'] as number);
    const valLoss = (run: { history: EpochRecord[] }) => run.history.at(-1)?.logs['val_loss'] as number;
    expect(Math.abs(lastLoss(ours) - lastLoss(stock)) / lastLoss(stock)).toBeLessThan(1e-4);
    expect(Math.abs(lastLoss(ours) - lastLoss(cpu)) / lastLoss(cpu)).toBeLessThan(1e-4);
    expect(Math.abs(valLoss(ours) - valLoss(stock)) / valLoss(stock)).toBeLessThan(1e-4);
    expect(Math.abs(valLoss(ours) - valLoss(cpu)) / valLoss(cpu)).toBeLessThan(1e-4);
    expect(ours.batches).toEqual(cpu.batches);
    expect(ours.tensors).toEqual(Array(3).fill(ours.tensors[0]));
  });
});
