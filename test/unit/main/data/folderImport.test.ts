import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { importDataset } from '../../../../main/data/importDataset';
import { openDatasetCache } from '../../../../main/data/datasetCache';
import { encodeBmp } from '../../../../main/data/bmp';
import { preprocessImageFile } from '../../../../main/data/preprocess';
import { importOptionsSchema, type DatasetProgressEvent } from '../../../../common/api/methods/datasets';

let work: string;

/** A solid-colour RGB image of the given size, as raw pixels. */
function solid(width: number, height: number, rgb: [number, number, number]): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) raw.set(rgb, i * 3);
  return raw;
}

async function encode(format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff', width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp(solid(width, height, rgb), { raw: { width, height, channels: 3 } })[format]().toBuffer();
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-folder-'));
  const root = path.join(work, 'shapes');
  const red: [number, number, number] = [250, 10, 10];
  const blue: [number, number, number] = [10, 10, 250];
  await fs.mkdir(path.join(root, 'red'), { recursive: true });
  await fs.mkdir(path.join(root, 'blue', 'nested'), { recursive: true });
  for (const format of ['png', 'jpeg', 'webp', 'gif', 'tiff'] as const) {
    await fs.writeFile(path.join(root, 'red', `r.${format === 'jpeg' ? 'jpg' : format}`), await encode(format, 20, 10, red));
    await fs.writeFile(path.join(root, 'blue', `b.${format === 'jpeg' ? 'jpg' : format}`), await encode(format, 12, 12, blue));
  }
  await fs.writeFile(path.join(root, 'red', 'r.bmp'), encodeBmp(7, 5, solid(7, 5, red)));
  await fs.writeFile(path.join(root, 'blue', 'nested', 'b.bmp'), encodeBmp(9, 3, solid(9, 3, blue)));
  const png = await encode('png', 16, 16, red);
  await fs.writeFile(path.join(root, 'red', 'truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
  await fs.writeFile(path.join(root, 'red', 'empty.png'), Buffer.alloc(0));
  await fs.writeFile(path.join(root, 'blue', 'notes.txt'), 'not an image');
  await fs.writeFile(path.join(root, 'readme.md'), 'top-level file');
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('image folder import', () => {
  it('decodes every supported format and lists broken files with a reason', async () => {
    const events: DatasetProgressEvent[] = [];
    const options = importOptionsSchema.parse({ targetSize: [8, 8], colorMode: 'rgb', validationSplit: 0, testSplit: 0 });
    const { info, report } = await importDataset({ path: path.join(work, 'shapes'), kind: 'auto', options }, { datasetsRoot: path.join(work, 'cache'), importId: 'imp-1', onProgress: (e) => events.push(e) });
    expect(info.classes).toEqual(['blue', 'red']);
    expect(info.imageShape).toEqual([8, 8, 3]);
    expect(info.classCounts.train).toEqual([6, 6]);
    expect(report.decoded).toBe(12);
    const reasons = Object.fromEntries(report.skipped.map((s) => [path.basename(s.path), s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['empty.png', 'notes.txt', 'readme.md', 'truncated.png']);
    expect(reasons['empty.png']).toBe('empty file');
    expect(reasons['notes.txt']).toContain('unsupported file type');
    expect(events.some((e) => e.phase === 'decode' && e.done === e.total && e.importId === 'imp-1')).toBe(true);

    const cache = await openDatasetCache(info.cacheDir);
    const train = cache.indices('train');
    const pixels = await cache.readImages(train);
    for (let r = 0; r < train.length; r++) {
      const label = cache.labels[train[r]!]!;
      const centre = r * 192 + (4 * 8 + 4) * 3;
      // blue = class 0, red = class 1; JPEG may shift values a little.
      const [red, , blue] = [pixels[centre]!, pixels[centre + 1]!, pixels[centre + 2]!];
      expect(label === 1 ? red > 200 && blue < 60 : blue > 200 && red < 60).toBe(true);
    }
    cache.dispose();
  });

  it('reuses the cache when nothing changed and re-decodes only changed files', async () => {
    const options = importOptionsSchema.parse({ targetSize: [8, 8], validationSplit: 0, testSplit: 0 });
    const env = { datasetsRoot: path.join(work, 'cache2') };
    const source = path.join(work, 'shapes');
    const first = await importDataset({ path: source, kind: 'folder', options }, env);
    const again = await importDataset({ path: source, kind: 'folder', options }, env);
    expect(again.report.reused).toBe(true);
    expect(again.info.fingerprint).toBe(first.info.fingerprint);
    const changed = path.join(source, 'red', 'r.png');
    await fs.writeFile(changed, await encode('png', 30, 30, [240, 0, 0]));
    const third = await importDataset({ path: source, kind: 'folder', options }, env);
    expect(third.report.reused).toBe(false);
    expect(third.report.decoded).toBe(1);
    expect(third.report.reusedRecords).toBe(11);
    expect(third.info.id).toBe(first.info.id);
  });

  it('uses train/ and test/ folders as given and carves validation from train', async () => {
    const root = path.join(work, 'split');
    for (const split of ['train', 'test']) {
      for (const cls of ['a', 'b']) {
        await fs.mkdir(path.join(root, split, cls), { recursive: true });
        for (let i = 0; i < (split === 'train' ? 10 : 3); i++) {
          await fs.writeFile(path.join(root, split, cls, `${i}.png`), await encode('png', 4, 4, [i * 20, cls === 'a' ? 0 : 255, 0]));
        }
      }
    }
    const options = importOptionsSchema.parse({ targetSize: [4, 4], colorMode: 'grayscale', validationSplit: 0.2, testSplit: 0.5 });
    const { info } = await importDataset({ path: root, kind: 'auto', options }, { datasetsRoot: path.join(work, 'cache3') });
    expect(info.splits).toEqual({ train: 16, validation: 4, test: 6 });
    expect(info.classCounts.test).toEqual([3, 3]);
    expect(info.imageShape).toEqual([4, 4, 1]);
  });

  it('stops with DATASET_CANCELLED when aborted and leaves no cache behind', async () => {
    const controller = new AbortController();
    controller.abort();
    const options = importOptionsSchema.parse({ targetSize: [8, 8] });
    const root = path.join(work, 'cache4');
    await expect(importDataset({ path: path.join(work, 'shapes'), kind: 'folder', options }, { datasetsRoot: root, signal: controller.signal }))
      .rejects.toMatchObject({ code: 'DATASET_CANCELLED' });
    const left = await fs.readdir(root).catch(() => []);
    expect(left).toEqual([]);
  });

  it('preprocesses a new image exactly as the import did', async () => {
    const options = importOptionsSchema.parse({ targetSize: [6, 5], colorMode: 'grayscale', resizeMode: 'letterbox', validationSplit: 0, testSplit: 0 });
    const { info } = await importDataset({ path: path.join(work, 'shapes'), kind: 'folder', options }, { datasetsRoot: path.join(work, 'cache5') });
    const cache = await openDatasetCache(info.cacheDir);
    const index = JSON.parse(await fs.readFile(path.join(info.cacheDir, 'index.json'), 'utf8')) as { sources: Array<{ path: string }> };
    const record = index.sources.findIndex((s) => s.path.endsWith('r.webp'));
    const fromCache = await cache.readImages([record]);
    const fresh = await preprocessImageFile(index.sources[record]!.path, info.preprocessing);
    expect(fresh).toEqual(fromCache);
    expect(fresh.length).toBe(30);
    cache.dispose();
  });
});
