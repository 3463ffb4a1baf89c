import fs from 'node:fs/promises';
import path from 'node:path';
import type { DatasetInfo } from '../../../../../common/api/methods/datasets';
import type { Hyperparameters } from '../../../../../common/training/hyperparameters';
import type { RunSpec } from '../../../../../common/training/runSpec';
import type { DatasetCache, DatasetSplit } from '../../../../../main/data/datasetCache';
import { GraphBuilder } from '../../../../../common/templates/builder';
import type { ModelGraph } from '../../../../../common/graph/schema';

/** A small synthetic dataset held in memory. */
export interface SyntheticDataset {
  info: DatasetInfo;
  pixels: Uint8Array;
  labels: Int32Array;
  splits: Record<DatasetSplit, number[]>;
}

/**
 * Images of `classes` classes that a tiny model learns in a few epochs: class k has a
 * bright horizontal band at row block k, plus seeded noise.
 */
export function syntheticDataset(options: { count?: number; size?: number; classes?: number; seed?: number } = {}): SyntheticDataset {
  const count = options.count ?? 96;
  const size = options.size ?? 8;
  const classes = options.classes ?? 3;
  let state = options.seed ?? 1;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pixels = new Uint8Array(count * size * size);
  const labels = new Int32Array(count);
  const band = Math.max(1, Math.floor(size / classes));
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inBand = y >= label * band && y < (label + 1) * band;
        pixels[i * size * size + y * size + x] = Math.min(255, Math.floor((inBand ? 180 : 20) + random() * 60));
      }
    }
  }
  const test = Math.floor(count / 6);
  const validation = Math.floor(count / 6);
  const all = Array.from({ length: count }, (_, i) => i);
  const splits = { train: all.slice(0, count - test - validation), validation: all.slice(count - test - validation, count - test), test: all.slice(count - test) };
  const perClass = (indices: number[]): number[] => Array.from({ length: classes }, (_, c) => indices.filter((i) => labels[i] === c).length);
  const info: DatasetInfo = {
    id: 'synthetic',
    name: 'Synthetic bands',
    source: { kind: 'sample', path: '<memory>' },
    classes: Array.from({ length: classes }, (_, c) => `band${c}`),
    imageShape: [size, size, 1],
    preprocessing: { targetSize: [size, size], colorMode: 'grayscale', resizeMode: 'squash', scale: 1 / 255, offset: 0 },
    splits: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
    classCounts: { train: perClass(splits.train), validation: perClass(splits.validation), test: perClass(splits.test) },
    fingerprint: `synthetic-${count}-${size}-${classes}-${options.seed ?? 1}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    cacheDir: '<memory>',
    skipped: [],
  };
  return { info, pixels, labels, splits };
}

/** A DatasetCache over a synthetic dataset, without touching the disk. */
export function memoryDatasetCache(dataset: SyntheticDataset): DatasetCache {
  const recordBytes = dataset.info.imageShape[0] * dataset.info.imageShape[1] * dataset.info.imageShape[2];
  return {
    info: dataset.info,
    labels: dataset.labels,
    indices: (split) => Int32Array.from(dataset.splits[split]),
    readImages: async (indices) => {
      const out = new Uint8Array(indices.length * recordBytes);
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i] as number;
        out.set(dataset.pixels.subarray(index * recordBytes, (index + 1) * recordBytes), i * recordBytes);
      }
      return out;
    },
    dispose: () => undefined,
  };
}

/** Writes a synthetic dataset as an on-disk cache folder that `openDatasetCache` reads. */
export async function writeDatasetCache(dir: string, dataset: SyntheticDataset): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const [h, w, c] = dataset.info.imageShape;
  await fs.writeFile(path.join(dir, 'info.json'), JSON.stringify({ ...dataset.info, cacheDir: dir }));
  await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify({
    formatVersion: 1, count: dataset.labels.length, recordBytes: h * w * c, labels: Array.from(dataset.labels), splits: dataset.splits,
  }));
  await fs.writeFile(path.join(dir, 'images.u8'), dataset.pixels);
  return dir;
}

/** Flatten, Dense 16 (ReLU), Dense softmax: trains in milliseconds. */
export function tinyGraph(size = 8, classes = 3, hidden = 16): ModelGraph {
  const b = new GraphBuilder('tiny', 'A tiny classifier for tests.');
  let x = b.input([size, size, 1]);
  x = b.layer('Flatten', {}, x);
  x = b.layer('Dense', { units: hidden, activation: 'relu' }, x);
  b.layer('Dense', { units: classes, activation: 'softmax' }, x);
  return b.build('tiny');
}

/** A queued run's spec for `graph` trained on a synthetic dataset. */
export function syntheticRunSpec(id: string, graph: ModelGraph, dataset: SyntheticDataset, hyperparameters: Hyperparameters): RunSpec {
  const now = new Date().toISOString();
  return {
    schemaVersion: 1, id, name: id, createdAt: now, graph,
    dataset: { id: 'synthetic', name: 'Synthetic', cacheDir: '<memory>', fingerprint: dataset.info.fingerprint, classes: dataset.info.classes, imageShape: dataset.info.imageShape },
    hyperparameters, backendPreference: null, backend: null, status: 'queued', epochsCompleted: 0, best: null, last: null, endReason: null, updatedAt: now,
  };
}
