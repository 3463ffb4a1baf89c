import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../common/api/events';
import { createLabService, type LabService } from '../../../main/api/labService';
import { describeExit } from '../../../main/engine/process/runSupervisor';
import { createRunDir } from '../../../main/project/runRepository';
import { hyperparametersSchema } from '../../../common/training/hyperparameters';
import { syntheticDataset, tinyGraph, writeDatasetCache } from '../../unit/main/engine/train/datasetFixture';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function service(): Promise<{ lab: LabService; root: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-'));
  const lab = await createLabService({ dataDir: path.join(root, 'data'), allowedRoots: [root], backend: 'cpu' });
  cleanups.push(async () => {
    lab.dispose();
    await fs.rm(root, { recursive: true, force: true });
  });
  return { lab, root };
}

describe('projects through LabApi', () => {
  it('creates, saves, autosaves, reopens and lists recent projects', async () => {
    const { lab, root } = await service();
    const created = await lab.call('createProject', { parentDir: root, name: 'Shoes' });
    expect(created.project.graph).toBeNull();
    await lab.call('saveProject', { dir: created.dir, graph: tinyGraph() });
    await lab.call('saveProject', { dir: created.dir, name: 'Shoes v2', autosave: true });
    const opened = await lab.call('openProject', { dir: created.dir });
    expect(opened.project.name).toBe('Shoes');
    expect(opened.project.graph?.name).toBe('tiny');
    const recent = await lab.call('listRecentProjects', {});
    expect(recent.map((r) => [r.name, r.exists])).toEqual([['Shoes', true]]);
    await fs.writeFile(path.join(created.dir, 'project.json'), '{ broken');
    await expect(lab.call('openProject', { dir: created.dir })).rejects.toMatchObject({ code: 'PROJECT_DAMAGED' });
    expect((await lab.call('openProject', { dir: created.dir, recoverFromAutosave: true })).project.name).toBe('Shoes v2');
  });

  it('refuses project folders outside the allowed roots', async () => {
    const { lab } = await service();
    await expect(lab.call('openProject', { dir: '/etc' })).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
  });
});

describe('runs inside a project, and prediction on new image files', () => {
  it('trains with a dataset the project owns and classifies PNG files with the dataset preprocessing', async () => {
    const { lab, root } = await service();
    const { dir } = await lab.call('createProject', { parentDir: root, name: 'Bands' });
    const dataset = syntheticDataset({ count: 120 });
    await writeDatasetCache(path.join(dir, 'datasets', 'bands'), dataset);
    const events: LabEvent[] = [];
    const ended = new Promise<void>((resolve) => lab.onEvent((e) => {
      events.push(e);
      if (e.type === 'run.done' || e.type === 'run.failed') resolve();
    }));
    const { runId, runDir } = await lab.call('startRun', { projectDir: dir, graph: tinyGraph(), dataset: 'bands', hyperparameters: { epochs: 3, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.02 } } });
    expect(runDir.startsWith(path.join(dir, 'runs'))).toBe(true);
    await ended;
    expect(events.filter((e) => e.type === 'run.failed')).toEqual([]);
    // A 16x16 RGB image of class 2 (bright bottom band): preprocessing squashes it to 8x8 grayscale.
    const pixels = Buffer.alloc(16 * 16 * 3, 20);
    for (let y = 12; y < 16; y++) for (let x = 0; x < 16 * 3; x++) pixels[y * 16 * 3 + x] = 220;
    const file = path.join(root, 'band2.png');
    await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(file);
    const [prediction] = await lab.call('predictImages', { projectDir: dir, runId, paths: [file], top: 2 });
    expect(prediction?.className).toBe('band2');
    expect(prediction?.top).toHaveLength(2);
    expect((await lab.call('listRuns', { projectDir: dir })).map((r) => r.id)).toEqual([runId]);
    expect(await lab.call('listRuns', {})).toEqual([]);
    await lab.call('deleteRun', { projectDir: dir, runId });
    await expect(lab.call('getRun', { projectDir: dir, runId })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
  });

  it('shows a run left "running" by a closed app as failed, resumable from its last epoch', async () => {
    const { lab, root } = await service();
    const info = syntheticDataset().info;
    const now = new Date().toISOString();
    await createRunDir(path.join(root, 'data', 'runs'), {
      schemaVersion: 1, id: 'run-orphan', name: 'orphan', createdAt: now, graph: tinyGraph(),
      dataset: { id: info.id, name: info.name, cacheDir: '/nowhere', fingerprint: info.fingerprint, classes: info.classes, imageShape: info.imageShape },
      hyperparameters: hyperparametersSchema.parse({}), backendPreference: null, backend: null, status: 'running', epochsCompleted: 2,
      best: null, last: null, endReason: null, updatedAt: now,
    });
    const [row] = await lab.call('listRuns', {});
    expect(row?.status).toBe('failed');
    expect(row?.endReason).toMatch(/epoch 2/);
  });

  it('fails to start on an unknown dataset with DATASET_NOT_FOUND', async () => {
    const { lab } = await service();
    await expect(lab.call('startRun', { graph: tinyGraph(), dataset: 'nope' })).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND' });
  });
});

describe('describeExit', () => {
  it('explains an aborted (out-of-memory) process and a killed one', () => {
    expect(describeExit(null, 'SIGABRT')).toMatch(/out of memory/);
    expect(describeExit(134, null)).toMatch(/out of memory/);
    expect(describeExit(null, 'SIGKILL')).toMatch(/SIGKILL/);
    expect(describeExit(3, null)).toMatch(/code 3/);
  });
});
