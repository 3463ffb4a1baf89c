import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../../common/api/methods/runs';
import { hyperparametersSchema, type HyperparametersInput } from '../../../../../common/training/hyperparameters';
import { initBackend, type Tfjs } from '../../../../../main/engine/backend';
import type { BackendReport } from '../../../../../common/training/backend';
import { compileGraph } from '../../../../../main/engine/compile';
import { ManualControl, Trainer, type TrainerEvent } from '../../../../../main/engine/train/trainer';
import { loadWeightsInto } from '../../../../../main/engine/train/checkpointIo';
import { checkpointDir, createRunDir, readHistory, readRunSpec } from '../../../../../main/project/runRepository';
import { LabError } from '../../../../../common/errors';
import { memoryDatasetCache, syntheticDataset, syntheticRunSpec, tinyGraph } from './datasetFixture';

let tf: Tfjs;
let report: BackendReport;
const dirs: string[] = [];

beforeAll(async () => {
  ({ tf, report } = await initBackend({ preference: 'cpu' }));
});

afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function setup(hp: HyperparametersInput) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'trainer-'));
  dirs.push(root);
  const dataset = syntheticDataset();
  const graph = tinyGraph();
  const hyperparameters = hyperparametersSchema.parse(hp);
  const spec = syntheticRunSpec('run-test', graph, dataset, hyperparameters);

  const runDir = await createRunDir(root, spec);
  const events: TrainerEvent[] = [];
  const make = (control?: ManualControl, resume = false, afterEpoch?: (epoch: number) => void) => new Trainer({
    tf, model: compileGraph(graph, tf, { seed: hyperparameters.seed }), cache: memoryDatasetCache(dataset), hyperparameters, runId: 'run-test', runDir,
    backend: report, emit: (e) => events.push(e), control, resume, afterEpoch, batchEventIntervalMs: 0,
  });
  return { runDir, events, make };
}

