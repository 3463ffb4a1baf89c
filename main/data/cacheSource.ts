import fs from 'node:fs/promises';
import path from 'node:path';
import type { ImportOptions } from '../../common/api/methods/datasets';
import type { Preprocessing } from '../../common/data/preprocessing';
import { CACHE_FILES, openDatasetCache, readCacheIndex, type DatasetSplit, type RecordSource } from './datasetCache';
import type { ImportPlan, PlannedRecord } from './importPlan';
import { preprocessRawPixels } from './preprocess';

/**
 * The resize / channel adapter: a dataset made from another dataset's cache at a new size
 * or colour mode (three channels from grayscale, as a pretrained base needs), each record
 * keeping its label and split. It reads the cached pixels rather than the original files,
 * so it works for built-in datasets and after the source folder is gone.
 */

/** The size and colour mode `options` ask for, the rest as the source dataset had it. */
function adaptedPreprocessing(source: Preprocessing, imageShape: readonly [number, number, number], options: ImportOptions): Preprocessing {
  return {
    targetSize: options.targetSize ?? [imageShape[0], imageShape[1]],
    colorMode: options.colorMode ?? source.colorMode,
    resizeMode: options.resizeMode,
    scale: source.scale,
    offset: source.offset,
  };
}

/** `mnist 32×32 rgb`: the adapted dataset's default name. */
export function adaptedName(name: string, preprocessing: Pick<Preprocessing, 'targetSize' | 'colorMode'>): string {
  return `${name} ${preprocessing.targetSize[0]}×${preprocessing.targetSize[1]} ${preprocessing.colorMode}`;
}

/**
 * The import plan of an adapted copy of the dataset cached in `cacheDir`: every record,
 * resized (bilinear, as imports resize) and converted to `options.colorMode`, with its split
 * given so the copy splits exactly as the source. The plan holds the source cache open until
 * `release`.
 *
 * @throws LabError `DATASET_NOT_FOUND` or `DATASET_BAD_FILE` for a missing or damaged cache.
 */
export async function planCacheImport(cacheDir: string, options: ImportOptions): Promise<ImportPlan> {
  const cache = await openDatasetCache(cacheDir);
  const index = await readCacheIndex(cacheDir);
  const [height, width, channels] = cache.info.imageShape;
  const preprocessing = adaptedPreprocessing(cache.info.preprocessing, cache.info.imageShape, options);
  const splitOf = new Array<DatasetSplit>(index.count).fill('train');
  for (const split of ['validation', 'test'] as const) for (const record of index.splits[split]) splitOf[record] = split;
  const records: PlannedRecord[] = index.labels.map((label, record) => ({
    label,
    split: splitOf[record] as DatasetSplit,
    async load() {
      const pixels = await cache.readImages([record]);
      const [originalWidth, originalHeight] = index.originalSizes?.[record] ?? [width, height];
      return { pixels: await preprocessRawPixels(pixels, width, height, channels, preprocessing), originalWidth, originalHeight };
    },
  }));
  const sourceFiles: RecordSource[] = [];
  for (const name of [CACHE_FILES.images, CACHE_FILES.index]) {
    const file = path.join(cacheDir, name);
    const stat = await fs.stat(file);
    sourceFiles.push({ path: file, size: stat.size, mtimeMs: stat.mtimeMs });
  }
  return {
    kind: 'adapted',
    name: adaptedName(cache.info.name, preprocessing),
    sourcePath: cacheDir,
    classes: [...cache.info.classes],
    preprocessing,
    records,
    skipped: [],
    sourceFiles,
    // The copy's pixels are resized or converted, so they are no longer the files a known dataset is recognised by.
    knownDataset: null,
    release: () => cache.dispose(),
  };
}
