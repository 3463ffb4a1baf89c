import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkIdxPair, encodeIdx, parseIdx } from '../../../../main/data/idx';
import { importDataset } from '../../../../main/data/importDataset';
import { openDatasetCache } from '../../../../main/data/datasetCache';
import { importOptionsSchema } from '../../../../common/api/methods/datasets';

let work: string;

/** `count` 4x3 images whose pixels encode (image, position), labels i % 3. */
function makeSet(count: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * 12);
  for (let i = 0; i < images.length; i++) images[i] = (i * 7) % 256;
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 3) };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-idx-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('IDX files', () => {
  it('round-trips raw and gzip-compressed', () => {
    const { images } = makeSet(5);
    for (const gzip of [false, true]) {
      const parsed = parseIdx(encodeIdx([5, 4, 3], images, gzip), 3);
      expect(parsed.dims).toEqual([5, 4, 3]);
      expect(Array.from(parsed.data)).toEqual(Array.from(images));
    }
  });

  it('names a wrong magic number DATASET_IDX_MAGIC', () => {
    const bytes = encodeIdx([2], Uint8Array.of(1, 2));
    expect(() => parseIdx(bytes, 3)).toThrow(expect.objectContaining({ code: 'DATASET_IDX_MAGIC' }));
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0);
    expect(() => parseIdx(png, 1)).toThrow(expect.objectContaining({ code: 'DATASET_IDX_MAGIC' }));
  });

  it('rejects a truncated file', () => {
    const bytes = encodeIdx([5, 4, 3], makeSet(5).images);
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 3)).toThrow(expect.objectContaining({ code: 'DATASET_BAD_FILE' }));
  });

  it('names mismatched image and label counts DATASET_IDX_COUNT', () => {
    const images = parseIdx(encodeIdx([5, 4, 3], makeSet(5).images), 3);
    const labels = parseIdx(encodeIdx([4], Uint8Array.of(0, 1, 2, 0)), 1);
    expect(() => checkIdxPair(images, labels, 'a', 'b')).toThrow(expect.objectContaining({ code: 'DATASET_IDX_COUNT' }));
  });

  it('imports a train/t10k pair with class names and the test split from the file', async () => {
    const dir = path.join(work, 'digits');
    await fs.mkdir(dir);
    const train = makeSet(30);
    const test = makeSet(6);
    await fs.writeFile(path.join(dir, 'train-images-idx3-ubyte.gz'), encodeIdx([30, 4, 3], train.images, true));
    await fs.writeFile(path.join(dir, 'train-labels-idx1-ubyte.gz'), encodeIdx([30], train.labels, true));
    await fs.writeFile(path.join(dir, 't10k-images-idx3-ubyte'), encodeIdx([6, 4, 3], test.images));
    await fs.writeFile(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([6], test.labels));
    const options = importOptionsSchema.parse({ validationSplit: 0.2 });
    const { info } = await importDataset({ path: dir, kind: 'auto', classNames: ['a', 'b', 'c'], options }, { datasetsRoot: path.join(work, 'cache') });
    expect(info.source.kind).toBe('idx');
    expect(info.classes).toEqual(['a', 'b', 'c']);
    expect(info.imageShape).toEqual([4, 3, 1]);
    expect(info.splits).toEqual({ train: 24, validation: 6, test: 6 });
    const cache = await openDatasetCache(info.cacheDir);
    // Files are read in name order: t10k (records 0-5) before train (6-35).
    expect(Array.from(cache.indices('test'))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(await cache.readImages([7, 1]))).toEqual([...train.images.subarray(12, 24), ...test.images.subarray(12, 24)]);
    cache.dispose();
  });

  it('fails the import with DATASET_IDX_COUNT when labels do not match', async () => {
    const dir = path.join(work, 'broken');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'train-images-idx3-ubyte'), encodeIdx([5, 4, 3], makeSet(5).images));
    await fs.writeFile(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([3], Uint8Array.of(0, 1, 2)));
    await expect(importDataset({ path: dir, kind: 'idx', options: importOptionsSchema.parse({}) }, { datasetsRoot: path.join(work, 'cache') }))
      .rejects.toMatchObject({ code: 'DATASET_IDX_COUNT' });
  });

  describe('labels far above the classes present', () => {
    /** A train pair of `labels.length` 4x3 images with these labels. */
    async function pairWith(name: string, labels: number[]): Promise<string> {
      const dir = path.join(work, name);
      await fs.mkdir(dir);
      const { images } = makeSet(labels.length);
      await fs.writeFile(path.join(dir, 'train-images-idx3-ubyte'), encodeIdx([labels.length, 4, 3], images));
      await fs.writeFile(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([labels.length], Uint8Array.from(labels)));
      return dir;
    }
    const digitsAnd255 = [...Array.from({ length: 30 }, (_, i) => i % 10), 255, 255];

    it('refuses a stray 255 that would make 256 classes, naming the labels file and what to do', async () => {
      const dir = await pairWith('stray-255', digitsAnd255);
      const error = await importDataset({ path: dir, kind: 'idx', options: importOptionsSchema.parse({}) }, { datasetsRoot: path.join(work, 'cache') }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DATASET_BAD_FILE', details: { path: path.join(dir, 'train-labels-idx1-ubyte'), field: 'labels' } });
      const { message } = error as Error;
      expect(message).toContain('11 distinct labels');
      expect(message).toContain('255');
      expect(message).toContain('256 classes, 245 of them empty');
      expect(message).toContain('classNames');
    });

    it('imports it when class names for every label are given, with a warning about the empty classes', async () => {
      const dir = await pairWith('stray-255-asked', digitsAnd255);
      const classNames = Array.from({ length: 256 }, (_, i) => `c${i}`);
      const { info, report } = await importDataset({ path: dir, kind: 'idx', classNames, options: importOptionsSchema.parse({}) }, { datasetsRoot: path.join(work, 'cache') });
      expect(info.classes).toHaveLength(256);
      expect(report.warnings).toEqual([expect.stringContaining('245 of the 256 labels have no images')]);
    });

    it('warns about a few missing labels and imports them as empty classes', async () => {
      const dir = await pairWith('gap', Array.from({ length: 30 }, (_, i) => [0, 1, 3][i % 3] as number));
      const { info, report } = await importDataset({ path: dir, kind: 'idx', options: importOptionsSchema.parse({}) }, { datasetsRoot: path.join(work, 'cache') });
      expect(info.classes).toEqual(['0', '1', '2', '3']);
      expect(report.warnings).toEqual([expect.stringContaining('label 2')]);
    });

    it('says nothing when every label from 0 up is present', async () => {
      const dir = await pairWith('complete', Array.from({ length: 30 }, (_, i) => i % 3));
      const { report } = await importDataset({ path: dir, kind: 'idx', options: importOptionsSchema.parse({}) }, { datasetsRoot: path.join(work, 'cache') });
      expect(report.warnings).toEqual([]);
    });
  });
});
