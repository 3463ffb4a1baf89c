import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodeIdx } from '../../../../main/data/idx';
import { planCifarImport, planIdxImport } from '../../../../main/data/fileSources';
import { importDataset } from '../../../../main/data/importDataset';
import { CIFAR10_CLASSES } from '../../../../main/data/cifar';
import { FASHION_MNIST_CLASSES, KNOWN_FILES, type KnownFile } from '../../../../main/data/knownDatasets';
import { importOptionsSchema } from '../../../../common/api/methods/datasets';
import { cifarRecords } from './fixtures';

const options = importOptionsSchema.parse({});
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Fashion-MNIST's test files at their standard sizes (10,000 images of 28x28), with generated pixels. */
function standardTestFiles(seed: number): { images: Uint8Array; labels: Uint8Array } {
  const pixels = Uint8Array.from({ length: 10000 * 28 * 28 }, (_, i) => (i * 31 + seed) % 256);
  return { images: encodeIdx([10000, 28, 28], pixels), labels: encodeIdx([10000], Uint8Array.from({ length: 10000 }, (_, i) => (i + seed) % 10)) };
}

let work: string;
/** The generated test files, raw, in `fashion-like/`; `other/` holds files of the same sizes with other bytes. */
let fashionLike: { images: Uint8Array; labels: Uint8Array };
/** A checksum table in which the generated files are Fashion-MNIST's (the real table's MNIST size-and-header rows kept). */
let fakeTable: KnownFile[];

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-known-'));
  fashionLike = standardTestFiles(1);
  const other = standardTestFiles(2);
  for (const [dir, files, gzip] of [['fashion-like', fashionLike, false], ['gzipped', fashionLike, true], ['other', other, false]] as const) {
    await fs.mkdir(path.join(work, dir));
    await fs.writeFile(path.join(work, dir, `t10k-images-idx3-ubyte${gzip ? '.gz' : ''}`), gzip ? encodeIdx([10000, 28, 28], files.images.subarray(16), true) : files.images);
    await fs.writeFile(path.join(work, dir, `t10k-labels-idx1-ubyte${gzip ? '.gz' : ''}`), gzip ? encodeIdx([10000], files.labels.subarray(8), true) : files.labels);
  }
  await fs.mkdir(path.join(work, 'mixed'));
  await fs.writeFile(path.join(work, 'mixed', 't10k-images-idx3-ubyte'), fashionLike.images);
  await fs.writeFile(path.join(work, 'mixed', 't10k-labels-idx1-ubyte'), other.labels);
  fakeTable = [
    { dataset: 'fashion-mnist', name: 't10k-images-idx3-ubyte', form: 'content', size: fashionLike.images.length, sha256: sha256(fashionLike.images) },
    { dataset: 'fashion-mnist', name: 't10k-labels-idx1-ubyte', form: 'content', size: fashionLike.labels.length, sha256: sha256(fashionLike.labels) },
    ...KNOWN_FILES.filter((entry) => entry.sha256 === null),
  ];
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('known datasets recognised by content', () => {
  it('generates files of the standard sizes', () => {
    expect(fashionLike.images.length).toBe(7840016);
    expect(fashionLike.labels.length).toBe(10008);
  });

  it('names the classes of files whose checksums are in the table, whatever the folder is called, compressed or not', async () => {
    for (const dir of ['fashion-like', 'gzipped']) {
      const plan = await planIdxImport(path.join(work, dir), options, undefined, fakeTable);
      expect(plan.classes, dir).toEqual(FASHION_MNIST_CLASSES);
      expect(plan.knownDataset, dir).toEqual({ id: 'fashion-mnist', name: 'Fashion-MNIST', match: 'checksum' });
    }
  });

  it('matches files of the standard sizes and headers but other bytes by size and header only (MNIST: digits)', async () => {
    const plan = await planIdxImport(path.join(work, 'other'), options, undefined, fakeTable);
    expect(plan.classes).toEqual(DIGITS);
    expect(plan.knownDataset).toEqual({ id: 'mnist', name: 'MNIST', match: 'size-and-header' });
  });

  it('recognises nothing when the files belong to different datasets, or nothing is known', async () => {
    const mixed = await planIdxImport(path.join(work, 'mixed'), options, undefined, fakeTable.slice(0, 2));
    expect(mixed.knownDataset).toBeNull();
    expect(mixed.classes).toEqual(DIGITS);
    expect((await planIdxImport(path.join(work, 'fashion-like'), options, undefined, [])).knownDataset).toBeNull();
  });

  it('keeps class names given with the import', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    expect((await planIdxImport(path.join(work, 'fashion-like'), options, names, fakeTable)).classes).toEqual(names);
  });

  it('records the recognition in the dataset info', async () => {
    const { info } = await importDataset({ path: path.join(work, 'fashion-like'), kind: 'auto', options }, { datasetsRoot: path.join(work, 'cache'), knownFiles: fakeTable });
    expect(info.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(info.knownDataset).toEqual({ id: 'fashion-mnist', name: 'Fashion-MNIST', match: 'checksum' });
  });

  it('recognises CIFAR-10 batches by their size; batches.meta.txt names the classes when present', async () => {
    const dir = path.join(work, 'cifar-10-batches-bin');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'test_batch.bin'), cifarRecords(Array.from({ length: 10000 }, (_, i) => i % 10)));
    const plan = await planCifarImport(dir, options);
    expect(plan.knownDataset).toEqual({ id: 'cifar10', name: 'CIFAR-10', match: 'size-and-header' });
    expect(plan.classes).toEqual(CIFAR10_CLASSES);
    const renamed = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'lorry'];
    await fs.writeFile(path.join(dir, 'batches.meta.txt'), `${renamed.join('\n')}\n\n`);
    expect((await planCifarImport(dir, options)).classes).toEqual(renamed);
  });
});
