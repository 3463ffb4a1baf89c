import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCifarBatch, parseCifarMeta } from '../../../../main/data/cifar';
import { cifarRecords } from './fixtures';
import { importDataset } from '../../../../main/data/importDataset';
import { openDatasetCache } from '../../../../main/data/datasetCache';
import { importOptionsSchema } from '../../../../common/api/methods/datasets';

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-cifar-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('CIFAR-10 batches', () => {
  it('turns planar records into interleaved RGB with their labels', () => {
    const batch = parseCifarBatch(cifarRecords([3, 9]));
    expect(Array.from(batch.labels)).toEqual([3, 9]);
    expect(Array.from(batch.images.subarray(0, 6))).toEqual([10, 20, 30, 10, 20, 30]);
    expect(Array.from(batch.images.subarray(3072, 3075))).toEqual([11, 21, 31]);
  });

  it('names a partial record DATASET_CIFAR_TRUNCATED', () => {
    const bytes = cifarRecords([1, 2]);
    expect(() => parseCifarBatch(bytes.subarray(0, bytes.length - 100), 'x.bin')).toThrow(expect.objectContaining({ code: 'DATASET_CIFAR_TRUNCATED' }));
    expect(() => parseCifarBatch(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'DATASET_CIFAR_TRUNCATED' }));
  });

  it('reads class names from batches.meta.txt', () => {
    expect(parseCifarMeta('airplane\nautomobile\n\n')).toEqual(['airplane', 'automobile']);
  });

  it('imports data_batch_*.bin as train and test_batch.bin as test', async () => {
    const dir = path.join(work, 'cifar-10-batches-bin');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'data_batch_1.bin'), cifarRecords([0, 1, 2, 3, 4]));
    await fs.writeFile(path.join(dir, 'data_batch_2.bin'), cifarRecords([5, 6, 7, 8, 9]));
    await fs.writeFile(path.join(dir, 'test_batch.bin'), cifarRecords([0, 9]));
    await fs.writeFile(path.join(dir, 'batches.meta.txt'), 'c0\nc1\nc2\nc3\nc4\nc5\nc6\nc7\nc8\nc9\n');
    const { info } = await importDataset({ path: work, kind: 'auto', options: importOptionsSchema.parse({ validationSplit: 0 }) }, { datasetsRoot: path.join(work, 'cache') });
    expect(info.source.kind).toBe('cifar10');
    expect(info.classes[9]).toBe('c9');
    expect(info.imageShape).toEqual([32, 32, 3]);
    expect(info.splits).toEqual({ train: 10, validation: 0, test: 2 });
    const cache = await openDatasetCache(info.cacheDir);
    const [first] = await Promise.all([cache.readImages([11])]);
    expect(Array.from(first!.subarray(0, 3))).toEqual([11, 21, 31]);
    cache.dispose();
  });

  it('fails the import on a truncated batch with DATASET_CIFAR_TRUNCATED', async () => {
    const dir = path.join(work, 'bad');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'data_batch_1.bin'), cifarRecords([1]).subarray(0, 3000));
    await expect(importDataset({ path: dir, kind: 'cifar10', options: importOptionsSchema.parse({}) }, { datasetsRoot: path.join(work, 'cache') }))
      .rejects.toMatchObject({ code: 'DATASET_CIFAR_TRUNCATED' });
  });
});
