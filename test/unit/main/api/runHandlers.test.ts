import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import type { RunSpec } from '../../../../common/training/runSpec';
import type { StoredEvaluation } from '../../../../common/training/evaluation';
import { createLabService, type LabService } from '../../../../main/api/labService';
import { createRunDir, writeEvaluation } from '../../../../main/project/runRepository';
import { syntheticDataset, tinyGraph, writeDatasetCache } from '../engine/train/datasetFixture';

const metrics = { precision: 0, recall: 0, f1: 0, support: 0 };
let dataDir: string;
let service: LabService;

/** A run folder (outside any project) over an on-disk synthetic cache, optionally with a saved evaluation. */
async function runWith(evaluation: StoredEvaluation | null): Promise<string> {
  const dataset = syntheticDataset({ count: 96, size: 8, classes: 3 });
  const cacheDir = await writeDatasetCache(path.join(dataDir, 'datasets', 'synthetic'), dataset);
  const spec: RunSpec = {
    schemaVersion: 1, id: 'run-1', name: 'tiny', createdAt: '2026-01-01T00:00:00.000Z', graph: tinyGraph(),
    dataset: { id: 'synthetic', name: dataset.info.name, cacheDir, fingerprint: dataset.info.fingerprint, classes: dataset.info.classes, imageShape: dataset.info.imageShape },
    hyperparameters: hyperparametersSchema.parse({}), backendPreference: null, backend: null, status: 'completed', epochsCompleted: 1,
    best: null, last: null, endReason: null, updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const runDir = await createRunDir(path.join(dataDir, 'runs'), spec);
  if (evaluation) await writeEvaluation(runDir, evaluation);
  return runDir;
}

const saved: StoredEvaluation = {
  runId: 'run-1', checkpoint: 'best', split: 'test', examples: 4, loss: 0, accuracy: 0.5, topK: { k: 1, accuracy: 0.5 },
  classes: ['band0', 'band1', 'band2'], confusionMatrix: [[1, 0, 0], [2, 1, 0], [0, 0, 0]],
  perClass: [], macroAverage: metrics, weightedAverage: metrics, misclassified: [], evaluatedAt: '',
  predictions: { index: [80, 81, 82, 83], trueClass: [0, 1, 1, 1], predictedClass: [0, 0, 0, 1], confidence: [0.9, 0.6, 0.8, 0.7], loss: [0.1, 0.5, 1.6, 0.3] },
};

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-run-handlers-'));
  service = await createLabService({ dataDir, allowedRoots: [dataDir] });
});

afterEach(async () => {
  service.dispose();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('getConfusionCellImages', () => {
  it('lists a cell of the saved evaluation by loss, and the diagonal cell too', async () => {
    await runWith(saved);
    const wrong = await service.call('getConfusionCellImages', { runId: 'run-1', trueClass: 1, predictedClass: 0 });
    expect(wrong.total).toBe(2);
    expect(wrong.images.map((image) => [image.index, image.confidence, image.loss])).toEqual([[82, 0.8, 1.6], [81, 0.6, 0.5]]);
    expect(wrong.images[0]?.thumbnail.startsWith('data:image/png;base64,')).toBe(true);
    const right = await service.call('getConfusionCellImages', { runId: 'run-1', checkpoint: 'best', trueClass: 1, predictedClass: 1 });
    expect(right.images.map((image) => image.index)).toEqual([83]);
    const empty = await service.call('getConfusionCellImages', { runId: 'run-1', trueClass: 2, predictedClass: 2 });
    expect(empty).toEqual({ trueClass: 2, predictedClass: 2, total: 0, images: [] });
  });

  it('keeps the predictions out of getRun', async () => {
    await runWith(saved);
    const run = await service.call('getRun', { runId: 'run-1' });
    expect(run.evaluation?.confusionMatrix).toEqual(saved.confusionMatrix);
    expect(run.evaluation).not.toHaveProperty('predictions');
  });

  it('rejects bad class indices with API_BAD_INPUT naming the field', async () => {
    await runWith(saved);
    await expect(service.call('getConfusionCellImages', { runId: 'run-1', trueClass: -1, predictedClass: 0 }))
      .rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { issues: [{ field: 'trueClass' }] } });
    await expect(service.call('getConfusionCellImages', { runId: 'run-1', trueClass: 0, predictedClass: 3 }))
      .rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { field: 'predictedClass' } });
  });

  it('asks for an evaluation when none is saved, or when it is of another checkpoint', async () => {
    const runDir = await runWith(null);
    await expect(service.call('getConfusionCellImages', { runId: 'run-1', trueClass: 0, predictedClass: 0 }))
      .rejects.toMatchObject({ code: 'IO_NOT_FOUND', details: { field: 'runId' } });
    const { predictions: _dropped, ...withoutPredictions } = saved;
    await fs.writeFile(path.join(runDir, 'evaluation.json'), JSON.stringify(withoutPredictions));
    await expect(service.call('getConfusionCellImages', { runId: 'run-1', trueClass: 0, predictedClass: 0 }))
      .rejects.toMatchObject({ code: 'IO_NOT_FOUND' });
    await writeEvaluation(runDir, saved);
    await expect(service.call('getConfusionCellImages', { runId: 'run-1', checkpoint: 'last', trueClass: 0, predictedClass: 0 }))
      .rejects.toMatchObject({ code: 'IO_NOT_FOUND', details: { field: 'checkpoint' } });
  });
});

describe('listRuns', () => {
  it('lists a run.json without schedule, batch size or initial weights next to a current one', async () => {
    await runWith(null);
    const spec = JSON.parse(await fs.readFile(path.join(dataDir, 'runs', 'run-1', 'run.json'), 'utf8')) as RunSpec;
    const { lrSchedule: _schedule, batchSize: _batch, ...oldHyperparameters } = spec.hyperparameters;
    const oldDir = path.join(dataDir, 'runs', 'run-0');
    await fs.mkdir(oldDir, { recursive: true });
    await fs.writeFile(path.join(oldDir, 'run.json'), JSON.stringify({ ...spec, id: 'run-0', createdAt: '2025-12-31T00:00:00.000Z', hyperparameters: { ...oldHyperparameters, optimizer: { name: 'sgd' } } }));
    const runs = await service.call('listRuns', {});
    expect(runs.map((run) => [run.id, run.optimizer, run.learningRate, run.batchSize, run.lrSchedule])).toEqual([
      ['run-1', 'adam', 0.001, 32, 'constant'],
      ['run-0', 'sgd', 0.01, 32, 'constant'],
    ]);
  });
});
