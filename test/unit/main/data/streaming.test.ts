import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { encodeIdx } from '../../../../main/data/idx';
import { importDataset } from '../../../../main/data/importDataset';
import { openDatasetCache } from '../../../../main/data/datasetCache';
import { importOptionsSchema } from '../../../../common/api/methods/datasets';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Collects, lets V8 finish freeing array buffer memory (its sweeper runs beside the
 * collection and reports freed bytes later on a loaded machine), and collects again.
 */
async function collect(): Promise<void> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

const COUNT = 20_000;
const SIDE = 28;
let work: string;
let cacheDir: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-stream-'));
  const images = new Uint8Array(COUNT * SIDE * SIDE);
  // Each record starts with its index (mod 251) so any read can be checked.
  for (let r = 0; r < COUNT; r++) images.fill(r % 251, r * SIDE * SIDE, (r + 1) * SIDE * SIDE);
  const dir = path.join(work, 'big');
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, 'train-images-idx3-ubyte'), encodeIdx([COUNT, SIDE, SIDE], images));
  await fs.writeFile(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([COUNT], Uint8Array.from({ length: COUNT }, (_, i) => i % 10)));
  const { info } = await importDataset({ path: dir, kind: 'idx', options: importOptionsSchema.parse({ validationSplit: 0, testSplit: 0 }) }, { datasetsRoot: path.join(work, 'cache') });
  cacheDir = info.cacheDir;
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('streaming from the cache', () => {
  it('reads every batch with memory bounded by the batch, not the dataset', async () => {
    const fileSize = (await fs.stat(path.join(cacheDir, 'images.u8'))).size;
    expect(fileSize).toBe(COUNT * SIDE * SIDE);
    const cache = await openDatasetCache(cacheDir);
    const order = Array.from(cache.indices('train')).reverse();
    await collect();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const batchSize = 512;
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const pixels = await cache.readImages(batch);
      expect(pixels[0]).toBe(batch[0]! % 251);
      expect(pixels[pixels.length - 1]).toBe(batch.at(-1)! % 251);
      if ((start / batchSize) % 8 === 0) {
        // Collect first so the figure is what the reader keeps alive (this batch
        // included), not garbage that a loaded machine has not swept yet.
        await collect();
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
      }
    }
    cache.dispose();
    // 16 MB of pixels went through; never more than a few batches (400 KB each) were alive.
    expect(peak).toBeLessThan(fileSize / 4);
  });

  it('reads scattered indices in the order given', async () => {
    const cache = await openDatasetCache(cacheDir);
    const pixels = await cache.readImages([5, 19_999, 6, 7, 0]);
    expect([0, 1, 2, 3, 4].map((k) => pixels[k * SIDE * SIDE])).toEqual([5, 19_999 % 251, 6, 7, 0]);
    await expect(cache.readImages([COUNT])).rejects.toMatchObject({ code: 'API_BAD_INPUT' });
    cache.dispose();
  });
});
