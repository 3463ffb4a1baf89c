import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSummarySchema } from '../../../../common/api/methods/runs';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import type { EpochRecord } from '../../../../common/training/epochRecord';
import type { RunSpec } from '../../../../common/training/runSpec';
import { readRunSpec } from '../../../../main/project/runRepository';
import { summarizeRun } from '../../../../main/project/runSummary';
import { tinyGraph } from '../engine/train/datasetFixture';

const dataset = { id: 'ds', name: 'bars', cacheDir: '/cache', fingerprint: 'f', classes: ['a', 'b', 'c'], imageShape: [8, 8, 1] as [number, number, number] };

function specWith(hyperparameters: object): RunSpec {
  return {
    schemaVersion: 1, id: 'run-1', name: 'tiny', createdAt: '2026-01-01T00:00:00.000Z', graph: tinyGraph(), dataset,
    hyperparameters: hyperparametersSchema.parse(hyperparameters), backendPreference: null, backend: null, status: 'completed', epochsCompleted: 2,
    best: null, last: null, endReason: null, updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const record = (epoch: number, loss: number): EpochRecord => ({ epoch, logs: { loss, val_accuracy: 0.5 + epoch / 10 }, learningRate: 0.01, seconds: 1, imagesPerSecond: 10, time: 't' });

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe('summarizeRun', () => {
  it('lists the learning rate, batch size, schedule, initial weights and the last epoch\'s logs', () => {
    const summary = summarizeRun(specWith({
      optimizer: { name: 'sgd', learningRate: 0.05 }, batchSize: 16, epochs: 3, lrSchedule: { type: 'cosine' }, initialWeights: { modelPath: '/models/base.h5' },
    }), [record(1, 0.9), record(2, 0.7)]);
    expect(summary).toMatchObject({
      optimizer: 'sgd', learningRate: 0.05, batchSize: 16, epochs: 3, epochsCompleted: 2, lrSchedule: 'cosine',
      initialWeights: { modelPath: '/models/base.h5' }, datasetName: 'bars', finalLogs: { loss: 0.7, val_accuracy: 0.7 },
    });
    expect(runSummarySchema.parse(summary)).toEqual(summary);
  });

  it('leaves initial weights out of a run that started from random ones and has no logs before its first epoch', () => {
    const summary = summarizeRun(specWith({}), []);
    expect(summary).toMatchObject({ optimizer: 'adam', learningRate: 0.001, batchSize: 32, lrSchedule: 'constant', finalLogs: null });
    expect(summary).not.toHaveProperty('initialWeights');
  });

  it('summarizes a run.json written before schedules and initial weights existed, with the Keras defaults', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'run-summary-'));
    dirs.push(dir);
    const { lrSchedule: _schedule, initialWeights: _weights, batchSize: _batch, ...oldHyperparameters } = specWith({ optimizer: { name: 'rmsprop', learningRate: 0.002 } }).hyperparameters;
    await fs.writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...specWith({}), hyperparameters: oldHyperparameters }));
    const summary = summarizeRun(await readRunSpec(dir), []);
    expect(summary).toMatchObject({ optimizer: 'rmsprop', learningRate: 0.002, batchSize: 32, lrSchedule: 'constant' });
    expect(summary).not.toHaveProperty('initialWeights');
  });

  it('still accepts a summary without the hyperparameter fields (from an older lab)', () => {
    const older = { id: 'r', name: 'n', createdAt: '', status: 'completed', epochsCompleted: 1, best: null, endReason: null, epochs: 1, optimizer: 'adam', datasetName: 'd', finalLogs: null };
    expect(runSummarySchema.parse(older)).toEqual(older);
  });
});
