import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LabHandlers } from '../../common/api/labApi';
import type { DatasetInfo } from '../../common/api/methods/datasets';
import { LabError } from '../../common/errors';
import type { LabContext } from './labContext';
import { resolveAllowedPath } from './paths';
import { CACHE_FILES, datasetDirIn, datasetsRoot, openDatasetCache, readDatasetInfo, type DatasetCache } from '../data/datasetCache';
import { importDataset } from '../data/importDataset';
import { buildDatasetStats, type StoredStats } from '../data/stats';
import { buildSampleGrid, previewAugmentation } from '../data/samples';
import { listBuiltinDatasets, locateBuiltin } from '../data/builtins';
import { renameDatasetClasses } from '../data/classNames';

type DatasetMethodName = 'importDataset' | 'cancelImport' | 'listDatasets' | 'getDatasetInfo' | 'getDatasetStats' | 'getSampleGrid'
  | 'previewAugmentation' | 'renameClasses' | 'deleteDataset' | 'listBuiltinDatasets' | 'downloadBuiltinDataset' | 'adaptDataset';

/** Where built-in datasets are downloaded to. */
export function downloadsRoot(context: LabContext): string {
  return path.join(context.options.dataDir, 'downloads');
}

/** The dataset cache folder: the caller's `root` (checked against the allowed roots) or `<dataDir>/datasets`. */
async function cacheRoot(context: LabContext, root: string | undefined): Promise<string> {
  return root === undefined ? datasetsRoot(context.options.dataDir) : resolveAllowedPath(context, root);
}

/** Opens a dataset for the duration of `use`. */
async function withCache<T>(dir: string, use: (cache: DatasetCache) => Promise<T>): Promise<T> {
  const cache = await openDatasetCache(dir);
  try {
    return await use(cache);
  } finally {
    cache.dispose();
  }
}

/** Resolves a dataset id inside the caller's root folder, or `<dataDir>/datasets`. */
async function datasetDir(context: LabContext, id: string, root: string | undefined): Promise<string> {
  return datasetDirIn(await cacheRoot(context, root), id);
}

/**
 * Handlers of the dataset methods. Imports and downloads run in this process (sharp
 * decodes on the libuv pool), report `dataset.progress` events, and can be cancelled by
 * id; each `importId` maps to its AbortController while it runs.
 */
export function createDatasetHandlers(context: LabContext): Pick<LabHandlers, DatasetMethodName> {
  const running = new Map<string, AbortController>();

  const track = async <T>(importId: string | undefined, work: (importId: string, signal: AbortSignal) => Promise<T>): Promise<T> => {
    const id = importId ?? randomUUID();
    if (running.has(id)) throw new LabError('API_BAD_INPUT', `Expected an importId that is not already running. Received: importId=${JSON.stringify(id)}`, { field: 'importId', received: id });
    const controller = new AbortController();
    running.set(id, controller);
    try {
      return await work(id, controller.signal);
    } finally {
      running.delete(id);
    }
  };

  return {
    importDataset: (input) => track(input.importId, async (importId, signal) => {
      const source = await resolveAllowedPath(context, input.path);
      return importDataset(
        { path: source, kind: input.kind, name: input.name, classNames: input.classNames, options: input.options },
        { datasetsRoot: await cacheRoot(context, input.root), importId, signal, onProgress: (event) => context.emit(event), confine: (file) => resolveAllowedPath(context, file) },
      );
    }),

    adaptDataset: (input) => track(input.importId, async (importId, signal) => {
      const root = await cacheRoot(context, input.root);
      const source = await datasetDirIn(root, input.id);
      // Splits come from the source (every record keeps its own), so nothing is carved again.
      const options = { targetSize: input.targetSize, colorMode: input.colorMode, resizeMode: 'squash' as const, validationSplit: 0, testSplit: 0, seed: 1 };
      return importDataset({ path: source, kind: 'cache', options }, { datasetsRoot: root, importId, signal, onProgress: (event) => context.emit(event) });
    }),

    async cancelImport({ importId }) {
      const controller = running.get(importId);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },

    async listDatasets({ root }) {
      const dir = await cacheRoot(context, root);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const infos: DatasetInfo[] = [];
      for (const name of names.sort()) {
        if (name.startsWith('.')) continue;
        const info = await readDatasetInfo(path.join(dir, name)).catch(() => null);
        if (info) infos.push(info);
      }
      return infos;
    },

    async getDatasetInfo({ id, root }) {
      return readDatasetInfo(await datasetDir(context, id, root));
    },

    async getDatasetStats({ id, root }) {
      const dir = await datasetDir(context, id, root);
      const info = await readDatasetInfo(dir);
      const stored = JSON.parse(await fs.readFile(path.join(dir, CACHE_FILES.stats), 'utf8')) as StoredStats;
      return buildDatasetStats(info, stored);
    },

    async getSampleGrid({ id, root, perClass, split, minSize }) {
      return withCache(await datasetDir(context, id, root), (cache) => buildSampleGrid(cache, split, perClass, minSize));
    },

    async previewAugmentation({ id, root, record, count, augmentation, seed, minSize }) {
      return withCache(await datasetDir(context, id, root), (cache) => previewAugmentation(cache, record, count, augmentation, seed, minSize));
    },

    async renameClasses({ id, root, classes }) {
      return renameDatasetClasses(await datasetDir(context, id, root), classes);
    },

    async deleteDataset({ id, root }) {
      const dir = await datasetDir(context, id, root).catch((error: unknown) => {
        if (error instanceof LabError && error.code === 'DATASET_NOT_FOUND') return null;
        throw error;
      });
      if (!dir) return { deleted: false };
      await fs.rm(dir, { recursive: true, force: true });
      return { deleted: true };
    },

    async listBuiltinDatasets() {
      return listBuiltinDatasets(downloadsRoot(context));
    },

    downloadBuiltinDataset: (input) => track(input.importId, async (importId, signal) => {
      const onProgress = (event: Parameters<typeof context.emit>[0]): void => context.emit(event);
      const source = await locateBuiltin(input.id, downloadsRoot(context), { importId, signal, onProgress });
      return importDataset(
        { path: source.path, kind: source.kind, name: source.name, classNames: source.classNames, options: { resizeMode: 'squash', validationSplit: 0.1, testSplit: 0, seed: 1 }, sourceKind: input.id === 'fashion-mnist-sample' ? 'sample' : 'builtin', id: input.id },
        { datasetsRoot: await cacheRoot(context, input.root), importId, signal, onProgress },
      );
    }),
  };
}
