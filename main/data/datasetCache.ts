import fs from 'node:fs/promises';
import path from 'node:path';
import type { IDisposable } from '../../common/lifecycle';
import { LabError } from '../../common/errors';
import { datasetInfoSchema, type DatasetInfo } from '../../common/api/methods/datasets';

/** The three splits every dataset has (a split may be empty). */
export type DatasetSplit = 'train' | 'validation' | 'test';

/**
 * Read access to a decoded dataset on disk (DESIGN.md principle 7). Training streams
 * batches through `readImages`, so a dataset larger than RAM still trains.
 */
export interface DatasetCache extends IDisposable {
  readonly info: DatasetInfo;
  /** Class index of every example, by example index. */
  readonly labels: Int32Array;
  /** Example indices belonging to a split, in stable order. */
  indices(split: DatasetSplit): Int32Array;
  /**
   * Pixels of the given examples as one NHWC uint8 buffer, in the order given
   * (`indices.length * height * width * channels` bytes). Reads from disk.
   */
  readImages(indices: ArrayLike<number>): Promise<Uint8Array>;
}

/** File names inside a dataset folder. */
export const CACHE_FILES = {
  info: 'info.json',
  index: 'index.json',
  images: 'images.u8',
  stats: 'stats.json',
} as const;

/** Source file of a record, kept so a re-import can reuse records whose file did not change. */
export interface RecordSource {
  path: string;
  size: number;
  mtimeMs: number;
}

/** The JSON index beside `images.u8`: one label per record and the split membership. */
export interface CacheIndex {
  formatVersion: 1;
  count: number;
  /** Bytes per record (height * width * channels). */
  recordBytes: number;
  labels: number[];
  splits: Record<DatasetSplit, number[]>;
  /** Per record, the file it was decoded from (folder imports only). */
  sources?: RecordSource[];
  /** Per record, [width, height] before resizing (folder imports only). */
  originalSizes?: Array<[number, number]>;
}

/** Reads `index.json` of a dataset folder and checks it against the images file. */
export async function readCacheIndex(dir: string): Promise<CacheIndex> {
  const raw = await readJson(path.join(dir, CACHE_FILES.index));
  const index = raw as CacheIndex;
  if (index.formatVersion !== 1 || !Array.isArray(index.labels) || index.labels.length !== index.count) {
    throw new LabError('DATASET_BAD_FILE', `Expected a dataset index with formatVersion 1 and one label per record. Received: path=${JSON.stringify(path.join(dir, CACHE_FILES.index))}`, { path: dir });
  }
  return index;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LabError('DATASET_NOT_FOUND', `Expected a dataset cache file. Received: path=${JSON.stringify(file)}`, { path: file });
    }
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LabError('DATASET_BAD_FILE', `Expected valid JSON in a dataset cache file. Received: path=${JSON.stringify(file)}`, { path: file });
  }
}

/** Reads and validates `info.json` of a dataset folder. */
export async function readDatasetInfo(dir: string): Promise<DatasetInfo> {
  const parsed = datasetInfoSchema.safeParse(await readJson(path.join(dir, CACHE_FILES.info)));
  if (!parsed.success) {
    throw new LabError('DATASET_BAD_FILE', `Expected a valid dataset info.json. Received: path=${JSON.stringify(path.join(dir, CACHE_FILES.info))}`, { path: dir });
  }
  return parsed.data;
}

/**
 * Opens a decoded dataset folder for streaming. Only the index (labels, splits) is held in
 * memory; pixels are read on demand with positional reads on one file handle.
 *
 * @throws LabError `DATASET_NOT_FOUND` when the folder has no cache, `DATASET_BAD_FILE` when
 *   the index and the images file disagree.
 */
export async function openDatasetCache(dir: string): Promise<DatasetCache> {
  const info = await readDatasetInfo(dir);
  const index = await readCacheIndex(dir);
  const imagesPath = path.join(dir, CACHE_FILES.images);
  const [height, width, channels] = info.imageShape;
  const recordBytes = height * width * channels;
  let size: number;
  try {
    size = (await fs.stat(imagesPath)).size;
  } catch {
    throw new LabError('DATASET_NOT_FOUND', `Expected the images file of a dataset cache. Received: path=${JSON.stringify(imagesPath)}`, { path: imagesPath });
  }
  if (recordBytes !== index.recordBytes || size !== recordBytes * index.count) {
    throw new LabError('DATASET_BAD_FILE', `Expected ${index.count} records of ${recordBytes} bytes in the images file. Received: size=${size}`, { path: imagesPath, received: size });
  }
  const labels = Int32Array.from(index.labels);
  const splits: Record<DatasetSplit, Int32Array> = {
    train: Int32Array.from(index.splits.train),
    validation: Int32Array.from(index.splits.validation),
    test: Int32Array.from(index.splits.test),
  };
  let handle: Promise<fs.FileHandle> | undefined;
  let disposed = false;
  return {
    info,
    labels,
    indices: (split) => splits[split],
    async readImages(indices) {
      if (disposed) throw new LabError('INTERNAL', `Expected an open dataset cache. Received: id=${JSON.stringify(info.id)}`);
      handle ??= fs.open(imagesPath, 'r');
      const file = await handle;
      const out = new Uint8Array(indices.length * recordBytes);
      const reads: Promise<unknown>[] = [];
      // Consecutive indices become one read, so sequential batches cost one syscall.
      let start = 0;
      while (start < indices.length) {
        const first = indices[start] as number;
        if (!Number.isInteger(first) || first < 0 || first >= index.count) {
          throw new LabError('API_BAD_INPUT', `Expected record indices in [0, ${index.count}). Received: index=${first}`, { received: first });
        }
        let end = start + 1;
        while (end < indices.length && indices[end] === first + (end - start)) end++;
        const runLength = Math.min(end - start, index.count - first);
        end = start + runLength;
        reads.push(file.read(out, start * recordBytes, runLength * recordBytes, first * recordBytes));
        start = end;
      }
      await Promise.all(reads);
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (handle) void handle.then((file) => file.close()).catch(() => undefined);
    },
  };
}

/** Dataset ids are folder names: letters, digits, dot, dash and underscore. */
const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The folder of dataset `id` under `<dataDir>/datasets/`.
 *
 * @throws LabError `API_BAD_INPUT` for an id that is not a plain folder name,
 *   `DATASET_NOT_FOUND` when no decoded dataset has that id.
 */
export async function findDatasetDir(dataDir: string, id: string): Promise<string> {
  return datasetDirIn(datasetsRoot(dataDir), id);
}

/**
 * The folder of dataset `id` inside a cache folder `root` (a project's own, say).
 *
 * @throws LabError as `findDatasetDir`.
 */
export async function datasetDirIn(root: string, id: string): Promise<string> {
  if (!DATASET_ID.test(id)) {
    throw new LabError('API_BAD_INPUT', `Expected a dataset id of letters, digits, ".", "-" or "_". Received: id=${JSON.stringify(id)}`, { field: 'id', received: id });
  }
  const dir = path.join(root, id);
  try {
    await fs.access(path.join(dir, CACHE_FILES.info));
  } catch {
    throw new LabError('DATASET_NOT_FOUND', `Expected a dataset with this id. Received: id=${JSON.stringify(id)}`, { field: 'id', received: id });
  }
  return dir;
}

/** `<dataDir>/datasets`, where every decoded dataset has its folder. */
export function datasetsRoot(dataDir: string): string {
  return path.join(dataDir, 'datasets');
}
