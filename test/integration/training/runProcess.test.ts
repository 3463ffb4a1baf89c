import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../common/api/events';
import { createLabService, type LabService } from '../../../main/api/labService';
import { nodeProcessLauncher, type ProcessLauncher } from '../../../main/engine/process/launcher';
import { checkpointDir, readHistory } from '../../../main/project/runRepository';
import { initBackend } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { loadWeightsInto } from '../../../main/engine/train/checkpointIo';
import { syntheticDataset, tinyGraph, writeDatasetCache } from '../../unit/main/engine/train/datasetFixture';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A service over a fresh data folder holding the synthetic dataset; records every event and child pid. */
async function setup(): Promise<{ service: LabService; events: LabEvent[]; pids: number[]; root: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'runs-'));
  await writeDatasetCache(path.join(root, 'datasets', 'synthetic'), syntheticDataset({ count: 192 }));
  const pids: number[] = [];
  const launcher: ProcessLauncher = {
    launch(entry, args, env) {
      const channel = nodeProcessLauncher.launch(entry, args, env);
      if (channel.pid !== undefined) pids.push(channel.pid);
      return channel;
    },
  };
  const service = await createLabService({ dataDir: root, allowedRoots: [root], backend: 'cpu', launcher });
  const events: LabEvent[] = [];
  service.onEvent((event) => events.push(event));
  cleanups.push(async () => {
    service.dispose();
    await fs.rm(root, { recursive: true, force: true });
  });
  return { service, events, pids, root };
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Loads a checkpoint's weights into a fresh model of the graph the kill -9 test trains. */
async function expectCheckpointLoads(dir: string): Promise<void> {
  const { tf } = await initBackend({ preference: 'cpu' });
  const model = compileGraph(tinyGraph(8, 3, 256), tf);
  try {
    await expect(loadWeightsInto(model, dir, tf)).resolves.toBeUndefined();
  } finally {
    model.dispose();
  }
}

const ofRun = (events: LabEvent[], runId: string, type: LabEvent['type']) => events.filter((e) => e.type === type && 'runId' in e && e.runId === runId);

