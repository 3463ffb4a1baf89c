import { describe, expect, it } from 'vitest';
import type { DatasetCache } from '../../../../../main/data/datasetCache';
import { withResidentRecords } from '../../../../../main/engine/train/batches';
import { memoryDatasetCache, syntheticDataset } from './datasetFixture';

/** A cache that counts the records it reads from its backing store. */
function countingCache(): { cache: DatasetCache; reads: () => number } {
  const inner = memoryDatasetCache(syntheticDataset({ count: 60, size: 6 }));
  let reads = 0;
  return {
    cache: { ...inner, readImages: async (indices) => {
      reads += indices.length;
      return inner.readImages(indices);
    } },
    reads: () => reads,
  };
}

describe('withResidentRecords', () => {
  it('reads the split once, then serves shuffled batches of it from memory, byte for byte', async () => {
    const { cache, reads } = countingCache();
    const train = cache.indices('train');
    const resident = await withResidentRecords(cache, train);
    expect(reads()).toBe(train.length);
    const batch = Int32Array.from([train[7]!, train[0]!, train[train.length - 1]!, train[7]!]);
    const before = reads();
    const served = await resident.readImages(batch);
    expect(reads()).toBe(before);
    expect(served).toEqual(await cache.readImages(batch));
  });

  it('reads records outside the split from the cache', async () => {
    const { cache, reads } = countingCache();
    const resident = await withResidentRecords(cache, cache.indices('train'));
    const test = cache.indices('test');
    const before = reads();
    const served = await resident.readImages(test);
    expect(reads()).toBe(before + test.length);
    expect(served).toEqual(await cache.readImages(test));
  });

  it('keeps a split larger than the budget on disk', async () => {
    const { cache, reads } = countingCache();
    const train = cache.indices('train');
    const resident = await withResidentRecords(cache, train, train.length * 36 - 1);
    expect(resident).toBe(cache);
    expect(reads()).toBe(0);
  });
});
