import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hyperparametersSchema, type HyperparametersInput } from '../../../../../common/training/hyperparameters';
import type { BackendReport } from '../../../../../common/training/backend';
import type { ModelGraph } from '../../../../../common/graph/schema';
import { GraphBuilder } from '../../../../../common/templates/builder';
import { initBackend, type Tfjs } from '../../../../../main/engine/backend';
import { compileGraph, type TfjsLayersModel } from '../../../../../main/engine/compile';
import { ManualControl, Trainer, type TrainerEvent } from '../../../../../main/engine/train/trainer';
import { fineTunePlanOf } from '../../../../../main/engine/train/trainingPhases';
import { checkpointDir, createRunDir, readHistory } from '../../../../../main/project/runRepository';
import { loadWeightsInto } from '../../../../../main/engine/train/checkpointIo';
import { LabError } from '../../../../../common/errors';
import { registerWebGpuKernels } from '../../../../../main/engine/kernels/webgpu/index';
import { startWebGpuBackend } from '../kernels/webgpu/webgpuTestBackend';
import { memoryDatasetCache, syntheticDataset, syntheticRunSpec } from './datasetFixture';

let tf: Tfjs;
let report: BackendReport;
const dirs: string[] = [];

beforeAll(async () => {
  ({ tf, report } = await initBackend({ preference: 'cpu' }));
});

afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

/**
 * A frozen "base" of two convolution + BatchNormalization blocks, then a trainable head:
 * the shape of a transfer model built on a pretrained base.
 */
function baseAndHead(): ModelGraph {
  const b = new GraphBuilder('fine_tune_test');
  let x = b.input([8, 8, 1]);
  x = b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }, x, 'block1_conv', { trainable: false });
  x = b.layer('BatchNormalization', {}, x, 'block1_bn', { trainable: false });
  x = b.layer('Activation', { activation: 'relu' }, x, 'block1_relu', { trainable: false });
  x = b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }, x, 'block2_conv', { trainable: false });
  x = b.layer('BatchNormalization', {}, x, 'block2_bn', { trainable: false });
  x = b.layer('Activation', { activation: 'relu' }, x, 'block2_relu', { trainable: false });
  x = b.layer('GlobalAveragePooling2D', {}, x, 'pool');
  b.layer('Dense', { units: 3, activation: 'softmax' }, x, 'predictions');
  return b.build();
}

async function setup(hp: HyperparametersInput) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fine-tune-'));
  dirs.push(root);
  const dataset = syntheticDataset();
  const graph = baseAndHead();
  const hyperparameters = hyperparametersSchema.parse(hp);
  const runDir = await createRunDir(root, syntheticRunSpec('run-fine-tune', graph, dataset, hyperparameters));
  const events: TrainerEvent[] = [];
  /** Each layer's weights after every epoch, by epoch. */
  const snapshots = new Map<number, Map<string, number[][]>>();
  const make = (model: TfjsLayersModel, options: { control?: ManualControl; resume?: boolean } = {}) => new Trainer({
    tf, model, cache: memoryDatasetCache(dataset), hyperparameters, runId: 'run-fine-tune', runDir,
    backend: report, emit: (e) => events.push(e), batchEventIntervalMs: 0, fineTune: fineTunePlanOf(graph, hyperparameters), ...options,
    afterEpoch: (epoch) => snapshots.set(epoch, weightsOf(model)),
  });
  return { graph, hyperparameters, runDir, events, snapshots, make };
}

function weightsOf(model: TfjsLayersModel): Map<string, number[][]> {
  return new Map(model.layers.map((layer) => [layer.name, layer.getWeights().map((tensor) => Array.from(tensor.dataSync()))]));
}

/** BatchNormalization weights in Keras order: gamma, beta, moving_mean, moving_variance. */
const MOVING = [2, 3];

const FINE_TUNE = { epochs: 2, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 }, fineTune: { fromLayer: 'block2_conv', epochs: 2, learningRate: 0.001 } } as const;

