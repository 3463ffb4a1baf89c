import path from 'node:path';
import { LabError, received } from '../../common/errors';
import type { DatasetInfo } from '../../common/api/methods/datasets';
import type { Evaluation } from '../../common/training/evaluation';
import type { RunDataset } from '../../common/training/runSpec';
import { writeJsonAtomic } from '../project/atomicWrite';
import { CACHE_FILES, readDatasetInfo } from './datasetCache';

/**
 * Renames the classes of the dataset in `dir`: one name per label, in label order. Only
 * the names change: labels, records and the fingerprint stay, so the dataset's runs still
 * match it and pick the new names up (see `currentClassNames`), and a re-import of the
 * unchanged source keeps them.
 *
 * @throws LabError `API_BAD_INPUT` when the count differs from the dataset's or a name
 *   repeats; `DATASET_NOT_FOUND` when there is no dataset in `dir`.
 */
export async function renameDatasetClasses(dir: string, classes: readonly string[]): Promise<DatasetInfo> {
  const info = await readDatasetInfo(dir);
  const names = classes.map((name) => name.trim());
  if (names.length !== info.classes.length) {
    throw new LabError('API_BAD_INPUT', `Expected ${info.classes.length} class names for ${info.name}, one per label. ${received('classes', names)}`, { field: 'classes', received: names });
  }
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new LabError('API_BAD_INPUT', `Expected every class name of ${info.name} once. ${received('repeated', repeated)}`, { field: 'classes', received: repeated });
  }
  const renamed: DatasetInfo = { ...info, classes: names };
  await writeJsonAtomic(path.join(dir, CACHE_FILES.info), renamed);
  return renamed;
}

/**
 * The class names a run shows: its dataset's current names when the dataset is still the
 * one it trained on (same fingerprint and class count), so a rename reaches the run's
 * evaluation, exports and model card; otherwise the names recorded when the run started.
 */
export async function currentClassNames(dataset: RunDataset): Promise<string[]> {
  const info = await readDatasetInfo(dataset.cacheDir).catch(() => null);
  if (info && info.fingerprint === dataset.fingerprint && info.classes.length === dataset.classes.length) return [...info.classes];
  return [...dataset.classes];
}

/** A saved evaluation shown with `names` (class count unchanged); other names than saved only when a rename happened since. */
export function withClassNames(evaluation: Evaluation, names: readonly string[]): Evaluation {
  if (names.length !== evaluation.classes.length) return evaluation;
  return { ...evaluation, classes: [...names], perClass: evaluation.perClass.map((row, index) => ({ ...row, className: names[index] ?? row.className })) };
}
