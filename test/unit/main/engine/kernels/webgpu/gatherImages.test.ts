import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { DatasetCache } from '../../../../../../main/data/datasetCache';
import { registerWebGpuKernels, restoreStockWebGpuKernels } from '../../../../../../main/engine/kernels/webgpu/index';
import { pixelsToTensor } from '../../../../../../main/engine/train/batches';
import { deviceResidentImages } from '../../../../../../main/engine/train/deviceImages';
import { pixelTransformOf } from '../../../../../../common/data/basePreprocessing';
import { memoryDatasetCache, syntheticDataset } from '../../train/datasetFixture';
import { startWebGpuBackend } from './webgpuTestBackend';

/** Records of 5×5×1 = 25 bytes, so most records start in the middle of a packed int32 word. */
const transformOf = (cache: DatasetCache) => pixelTransformOf(cache.info.preprocessing, null);

function oddSizedCache(): DatasetCache {
  const cache = memoryDatasetCache(syntheticDataset({ count: 40, size: 5 }));
  return { ...cache, info: { ...cache.info, preprocessing: { ...cache.info.preprocessing, scale: 1 / 127.5, offset: -1 } } };
}

describe('training images held on the GPU (webgpu)', () => {
  beforeAll(async () => {
    await startWebGpuBackend();
    registerWebGpuKernels();
  });

  it('draws any batch of the split as the float input pixelsToTensor makes from the same records', async () => {
    const cache = oddSizedCache();
    const train = cache.indices('train');
    const images = await deviceResidentImages(tf, cache, train, transformOf(cache));
    expect(images).toBeDefined();
    const wanted = Int32Array.from([train[train.length - 1]!, train[0]!, train[5]!, train[5]!, train[3]!]);
    const { preprocessing, imageShape } = cache.info;
    const expected = pixelsToTensor(tf, await cache.readImages(wanted), wanted.length, imageShape, pixelTransformOf(preprocessing, null));
    const actual = tf.tidy(() => images!.batch(wanted));
    expect(actual.shape).toEqual(expected.shape);
    const [a, e] = await Promise.all([actual.data(), expected.data()]);
    for (let i = 0; i < e.length; i++) expect(a[i]).toBeCloseTo(e[i]!, 6);
    tf.dispose([actual, expected]);
    images!.dispose();
  });

  it('frees what it uploaded, and refuses records it does not hold by name', async () => {
    const cache = oddSizedCache();
    const train = cache.indices('train');
    const before = tf.memory().numTensors;
    const images = await deviceResidentImages(tf, cache, train.subarray(0, 4), transformOf(cache));
    expect(() => tf.tidy(() => images!.batch(Int32Array.from([train[9]!])))).toThrow(`Expected record ${train[9]} among the 4 held on the GPU`);
    images!.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is not used for splits over the budget, a base\'s per-channel preprocessing, or with tfjs\'s own webgpu kernels, or on other backends', async () => {
    const cache = oddSizedCache();
    const train = cache.indices('train');
    expect(await deviceResidentImages(tf, cache, train, transformOf(cache), train.length * 25 - 1)).toBeUndefined();
    // A base's BGR, per-channel preprocessing (Keras's 'caffe') is applied on upload instead.
    expect(await deviceResidentImages(tf, cache, train, { reverseChannels: true, scale: [1], offset: [-103.9, -116.8, -123.7] })).toBeUndefined();
    restoreStockWebGpuKernels();
    try {
      expect(await deviceResidentImages(tf, cache, train, transformOf(cache))).toBeUndefined();
    } finally {
      registerWebGpuKernels();
    }
    await tf.setBackend('cpu');
    try {
      expect(await deviceResidentImages(tf, cache, train, transformOf(cache))).toBeUndefined();
    } finally {
      await startWebGpuBackend();
    }
  });
});
