import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importDataset } from '../../../main/data/importDataset';
import { openDatasetCache } from '../../../main/data/datasetCache';
import { DEBIAN_FASHION_MNIST_DIR, hasDebianFashionMnist } from '../../../main/data/builtins';
import { FASHION_MNIST_CLASSES } from '../../../main/data/knownDatasets';
import { importOptionsSchema } from '../../../common/api/methods/datasets';

// Real data comes from Debian's dataset-fashion-mnist package; .ci/run installs it.
const installed = await hasDebianFashionMnist();
if (!installed) console.warn(`Skipping the real Fashion-MNIST import: ${DEBIAN_FASHION_MNIST_DIR} is absent (apt-get install dataset-fashion-mnist).`);

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-fmnist-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe.skipIf(!installed)('real Fashion-MNIST IDX files', () => {
  it('imports 60,000 training and 10,000 test images with balanced classes', async () => {
    const { info, report } = await importDataset(
      { path: DEBIAN_FASHION_MNIST_DIR, kind: 'auto', options: importOptionsSchema.parse({ validationSplit: 0.1 }) },
      { datasetsRoot: work },
    );
    expect(report.skipped).toEqual([]);
    // Recognised by the SHA-256 of the files' content (Debian re-compressed them), not by the folder's name.
    expect(info.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(info.knownDataset).toEqual({ id: 'fashion-mnist', name: 'Fashion-MNIST', match: 'checksum' });
    expect(info.imageShape).toEqual([28, 28, 1]);
    expect(info.splits).toEqual({ train: 54_000, validation: 6_000, test: 10_000 });
    expect(info.classCounts.test).toEqual(new Array(10).fill(1000));
    expect(info.classCounts.validation).toEqual(new Array(10).fill(600));
    const cache = await openDatasetCache(info.cacheDir);
    // The first training image is an ankle boot (label 9), 10,000 test records come first.
    expect(cache.labels[10_000]).toBe(9);
    const pixels = await cache.readImages([10_000]);
    const mean = pixels.reduce((sum, v) => sum + v, 0) / pixels.length;
    expect(mean).toBeGreaterThan(20);
    cache.dispose();
    const stats = JSON.parse(await fs.readFile(path.join(info.cacheDir, 'stats.json'), 'utf8')) as { channelMean: number[] };
    // Fashion-MNIST's well-known pixel mean is 0.286.
    expect(stats.channelMean[0]).toBeCloseTo(0.286, 2);
  });
});
