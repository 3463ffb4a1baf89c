import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLabService, type LabService } from '../../../main/api/labService';
import { openDatasetCache } from '../../../main/data/datasetCache';
import { main } from '../../../main/cli';
import { bufferIo } from '../../unit/main/cli/bufferIo';
import { syntheticDataset, writeDatasetCache } from '../../unit/main/engine/train/datasetFixture';

/** The resize / channel adapter: a copy of a cached dataset at a pretrained base's size and colour mode. */

let work: string;
let service: LabService;
const source = syntheticDataset({ count: 36, size: 8, classes: 3 });

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-adapt-'));
  await writeDatasetCache(path.join(work, 'home', 'datasets', 'synthetic'), source);
  service = await createLabService({ dataDir: path.join(work, 'home'), allowedRoots: [work] });
});

afterAll(async () => {
  service.dispose();
  await fs.rm(work, { recursive: true, force: true });
});

describe('adaptDataset', () => {
  it('copies every image at the new size with three channels from grayscale, keeping labels and splits', async () => {
    const { info, report } = await service.call('adaptDataset', { id: 'synthetic', targetSize: [16, 16], colorMode: 'rgb' });
    expect(info.imageShape).toEqual([16, 16, 3]);
    expect(info.source).toEqual({ kind: 'adapted', path: path.join(work, 'home', 'datasets', 'synthetic') });
    expect(info.name).toBe('Synthetic bands 16×16 rgb');
    expect(info.classes).toEqual(source.info.classes);
    expect(info.splits).toEqual(source.info.splits);
    expect(info.classCounts).toEqual(source.info.classCounts);
    expect(report.decoded).toBe(36);
    const cache = await openDatasetCache(info.cacheDir);
    try {
      expect(Array.from(cache.labels)).toEqual(Array.from(source.labels));
      expect(Array.from(cache.indices('test'))).toEqual(source.splits.test);
      const pixels = await cache.readImages([0]);
      // Grey becomes R = G = B; doubling the size keeps the band's rows bright (row 0 of class 0).
      for (let i = 0; i < 16 * 16; i++) expect(pixels[3 * i]).toBe(pixels[3 * i + 1]);
      expect(pixels[0]).toBeGreaterThan(150);
      expect(pixels[3 * 16 * 15]).toBeLessThan(100);
    } finally {
      cache.dispose();
    }
    const again = await service.call('adaptDataset', { id: 'synthetic', targetSize: [16, 16], colorMode: 'rgb' });
    expect(again.report.reused).toBe(true);
    expect(again.info.id).toBe(info.id);
  });

  it('is `model-lab data adapt`, which needs --size', async () => {
    const previous = process.env['MODEL_LAB_HOME'];
    process.env['MODEL_LAB_HOME'] = path.join(work, 'home');
    try {
      const io = bufferIo();
      expect(await main(['data', 'adapt', 'synthetic', '--size', '12x10', '--json'], io)).toBe(0);
      expect((JSON.parse(io.stdout) as { info: { imageShape: number[] } }).info.imageShape).toEqual([12, 10, 3]);
      const missing = bufferIo();
      expect(await main(['data', 'adapt', 'synthetic'], missing)).toBe(1);
      expect(missing.stderr).toMatch(/^error \[API_BAD_INPUT\].*--size/);
    } finally {
      if (previous === undefined) delete process.env['MODEL_LAB_HOME'];
      else process.env['MODEL_LAB_HOME'] = previous;
    }
  });
});