describe('training runs in their own process', () => {
  it('trains through LabApi, streams events, lists, compares and evaluates the run', async () => {
    const { service, events } = await setup();
    const { runId } = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', hyperparameters: { epochs: 3, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } } });
    await waitFor(() => ofRun(events, runId, 'run.done').length + ofRun(events, runId, 'run.failed').length > 0);
    expect(ofRun(events, runId, 'run.failed')).toEqual([]);
    expect(ofRun(events, runId, 'run.started')).toHaveLength(1);
    expect(ofRun(events, runId, 'run.epoch')).toHaveLength(3);
    const runs = await service.call('listRuns', {});
    expect(runs.map((r) => [r.id, r.status, r.epochsCompleted])).toEqual([[runId, 'completed', 3]]);
    const run = await service.call('getRun', { runId });
    expect(run.history).toHaveLength(3);
    // The training process evaluates the best checkpoint before it reports run.done.
    expect(run.evaluation?.checkpoint).toBe('best');
    expect(run.evaluation?.examples).toBe(32);
    expect(run.spec.backend?.chosen).toBe('cpu');
    const compared = await service.call('compareRuns', { runIds: [runId], metric: 'val_accuracy' });
    expect(compared.series[0]?.points).toHaveLength(3);
    const evaluation = await service.call('evaluateRun', { runId, misclassified: 2 });
    expect(evaluation.examples).toBe(32);
    expect(evaluation.accuracy).toBeGreaterThan(0.8);
    expect(evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(32);
    expect((await service.call('getRun', { runId })).evaluation?.accuracy).toBe(evaluation.accuracy);
    // Per-example predictions stay on disk; a diagonal cell lists all its images, highest loss first.
    expect(evaluation).not.toHaveProperty('predictions');
    const diagonal = await service.call('getConfusionCellImages', { runId, checkpoint: 'best', trueClass: 0, predictedClass: 0, limit: 32 });
    expect(diagonal.total).toBe(evaluation.confusionMatrix[0]?.[0]);
    expect(diagonal.images).toHaveLength(diagonal.total);
    expect(diagonal.images.map((image) => image.loss)).toEqual(diagonal.images.map((image) => image.loss).sort((a, b) => b - a));
  });

  it('turns kill -9 of the training process into run.failed and keeps metrics and the last checkpoint', async () => {
    const { service, events, pids } = await setup();
    const { runId, runDir } = await service.call('startRun', { graph: tinyGraph(8, 3, 256), dataset: 'synthetic', hyperparameters: { epochs: 500, batchSize: 4 } });
    await waitFor(() => ofRun(events, runId, 'run.checkpoint').some((e) => e.type === 'run.checkpoint' && e.kind === 'last'));
    process.kill(pids[0] as number, 'SIGKILL');
    await waitFor(() => ofRun(events, runId, 'run.failed').length > 0);
    const failed = ofRun(events, runId, 'run.failed')[0];
    expect(failed?.type === 'run.failed' && failed.code).toBe('TRAIN_CRASHED');
    expect(failed?.type === 'run.failed' && failed.reason).toMatch(/SIGKILL/);
    const history = await readHistory(runDir);
    expect(history.length).toBeGreaterThanOrEqual(1);
    const raw = (await fs.readFile(path.join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(raw.length).toBeGreaterThanOrEqual(history.length);
    const last = await checkpointDir(runDir, 'last');
    expect(last?.epoch).toBeGreaterThanOrEqual(1);
    expect(failed?.type === 'run.failed' && failed.lastGoodEpoch).toBeGreaterThanOrEqual(last?.epoch ?? 1);
    await expectCheckpointLoads(last?.dir ?? '');
    expect((await service.call('getRun', { runId })).spec.status).toBe('failed');
    // The service still works after the crash: resume the run from its last checkpoint, then stop it.
    const resumed = await service.call('resumeRunFromCheckpoint', { runId, epochs: 500 });
    expect(resumed.runDir).toBe(runDir);
    await waitFor(() => ofRun(events, runId, 'run.started').length === 2);
    const started = ofRun(events, runId, 'run.started')[1];
    expect(started?.type === 'run.started' && started.initialEpoch).toBeGreaterThan(1);
    await service.call('stopRun', { runId });
    await waitFor(() => ofRun(events, runId, 'run.done').length > 0);
    // What the crash left is still there after the resumed run stopped, and still loads.
    const afterStop = await checkpointDir(runDir, 'last');
    expect(afterStop?.epoch).toBeGreaterThanOrEqual(last?.epoch ?? 1);
    await expectCheckpointLoads(afterStop?.dir ?? '');
  }, 120_000);

  it('pauses, resumes and stops a run at the next batch', async () => {
    const { service, events } = await setup();
    const { runId } = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', hyperparameters: { epochs: 500, batchSize: 4 } });
    await waitFor(() => ofRun(events, runId, 'run.batch').length > 0);
    expect((await service.call('pauseRun', { runId })).status).toBe('paused');
    await waitFor(() => ofRun(events, runId, 'run.status').some((e) => e.type === 'run.status' && e.status === 'paused'));
    const count = ofRun(events, runId, 'run.batch').length;
    expect((await service.call('resumeRun', { runId })).status).toBe('running');
    await waitFor(() => ofRun(events, runId, 'run.status').some((e) => e.type === 'run.status' && e.status === 'running'));
    // Events arrive in the order the process sent them: none of its batches falls between pausing and resuming.
    const statuses = events.filter((e) => 'runId' in e && e.runId === runId && (e.type === 'run.status' || e.type === 'run.batch'));
    const paused = statuses.findIndex((e) => e.type === 'run.status' && e.status === 'paused');
    const resumed = statuses.findIndex((e) => e.type === 'run.status' && e.status === 'running');
    expect(statuses.slice(paused + 1, resumed).map((e) => e.type)).toEqual([]);
    await waitFor(() => ofRun(events, runId, 'run.batch').length > count);
    await service.call('stopRun', { runId });
    await waitFor(() => ofRun(events, runId, 'run.done').length > 0);
    const done = ofRun(events, runId, 'run.done')[0];
    expect(done?.type === 'run.done' && done.reason).toBe('stopped');
    expect((await service.call('listRuns', {}))[0]?.status).toBe('stopped');
  });
});