/** Lets `count` macrotask turns pass (setImmediate), the pace at which the trainer takes batches. */
async function macrotaskTurns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Polls `condition` every 5 ms; fails after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const byType = <T extends RunEvent['type']>(events: TrainerEvent[], type: T) => events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describe('Trainer', () => {
  it('learns, writes metrics and checkpoints, and leaks no tensors between epochs', async () => {
    const { runDir, events, make } = await setup({ epochs: 4, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 }, metrics: ['accuracy', 'top_k_accuracy'], topK: 2 });
    const counts: number[] = [];
    const result = await make(undefined, false, () => counts.push(tf.memory().numTensors)).run();
    expect(result.reason).toBe('completed');
    expect(counts).toHaveLength(4);
    expect(counts, JSON.stringify(counts)).toEqual(Array(4).fill(counts[0]));
    const history = await readHistory(runDir);
    expect(history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    const first = history[0]?.logs ?? {};
    const last = history[3]?.logs ?? {};
    expect(last['loss']).toBeLessThan(first['loss'] as number);
    expect(last['val_accuracy']).toBeGreaterThan(0.9);
    expect(last['top_k_accuracy']).toBeGreaterThanOrEqual(last['accuracy'] as number);
    expect(await checkpointDir(runDir, 'best')).not.toBeNull();
    expect((await checkpointDir(runDir, 'last'))?.epoch).toBe(4);
    expect((await readRunSpec(runDir)).epochsCompleted).toBe(4);
    expect(byType(events, 'run.started')).toHaveLength(1);
    expect(byType(events, 'run.epoch')).toHaveLength(4);
    expect(byType(events, 'run.batch').length).toBeGreaterThan(0);
  });

  it('stops at the next batch when asked and keeps complete epochs', async () => {
    const { runDir, make, events } = await setup({ epochs: 50, batchSize: 8 });
    const control = new ManualControl();
    const trainer = make(control);
    let paused = false;
    control.onPauseChange = (p) => {
      if (p) paused = true;
    };
    const running = trainer.run();
    // Pause after the first epoch, check no batch arrives, then stop.
    await waitFor(() => byType(events, 'run.epoch').length >= 1);
    control.pause();
    await waitFor(() => paused);
    const batchesWhilePaused = byType(events, 'run.batch').length;
    // An unpaused trainer yields one macrotask turn per batch (and emits each batch here), so
    // within this many turns it would have sent more.
    await macrotaskTurns(50);
    expect(byType(events, 'run.batch').length).toBe(batchesWhilePaused);
    control.stop();
    const result = await running;
    expect(result.reason).toBe('stopped');
    expect(result.epochsCompleted).toBeGreaterThanOrEqual(1);
    expect((await readHistory(runDir)).length).toBe(result.epochsCompleted);
  });

  it('fails with TRAIN_NAN when the loss stops being finite, keeping the last good checkpoint loadable', async () => {
    // A good first epoch at 0.01, then a step decay to 1e30 that blows the weights up in the second.
    const { make, runDir } = await setup({ epochs: 3, batchSize: 8, optimizer: { name: 'sgd', learningRate: 0.01 }, lrSchedule: { type: 'step', stepSize: 1, gamma: 1e32 } });
    const error = await make().run().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('TRAIN_NAN');
    expect((error as LabError).details).toMatchObject({ epoch: 2, lastGoodEpoch: 1 });
    const last = await checkpointDir(runDir, 'last');
    expect(last?.epoch).toBe(1);
    const model = compileGraph(tinyGraph(), tf);
    try {
      await loadWeightsInto(model, last?.dir ?? '', tf);
      const weights = model.getWeights().map((w) => w.dataSync());
      expect(weights.every((values) => values.every(Number.isFinite))).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('says there is no checkpoint yet, and what to try, when the loss fails in the first epoch', async () => {
    const { make, runDir } = await setup({ epochs: 3, batchSize: 8, optimizer: { name: 'sgd', learningRate: 1e30 } });
    const error = await make().run().then(() => null, (e: unknown) => e);
    expect((error as LabError).code).toBe('TRAIN_NAN');
    expect(await checkpointDir(runDir, 'last')).toBeNull();
    const { message, details } = error as LabError;
    expect(message).not.toMatch(/checkpoint is epoch/);
    expect(message).toMatch(/no checkpoint/i);
    expect(message).toMatch(/learning rate/);
    expect(message).toMatch(/clipnorm/);
    expect(details?.['lastGoodEpoch']).toBe(0);
  });

  it('names the last checkpoint when the loss fails after one was saved', async () => {
    const { make, runDir } = await setup({ epochs: 2, batchSize: 16, optimizer: { name: 'sgd', learningRate: 0.01 } });
    await make().run();
    const spec = await readRunSpec(runDir);
    // The same run continued with a learning rate that makes the loss overflow at once.
    const hyperparameters = { ...spec.hyperparameters, epochs: 4, optimizer: { ...spec.hyperparameters.optimizer, learningRate: 1e30 } };
    const resumed = new Trainer({
      tf, model: compileGraph(spec.graph, tf, { seed: 1 }), cache: memoryDatasetCache(syntheticDataset()), hyperparameters,
      runId: 'run-test', runDir, backend: report, emit: () => undefined, resume: true,
    });
    const error = await resumed.run().then(() => null, (e: unknown) => e);
    expect((error as LabError).code).toBe('TRAIN_NAN');
    expect((error as LabError).message).toMatch(/last good checkpoint is epoch 2/);
    expect((error as LabError).details?.['lastGoodEpoch']).toBe(2);
  });

  it('resumes from the last checkpoint and continues the epoch count', async () => {
    const { runDir, make, events } = await setup({ epochs: 2, batchSize: 16, optimizer: { name: 'adamw', learningRate: 0.01 } });
    await make().run();
    const spec = await readRunSpec(runDir);
    await fs.writeFile(path.join(runDir, 'run.json'), JSON.stringify({ ...spec, hyperparameters: { ...spec.hyperparameters, epochs: 3 } }));
    const resumed = new Trainer({
      tf, model: compileGraph(spec.graph, tf, { seed: 1 }), cache: memoryDatasetCache(syntheticDataset()), hyperparameters: { ...spec.hyperparameters, epochs: 3 },
      runId: 'run-test', runDir, backend: report, emit: (e) => events.push(e), resume: true,
    });
    const result = await resumed.run();
    expect(result.epochsCompleted).toBe(3);
    expect((await readHistory(runDir)).map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(byType(events, 'run.started').at(-1)?.initialEpoch).toBe(3);
  });

  it('trains with augmentation, balanced class weights, a cosine schedule, clipping and L2 together', async () => {
    const { runDir, events, make } = await setup({
      epochs: 2, batchSize: 16, optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true }, clipnorm: 1, l2: 1e-4,
      classWeight: 'balanced', lrSchedule: { type: 'cosine', warmupSteps: 2 }, metrics: ['accuracy', 'top_k_accuracy'], topK: 2,
      augmentation: { horizontalFlip: true, brightnessRange: [0.9, 1.1] },
    });
    const result = await make().run();
    expect(result.reason).toBe('completed');
    const history = await readHistory(runDir);
    expect(history[1]?.learningRate).toBeLessThan(history[0]?.learningRate ?? 0);
    expect(Object.keys(history[0]?.logs ?? {}).sort()).toEqual(['accuracy', 'loss', 'top_k_accuracy', 'val_accuracy', 'val_loss', 'val_top_k_accuracy']);
    expect(byType(events, 'run.epoch').every((e) => Array.isArray(e.diagnosis))).toBe(true);
  });

  it('stops early when the monitored value stops improving', async () => {
    const { make } = await setup({ epochs: 30, batchSize: 16, optimizer: { name: 'sgd', learningRate: 1e-9 }, earlyStopping: { monitor: 'val_loss', patience: 1, minDelta: 0.01 } });
    const result = await make().run();
    expect(result.reason).toBe('early_stopping');
    expect(result.epochsCompleted).toBeLessThan(5);
  });
});
