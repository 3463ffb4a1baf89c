import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createLabService, type LabService } from '../../../main/api/labService';
import { repoRoot } from '../../../main/install/installFolder';
import type { LabEvent } from '../../../common/api/events';
import type { DatasetProgressEvent } from '../../../common/api/methods/datasets';

let work: string;
let service: LabService;
const events: LabEvent[] = [];

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-dataset-api-'));
  service = await createLabService({ dataDir: path.join(work, 'home'), allowedRoots: [work, repoRoot()] });
  service.onEvent((event) => events.push(event));
  // Two classes of 12 small images each, one class twice as large to trigger the imbalance warning.
  for (const [cls, count, value] of [['cats', 16, 40], ['dogs', 8, 200]] as const) {
    await fs.mkdir(path.join(work, 'pets', cls), { recursive: true });
    for (let i = 0; i < count; i++) {
      const raw = Buffer.alloc(10 * 14 * 3, value + i);
      await fs.writeFile(path.join(work, 'pets', cls, `${i}.png`), await sharp(raw, { raw: { width: 14, height: 10, channels: 3 } }).png().toBuffer());
    }
  }
});

afterAll(async () => {
  service.dispose();
  await fs.rm(work, { recursive: true, force: true });
});

const progressOf = (importId: string): DatasetProgressEvent[] =>
  events.filter((e): e is DatasetProgressEvent => e.type === 'dataset.progress' && e.importId === importId);

describe('dataset LabApi methods', () => {
  it('imports a folder, emits progress, and answers info, stats, grid, preview, list and delete', async () => {
    const result = await service.call('importDataset', { path: path.join(work, 'pets'), importId: 'pets-1', options: { targetSize: [8, 8], validationSplit: 0.25, testSplit: 0 } });
    const { info } = result;
    expect(info.classes).toEqual(['cats', 'dogs']);
    expect(info.classCounts.validation).toEqual([4, 2]);
    const progress = progressOf('pets-1');
    expect(progress.some((e) => e.phase === 'decode' && e.done === 24 && e.total === 24)).toBe(true);
    expect(progress.every((e) => e.rate >= 0)).toBe(true);

    expect(await service.call('getDatasetInfo', { id: info.id })).toEqual(info);
    const stats = await service.call('getDatasetStats', { id: info.id });
    expect(stats.imagesPerClass).toEqual([16, 8]);
    expect(stats.imbalanceRatio).toBe(2);
    expect(stats.imbalanceWarning).toContain('imbalanced');
    expect(stats.sizeDistribution).toEqual([{ width: 14, height: 10, count: 24 }]);
    expect(stats.channelMean).toHaveLength(3);
    expect(stats.channelMean[0]!).toBeGreaterThan(0.2);
    expect(stats.channelStd[0]!).toBeGreaterThan(0.1);

    const grid = await service.call('getSampleGrid', { id: info.id, perClass: 3 });
    expect(grid.classes.map((c) => c.images.length)).toEqual([3, 3]);
    const png = Buffer.from(grid.classes[0]!.images[0]!.split(',')[1]!, 'base64');
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 64]);

    const preview = await service.call('previewAugmentation', { id: info.id, record: 0, count: 4, augmentation: { horizontalFlip: true, rotationRange: 20 }, seed: 3 });
    expect(preview.images).toHaveLength(4);
    expect(preview.original.startsWith('data:image/png;base64,')).toBe(true);

    expect((await service.call('listDatasets', {})).map((d) => d.id)).toEqual([info.id]);
    expect(await service.call('deleteDataset', { id: info.id })).toEqual({ deleted: true });
    expect(await service.call('listDatasets', {})).toEqual([]);
    await expect(service.call('getDatasetInfo', { id: info.id })).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND' });
  });

  it('keeps caches in a caller-given root folder', async () => {
    const root = path.join(work, 'project-datasets');
    const { info } = await service.call('importDataset', { path: path.join(work, 'pets'), root, options: { targetSize: [4, 4] } });
    expect(info.cacheDir.startsWith(root)).toBe(true);
    expect((await service.call('listDatasets', { root })).map((d) => d.id)).toEqual([info.id]);
    expect((await service.call('getDatasetStats', { id: info.id, root })).total).toBe(24);
  });

  it('refuses paths outside the allowed roots', async () => {
    await expect(service.call('importDataset', { path: '/etc' })).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
  });

  it('imports the bundled Fashion-MNIST sample as a built-in dataset', async () => {
    const builtins = await service.call('listBuiltinDatasets', {});
    expect(builtins.map((b) => b.id)).toEqual(['fashion-mnist-sample', 'mnist', 'fashion-mnist', 'cifar10']);
    const { info } = await service.call('downloadBuiltinDataset', { id: 'fashion-mnist-sample' });
    expect(info.id).toBe('fashion-mnist-sample');
    expect(info.source.kind).toBe('sample');
    expect(info.classes[9]).toBe('Ankle boot');
    expect(info.splits.train + info.splits.validation).toBe(2000);
    expect(info.splits.test).toBe(500);
    expect(info.classCounts.test).toEqual(new Array(10).fill(50));
  });

  it('cancels a running import with DATASET_CANCELLED', async () => {
    const sample = path.join(repoRoot(), 'resources', 'datasets', 'fashion-mnist-sample');
    const stop = service.onEvent((event) => {
      if (event.type === 'dataset.progress' && event.importId === 'cancel-me' && event.phase === 'decode') void service.call('cancelImport', { importId: 'cancel-me' });
    });
    try {
      await expect(service.call('importDataset', { path: sample, importId: 'cancel-me', root: path.join(work, 'cancelled') })).rejects.toMatchObject({ code: 'DATASET_CANCELLED' });
    } finally {
      stop();
    }
    expect(await fs.readdir(path.join(work, 'cancelled'))).toEqual([]);
    expect(await service.call('cancelImport', { importId: 'cancel-me' })).toEqual({ cancelled: false });
  });
});
