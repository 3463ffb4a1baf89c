import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import type { RunSpec } from '../../../../common/training/runSpec';
import type { StoredEvaluation } from '../../../../common/training/evaluation';
import type { TransferSource } from '../../../../common/training/transferSource';
import { toDisposable } from '../../../../common/lifecycle';
import { createLabService, type LabService } from '../../../../main/api/labService';
import type { ChildChannel, ProcessLauncher } from '../../../../main/engine/process/launcher';
import { createRunDir, writeEvaluation } from '../../../../main/project/runRepository';
import { syntheticDataset, tinyGraph, writeDatasetCache } from '../engine/train/datasetFixture';

/**
 * Paths a run keeps in run.json (its dataset cache, the model its initial weights come
 * from) are checked against the allowed folders each time they are used, like paths
 * from a caller: a run.json edited on disk, or planted through an upload, cannot send
 * the lab outside them.
 */

let root: string;
let allowed: string;
let outsideCache: string;
let service: LabService;
const launches: string[][] = [];

/** A launcher that records what it was asked to start and starts nothing. */
const recordingLauncher: ProcessLauncher = {
  launch(entry, args) {
    launches.push([entry, ...args]);
    const channel: ChildChannel = { send: () => undefined, onMessage: () => toDisposable(() => undefined), onExit: () => toDisposable(() => undefined), kill: () => undefined, dispose: () => undefined, pid: undefined };
    return channel;
  },
};

function runSpec(id: string, cacheDir: string, initialWeights?: TransferSource): RunSpec {
  const dataset = syntheticDataset({ count: 96, size: 8, classes: 3 });
  const hyperparameters = hyperparametersSchema.parse(initialWeights ? { initialWeights } : {});
  return {
    schemaVersion: 1, id, name: 'planted', createdAt: '2026-01-01T00:00:00.000Z', graph: tinyGraph(),
    dataset: { id: 'synthetic', name: dataset.info.name, cacheDir, fingerprint: dataset.info.fingerprint, classes: dataset.info.classes, imageShape: dataset.info.imageShape },
    hyperparameters, backendPreference: null, backend: null, status: 'failed', epochsCompleted: 0,
    best: null, last: null, endReason: null, updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const saved: StoredEvaluation = {
  runId: 'run-1', checkpoint: 'best', split: 'test', examples: 1, loss: 0, accuracy: 0, topK: { k: 1, accuracy: 0 },
  classes: ['band0', 'band1', 'band2'], confusionMatrix: [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
  perClass: [], macroAverage: { precision: 0, recall: 0, f1: 0, support: 0 }, weightedAverage: { precision: 0, recall: 0, f1: 0, support: 0 }, misclassified: [], evaluatedAt: '',
  predictions: { index: [5], trueClass: [1], predictedClass: [0], confidence: [0.9], loss: [2] },
};

beforeEach(async () => {
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'lab-run-paths-')));
  allowed = path.join(root, 'allowed');
  await fs.mkdir(allowed);
  // A dataset cache outside every allowed folder: readable on disk, not for the lab.
  outsideCache = await writeDatasetCache(path.join(root, 'outside', 'cache'), syntheticDataset({ count: 96, size: 8, classes: 3 }));
  launches.length = 0;
  service = await createLabService({ dataDir: path.join(allowed, 'lab'), allowedRoots: [allowed], launcher: recordingLauncher });
});

afterEach(async () => {
  service.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

describe('paths kept in run.json', () => {
  it('refuses a dataset cache outside the allowed folders in every method that reads it', async () => {
    const runDir = await createRunDir(path.join(allowed, 'lab', 'runs'), runSpec('run-1', outsideCache));
    await writeEvaluation(runDir, saved);
    const calls: [string, () => Promise<unknown>][] = [
      ['evaluateRun', () => service.call('evaluateRun', { runId: 'run-1' })],
      ['getConfusionCellImages', () => service.call('getConfusionCellImages', { runId: 'run-1', trueClass: 1, predictedClass: 0 })],
      ['predictImages', () => service.call('predictImages', { runId: 'run-1', paths: [path.join(allowed, 'cat.png')] })],
      ['getFeatureMaps', () => service.call('getFeatureMaps', { runId: 'run-1' })],
      ['resumeRunFromCheckpoint', () => service.call('resumeRunFromCheckpoint', { runId: 'run-1', epochs: 3 })],
      ['exportModel', () => service.call('exportModel', { runId: 'run-1', format: 'onnx', outPath: path.join(allowed, 'model.onnx') })],
    ];
    for (const [method, call] of calls) await expect(call(), method).rejects.toMatchObject({ code: 'API_PATH_DENIED', details: { field: 'dataset.cacheDir' } });
    expect(launches).toEqual([]);
  });

  it('refuses initial weights from a model outside the allowed folders when a run resumes', async () => {
    const inside = await writeDatasetCache(path.join(allowed, 'lab', 'datasets', 'synthetic'), syntheticDataset({ count: 96, size: 8, classes: 3 }));
    await createRunDir(path.join(allowed, 'lab', 'runs'), runSpec('run-1', inside, { modelPath: path.join(root, 'outside', 'model.h5') }));
    await expect(service.call('resumeRunFromCheckpoint', { runId: 'run-1', epochs: 3 })).rejects.toMatchObject({ code: 'API_PATH_DENIED', details: { field: 'hyperparameters.initialWeights' } });
    expect(launches).toEqual([]);
  });

  it('does not trust a run.json planted through an upload', async () => {
    const planted = { 'runs/run-2/run.json': runSpec('run-2', outsideCache), 'runs/run-2/evaluation.json': { ...saved, runId: 'run-2' } };
    const chunks = Object.entries(planted).map(([file, value]) => {
      const bytes = Buffer.from(JSON.stringify(value));
      return { path: file, size: bytes.length, offset: 0, data: bytes.toString('base64') };
    });
    const upload = await service.call('uploadFiles', { uploadId: 'u1', name: 'drop', done: true, chunks });
    await expect(service.call('getConfusionCellImages', { projectDir: upload.folder, runId: 'run-2', trueClass: 1, predictedClass: 0 })).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
    await expect(service.call('resumeRunFromCheckpoint', { projectDir: upload.folder, runId: 'run-2', epochs: 3 })).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
    expect(launches).toEqual([]);
  });
});
