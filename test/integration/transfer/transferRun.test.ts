import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../common/api/events';
import type { ModelGraph } from '../../../common/graph/schema';
import { createLabService, type LabService } from '../../../main/api/labService';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { loadWeightsInto } from '../../../main/engine/train/checkpointIo';
import { checkpointDir } from '../../../main/project/runRepository';
import { syntheticDataset, tinyGraph, writeDatasetCache } from '../../unit/main/engine/train/datasetFixture';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<{ service: LabService; events: LabEvent[]; root: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'transfer-'));
  await writeDatasetCache(path.join(root, 'datasets', 'synthetic'), syntheticDataset({ count: 96 }));
  const service = await createLabService({ dataDir: root, allowedRoots: [root], backend: 'cpu' });
  const events: LabEvent[] = [];
  service.onEvent((event) => events.push(event));
  cleanups.push(async () => {
    service.dispose();
    await fs.rm(root, { recursive: true, force: true });
  });
  return { service, events, root };
}

const ended = (events: LabEvent[], runId: string): LabEvent | undefined =>
  events.find((e) => (e.type === 'run.done' || e.type === 'run.failed') && e.runId === runId);

async function waitForEnd(events: LabEvent[], runId: string): Promise<LabEvent> {
  const start = Date.now();
  for (;;) {
    const end = ended(events, runId);
    if (end) return end;
    if (Date.now() - start > 60_000) throw new Error(`run ${runId} did not end in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Weight values by layer name of a run's checkpoint. */
async function checkpointWeights(tf: Tfjs, graph: ModelGraph, runDir: string, kind: 'best' | 'last'): Promise<Map<string, number[][]>> {
  const found = await checkpointDir(runDir, kind);
  if (!found) throw new Error(`no ${kind} checkpoint in ${runDir}`);
  const model = compileGraph(graph, tf);
  await loadWeightsInto(model, found.dir, tf);
  const weights = new Map(model.layers.map((layer) => [layer.name, layer.getWeights().map((t) => Array.from(t.dataSync()))]));
  model.dispose();
  return weights;
}

describe('transfer learning runs', () => {
  it('trains a new head on a frozen base initialised from another run', async () => {
    const { service, events } = await setup();
    const { tf } = await initBackend({ preference: 'cpu' });
    const hyperparameters = { epochs: 1, batchSize: 16, optimizer: { name: 'adam' as const, learningRate: 0.01 } };
    const runA = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', hyperparameters });
    expect((await waitForEnd(events, runA.runId)).type).toBe('run.done');

    const transfer = await service.call('createTransferGraph', { source: { runId: runA.runId }, classes: 3, freeze: 'all' });
    expect(transfer.baseLayers).toEqual(['input_1', 'flatten', 'dense']);
    expect(transfer.frozen).toEqual(['flatten', 'dense']);
    const head = transfer.graph.nodes.at(-1)?.name ?? '';
    expect(head).toBe('dense_2');

    const runB = await service.call('startRun', { graph: transfer.graph, dataset: 'synthetic', hyperparameters: { ...hyperparameters, initialWeights: { runId: runA.runId } } });
    const endB = await waitForEnd(events, runB.runId);
    expect(endB.type).toBe('run.done');
    const { spec, history } = await service.call('getRun', { runId: runB.runId });
    expect(spec.initialWeights?.initialised).toEqual(['dense']);
    expect(spec.initialWeights?.skipped).toEqual([{ layer: head, reason: 'no layer of that name in the source' }]);
    expect(events.some((e) => e.type === 'log' && e.message.startsWith('Initial weights loaded into dense;'))).toBe(true);
    expect(Number.isFinite(history[0]?.logs.loss)).toBe(true);

    const weightsA = await checkpointWeights(tf, tinyGraph(), runA.runDir, 'best');
    const weightsB = await checkpointWeights(tf, transfer.graph, runB.runDir, 'last');
    // The frozen base is A's trained layer before and after B's training.
    expect(weightsB.get('dense')).toEqual(weightsA.get('dense'));
    // The head started from the seeded initialisation and training moved it.
    const fresh = compileGraph(transfer.graph, tf, { seed: spec.hyperparameters.seed });
    const initialHead = fresh.getLayer(head).getWeights().map((t) => Array.from(t.dataSync()));
    fresh.dispose();
    expect(weightsB.get(head)).toHaveLength(2);
    expect(weightsB.get(head)).not.toEqual(initialHead);
  }, 120_000);

  it('fails a run whose layers all differ from the source, naming them', async () => {
    const { service, events } = await setup();
    const hyperparameters = { epochs: 1, batchSize: 16 };
    const runA = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', hyperparameters });
    expect((await waitForEnd(events, runA.runId)).type).toBe('run.done');
    const runC = await service.call('startRun', { graph: tinyGraph(8, 3, 32), dataset: 'synthetic', hyperparameters: { ...hyperparameters, initialWeights: { runId: runA.runId } } });
    const end = await waitForEnd(events, runC.runId);
    expect(end.type === 'run.failed' && end.code).toBe('TRAIN_BAD_CONFIG');
    expect(end.type === 'run.failed' && end.reason).toMatch(/same name and weight shapes.*dense: weight 0 has shape \[64, 16\] in the source, \[64, 32\] here/);
  }, 120_000);

  it('builds on a Keras .h5 file exported from a run; rejects a cut layer the source does not have, naming it', async () => {
    const { service, events, root } = await setup();
    const { tf } = await initBackend({ preference: 'cpu' });
    const hyperparameters = { epochs: 1, batchSize: 16 };
    const runA = await service.call('startRun', { graph: tinyGraph(), dataset: 'synthetic', hyperparameters });
    expect((await waitForEnd(events, runA.runId)).type).toBe('run.done');
    await expect(service.call('createTransferGraph', { source: { runId: runA.runId }, cutAt: 'conv2d', classes: 2 })).rejects.toMatchObject({ code: 'TRAIN_BAD_CONFIG', message: expect.stringContaining('Received: cutAt="conv2d"') });

    const modelPath = path.join(root, 'a.h5');
    await service.call('exportModel', { runId: runA.runId, format: 'h5', outPath: modelPath });
    const transfer = await service.call('createTransferGraph', { source: { modelPath }, classes: 3, freeze: 'none', headDropout: 0.25 });
    expect(transfer.baseLayers).toEqual(['input_1', 'flatten', 'dense']);
    expect(transfer.frozen).toEqual([]);
    const runB = await service.call('startRun', { graph: transfer.graph, dataset: 'synthetic', hyperparameters: { ...hyperparameters, epochs: 1, initialWeights: { modelPath } } });
    const endB = await waitForEnd(events, runB.runId);
    expect(endB.type).toBe('run.done');
    const { spec } = await service.call('getRun', { runId: runB.runId });
    expect(spec.initialWeights?.initialised).toEqual(['dense']);
    expect(spec.hyperparameters.initialWeights).toEqual({ modelPath: await fs.realpath(modelPath) });
    // Nothing is frozen, so the base trains away from the file's weights.
    const weightsA = await checkpointWeights(tf, tinyGraph(), runA.runDir, 'best');
    const weightsB = await checkpointWeights(tf, transfer.graph, runB.runDir, 'last');
    expect(weightsB.get('dense')).not.toEqual(weightsA.get('dense'));
  }, 120_000);
});
