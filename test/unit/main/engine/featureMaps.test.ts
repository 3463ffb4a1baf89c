import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetInfo } from '../../../../common/api/methods/datasets';
import { buildTemplate } from '../../../../common/templates';
import type { DatasetCache } from '../../../../main/data/datasetCache';
import { initBackend, type Tfjs } from '../../../../main/engine/backend';
import { compileGraph } from '../../../../main/engine/compile';
import { computeFeatureMaps } from '../../../../main/engine/featureMaps';

let tf: Tfjs;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
});

/** A two-record 28×28 grayscale cache held in memory. */
function memoryCache(): DatasetCache {
  const pixels = new Uint8Array(2 * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  const info = {
    id: 'm', name: 'mem', source: { kind: 'folder', path: '/m' }, classes: ['zero', 'one'], imageShape: [28, 28, 1],
    preprocessing: { targetSize: [28, 28], colorMode: 'grayscale', resizeMode: 'squash', scale: 1 / 255, offset: 0 },
    splits: { train: 0, validation: 0, test: 2 }, classCounts: { train: [0, 0], validation: [0, 0], test: [1, 1] }, fingerprint: 'f', createdAt: '', cacheDir: '/m', skipped: [],
  } satisfies DatasetInfo;
  return {
    info,
    labels: Int32Array.from([0, 1]),
    indices: (split) => (split === 'test' ? Int32Array.from([0, 1]) : new Int32Array(0)),
    readImages: async (indices) => {
      const out = new Uint8Array(indices.length * 28 * 28);
      Array.from(indices).forEach((index, n) => out.set(pixels.subarray(index * 784, (index + 1) * 784), n * 784));
      return out;
    },
    dispose: () => undefined,
  };
}

describe('computeFeatureMaps', () => {
  it('gives each convolution layer its output shape and one PNG per shown channel', async () => {
    const model = compileGraph(buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 2 }), tf, { seed: 1 });
    try {
      const maps = await computeFeatureMaps(tf, model, memoryCache(), 1, 8);
      expect(maps.record).toBe(1);
      expect(maps.label).toBe('one');
      expect(maps.image.startsWith('data:image/png;base64,')).toBe(true);
      expect(maps.layers.map((layer) => [layer.type, layer.shape])).toEqual([
        ['Conv2D', [26, 26, 32]],
        ['Conv2D', [11, 11, 64]],
      ]);
      for (const layer of maps.layers) {
        expect(layer.maps).toHaveLength(8);
        expect(layer.maps.every((map) => map.startsWith('data:image/png;base64,'))).toBe(true);
      }
    } finally {
      model.dispose();
    }
  });

  it('refuses a record outside the cache with API_BAD_INPUT', async () => {
    const model = compileGraph(buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 2 }), tf, { seed: 1 });
    try {
      await expect(computeFeatureMaps(tf, model, memoryCache(), 2, 4)).rejects.toMatchObject({ code: 'API_BAD_INPUT' });
    } finally {
      model.dispose();
    }
  });
});
