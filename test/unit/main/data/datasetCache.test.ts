import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findDatasetDir, openDatasetCache } from '../../../../main/data/datasetCache';
import { importDataset } from '../../../../main/data/importDataset';
import { encodeIdx } from '../../../../main/data/idx';
import { importOptionsSchema } from '../../../../common/api/methods/datasets';

let work: string;
let cacheDir: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-cache-'));
  const source = path.join(work, 'tiny');
  await fs.mkdir(source);
  await fs.writeFile(path.join(source, 'train-images-idx3-ubyte'), encodeIdx([10, 2, 2], new Uint8Array(40).map((_, i) => i)));
  await fs.writeFile(path.join(source, 'train-labels-idx1-ubyte'), encodeIdx([10], Uint8Array.from({ length: 10 }, (_, i) => i % 2)));
  const { info } = await importDataset({ path: source, kind: 'idx', id: 'tiny', options: importOptionsSchema.parse({ validationSplit: 0.2, testSplit: 0.2 }) }, { datasetsRoot: path.join(work, 'home', 'datasets') });
  cacheDir = info.cacheDir;
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('dataset cache folders', () => {
  it('finds a dataset by id under <dataDir>/datasets', async () => {
    expect(await findDatasetDir(path.join(work, 'home'), 'tiny')).toBe(cacheDir);
    await expect(findDatasetDir(path.join(work, 'home'), 'other')).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND' });
    await expect(findDatasetDir(path.join(work, 'home'), '../tiny')).rejects.toMatchObject({ code: 'API_BAD_INPUT' });
  });

  it('exposes labels and disjoint splits covering every record', async () => {
    const cache = await openDatasetCache(cacheDir);
    expect(Array.from(cache.labels)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const all = [...cache.indices('train'), ...cache.indices('validation'), ...cache.indices('test')].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(cache.indices('test').length).toBe(2);
    cache.dispose();
  });

  it('refuses an images file that does not match the index with DATASET_BAD_FILE', async () => {
    const copy = path.join(work, 'damaged');
    await fs.cp(cacheDir, copy, { recursive: true });
    await fs.truncate(path.join(copy, 'images.u8'), 39);
    await expect(openDatasetCache(copy)).rejects.toMatchObject({ code: 'DATASET_BAD_FILE' });
  });
});