describe('two-phase fine-tuning', () => {
  it('trains the head with the base frozen, then unfreezes from fromLayer at the lower rate, in one run and one metrics file', async () => {
    const { graph, runDir, events, snapshots, make } = await setup(FINE_TUNE);
    const model = compileGraph(graph, tf, { seed: 3 });
    const initial = weightsOf(model);
    const result = await make(model).run();
    expect(result.reason).toBe('completed');
    expect(result.epochsCompleted).toBe(4);
    const history = await readHistory(runDir);
    expect(history.map((record) => [record.epoch, record.phase, record.learningRate])).toEqual([[1, 1, 0.01], [2, 1, 0.01], [3, 2, 0.001], [4, 2, 0.001]]);
    expect(events.filter((e) => e.type === 'run.epoch').map((e) => (e.type === 'run.epoch' ? e.epochs : 0))).toEqual([4, 4, 4, 4]);
    expect(events.some((e) => e.type === 'log' && e.message === 'Fine-tuning from epoch 3: unfroze 3 layers from block2_conv on; learning rate 0.001 with a fresh optimizer; 1 BatchNormalization layers stay in inference mode.')).toBe(true);

    const afterHead = snapshots.get(2) as Map<string, number[][]>;
    const afterFineTune = snapshots.get(4) as Map<string, number[][]>;
    // Phase 1: only the head moves.
    expect(afterHead.get('block2_conv')).toEqual(initial.get('block2_conv'));
    expect(afterHead.get('predictions')).not.toEqual(initial.get('predictions'));
    // Phase 2: the unfrozen block trains, the block before fromLayer stays frozen.
    expect(afterFineTune.get('block2_conv')).not.toEqual(afterHead.get('block2_conv'));
    expect(afterFineTune.get('block1_conv')).toEqual(initial.get('block1_conv'));
    // The unfrozen BatchNormalization learns gamma and beta in inference mode...
    expect(afterFineTune.get('block2_bn')?.slice(0, 2)).not.toEqual(initial.get('block2_bn')?.slice(0, 2));
    // ...and neither frozen BatchNormalization ever updates its moving statistics.
    for (const name of ['block1_bn', 'block2_bn']) {
      for (const index of MOVING) expect(afterFineTune.get(name)?.[index], `${name} weight ${index}`).toEqual(initial.get(name)?.[index]);
    }
    model.dispose();

    // The run's graph still has the base frozen: a checkpoint saved after unfreezing (which
    // reorders model.weights) loads into it for evaluation and export.
    const reloaded = compileGraph(graph, tf, { seed: 9 });
    const last = await checkpointDir(runDir, 'last');
    await loadWeightsInto(reloaded, last?.dir ?? '', tf);
    expect(weightsOf(reloaded)).toEqual(afterFineTune);
    reloaded.dispose();
  });

  it('resumes inside phase 2 with the base unfrozen and the fine-tuning rate', async () => {
    const { graph, hyperparameters, runDir, events, make } = await setup(FINE_TUNE);
    const control = new ManualControl();
    const first = make(compileGraph(graph, tf, { seed: 3 }), { control });
    const running = first.run();
    // Stop during epoch 4, after phase 2's first epoch was checkpointed.
    for (const start = Date.now(); !events.some((e) => e.type === 'run.epoch' && e.record.epoch === 3);) {
      if (Date.now() - start > 30_000) throw new Error('epoch 3 did not end');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    control.stop();
    const stopped = await running;
    expect(stopped.epochsCompleted).toBeGreaterThanOrEqual(3);
    const model = compileGraph(graph, tf, { seed: 3 });
    const result = await make(model, { resume: true }).run();
    expect(result.epochsCompleted).toBe(4);
    expect(model.getLayer('block2_conv').trainable).toBe(true);
    expect(model.getLayer('block1_conv').trainable).toBe(false);
    const history = await readHistory(runDir);
    expect(history.map((record) => [record.epoch, record.phase, record.learningRate])).toEqual([[1, 1, 0.01], [2, 1, 0.01], [3, 2, 0.001], [4, 2, 0.001]]);
    expect(hyperparameters.fineTune?.epochs).toBe(2);
    model.dispose();
  });

  it('goes on to phase 2 when early stopping ends phase 1', async () => {
    const { graph, runDir, make } = await setup({
      ...FINE_TUNE, epochs: 20, optimizer: { name: 'sgd', learningRate: 1e-9 }, earlyStopping: { monitor: 'val_loss', patience: 1, minDelta: 0.01 },
    });
    const result = await make(compileGraph(graph, tf, { seed: 3 })).run();
    const history = await readHistory(runDir);
    const phase1 = history.filter((record) => record.phase === 1).length;
    expect(phase1).toBeLessThan(5);
    expect(history.filter((record) => record.phase === 2).map((record) => record.epoch)).toEqual([phase1 + 1, phase1 + 2]);
    expect(result.epochsCompleted).toBe(phase1 + 2);
  });

  it('refuses a fromLayer the graph lacks, or one after which nothing is frozen, naming the field', () => {
    const graph = baseAndHead();
    const plan = (fromLayer: string) => () => fineTunePlanOf(graph, hyperparametersSchema.parse({ fineTune: { fromLayer, epochs: 1, learningRate: 1e-5 } }));
    expect(plan('block9_conv')).toThrow(expect.objectContaining({ code: 'TRAIN_BAD_CONFIG', details: expect.objectContaining({ field: 'fineTune.fromLayer' }) }));
    expect(plan('pool')).toThrow(LabError);
    expect(plan('pool')).toThrow(/unfreeze nothing/);
    expect(fineTunePlanOf(graph, hyperparametersSchema.parse({}))).toBeNull();
    expect(plan('block1_bn')()?.layers).toEqual(['block1_bn', 'block1_relu', 'block2_conv', 'block2_bn', 'block2_relu', 'pool', 'predictions']);
  });

  it('on webgpu (lavapipe), whose fused batch normalization trains every trainable one, the unfrozen BatchNormalization keeps its moving statistics and the run ends where cpu ends', async () => {
    /** Trains both phases on `backend` and returns the weights before and after and the last loss. */
    const fineTuneOn = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const { graph, make } = await setup(FINE_TUNE);
      const model = compileGraph(graph, tf, { seed: 3 });
      try {
        const initial = weightsOf(model);
        const result = await make(model).run();
        return { initial, final: weightsOf(model), loss: result.history.at(-1)?.logs['loss'] as number };
      } finally {
        model.dispose();
      }
    };
    const cpu = await fineTuneOn('cpu');
    await startWebGpuBackend();
    registerWebGpuKernels();
    try {
      const gpu = await fineTuneOn('webgpu');
      for (const name of ['block1_bn', 'block2_bn']) {
        for (const index of MOVING) expect(gpu.final.get(name)?.[index], `${name} weight ${index}`).toEqual(gpu.initial.get(name)?.[index]);
      }
      expect(gpu.final.get('block2_bn')?.slice(0, 2)).not.toEqual(gpu.initial.get('block2_bn')?.slice(0, 2));
      expect(gpu.final.get('block1_conv')).toEqual(gpu.initial.get('block1_conv'));
      expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-3);
    } finally {
      await tf.setBackend('cpu');
    }
  }, 120_000);
});
