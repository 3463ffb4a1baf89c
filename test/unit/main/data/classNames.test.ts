import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { currentClassNames, renameDatasetClasses } from '../../../../main/data/classNames';
import { readDatasetInfo } from '../../../../main/data/datasetCache';
import { syntheticDataset, writeDatasetCache } from '../engine/train/datasetFixture';

let work: string;
let dir: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-class-names-'));
  dir = await writeDatasetCache(path.join(work, 'bands'), syntheticDataset({ count: 12 }));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('class names', () => {
  it('renames in place, keeping labels, records and the fingerprint', async () => {
    const before = await readDatasetInfo(dir);
    const after = await renameDatasetClasses(dir, ['top', 'middle', 'bottom']);
    expect(after).toEqual({ ...before, classes: ['top', 'middle', 'bottom'] });
    expect(await readDatasetInfo(dir)).toEqual(after);
  });

  it('shows a run the renamed classes of its own dataset, and its recorded ones when the dataset changed or is gone', async () => {
    const info = await readDatasetInfo(dir);
    const run = { id: info.id, name: info.name, cacheDir: dir, fingerprint: info.fingerprint, classes: ['band0', 'band1', 'band2'], imageShape: info.imageShape };
    expect(await currentClassNames(run)).toEqual(info.classes);
    expect(await currentClassNames({ ...run, fingerprint: 'another import' })).toEqual(run.classes);
    expect(await currentClassNames({ ...run, classes: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(await currentClassNames({ ...run, cacheDir: path.join(work, 'deleted') })).toEqual(run.classes);
  });
});
