import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../../common/errors';
import { CIFAR_META, CIFAR_TEST_BATCH, CIFAR_TRAIN_BATCH, IDX_IMAGES_FILE_NAME } from '../../common/files/datasetFiles';
import type { ImportOptions } from '../../common/api/methods/datasets';
import type { Preprocessing } from '../../common/data/preprocessing';
import type { DatasetSplit, RecordSource } from './datasetCache';
import type { ImportPlan, PlannedRecord } from './importPlan';
import { checkIdxPair, readIdxFile } from './idx';
import { CIFAR10_CLASSES, parseCifarBatch, parseCifarMeta } from './cifar';
import { preprocessRawPixels } from './preprocess';
import { KNOWN_FILES, recogniseDataset, type FileBytes, type KnownFile, type Recognition } from './knownDatasets';

async function statSource(file: string): Promise<RecordSource> {
  const stat = await fs.stat(file);
  return { path: file, size: stat.size, mtimeMs: stat.mtimeMs };
}

/** True when `dir` holds IDX image files (the MNIST layout). */
export async function looksLikeIdx(target: string): Promise<boolean> {
  const stat = await fs.stat(target);
  if (stat.isFile()) return IDX_IMAGES_FILE_NAME.test(path.basename(target));
  return (await fs.readdir(target)).some((name) => IDX_IMAGES_FILE_NAME.test(name));
}

/** The CIFAR-10 batch folder at or directly below `target`, or null. */
export async function findCifarDir(target: string): Promise<string | null> {
  const stat = await fs.stat(target);
  if (!stat.isDirectory()) return null;
  for (const dir of [target, path.join(target, 'cifar-10-batches-bin')]) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    if (names.some((n) => CIFAR_TRAIN_BATCH.test(n) || n === CIFAR_TEST_BATCH)) return dir;
  }
  return null;
}

function rawPreprocessing(options: ImportOptions, height: number, width: number, channels: number): Preprocessing {
  return {
    targetSize: options.targetSize ?? [height, width],
    colorMode: options.colorMode ?? (channels === 1 ? 'grayscale' : 'rgb'),
    resizeMode: options.resizeMode,
    scale: 1 / 255,
    offset: 0,
  };
}

function rawRecord(images: Uint8Array, index: number, height: number, width: number, channels: number, label: number, split: DatasetSplit, preprocessing: Preprocessing): PlannedRecord {
  const bytes = height * width * channels;
  return {
    label,
    split,
    load: async () => ({
      pixels: await preprocessRawPixels(images.subarray(index * bytes, (index + 1) * bytes), width, height, channels, preprocessing),
      originalWidth: width,
      originalHeight: height,
    }),
  };
}

function resolveClassNames(given: readonly string[] | undefined, fallback: readonly string[], labelCount: number, source: string): string[] {
  const names = [...(given ?? fallback)];
  if (names.length < labelCount) {
    throw new LabError('API_BAD_INPUT', `Expected at least ${labelCount} class names (labels go up to ${labelCount - 1}). Received: classNames=${JSON.stringify(names)} for ${source}`, { field: 'classNames', received: names });
  }
  return names;
}

/**
 * Plans an IDX import (MNIST, Fashion-MNIST): `target` is a folder with
 * `<prefix>images-idx3-ubyte[.gz]` and matching `<prefix>labels-idx1-ubyte[.gz]` files, or
 * one images file. Files starting with `t10k` or `test` form the test split.
 *
 * @throws LabError `DATASET_IDX_MAGIC`, `DATASET_IDX_COUNT`, `DATASET_BAD_FILE` for a bad
 *   pair, `DATASET_NOT_FOUND` when a labels file is missing.
 */
export async function planIdxImport(target: string, options: ImportOptions, classNames?: string[], knownFiles: readonly KnownFile[] = KNOWN_FILES): Promise<ImportPlan> {
  const stat = await fs.stat(target);
  const dir = stat.isFile() ? path.dirname(target) : target;
  const names = stat.isFile() ? [path.basename(target)] : (await fs.readdir(dir)).sort();
  const records: PlannedRecord[] = [];
  const sourceFiles: RecordSource[] = [];
  let shape: [number, number] | null = null;
  let maxLabel = -1;
  let maxLabelFile = '';
  const labelCounts = new Uint32Array(256);
  let preprocessing: Preprocessing | null = null;
  const contents: FileBytes[] = [];
  for (const name of names) {
    const match = IDX_IMAGES_FILE_NAME.exec(name);
    if (!match) continue;
    const imagesFile = path.join(dir, name);
    const prefix = match[1] ?? '';
    const ext = match[2] ?? '';
    const candidates = [`${prefix}labels-idx1-ubyte${ext}`, `${prefix}labels.idx1-ubyte${ext}`, `${prefix}labels-idx1-ubyte`, `${prefix}labels-idx1-ubyte.gz`];
    let labelsFile: string | null = null;
    for (const candidate of candidates) {
      if (await fs.access(path.join(dir, candidate)).then(() => true, () => false)) {
        labelsFile = path.join(dir, candidate);
        break;
      }
    }
    if (!labelsFile) {
      throw new LabError('DATASET_NOT_FOUND', `Expected a labels file beside ${name}. Received: path=${JSON.stringify(path.join(dir, candidates[0]!))}`, { path: path.join(dir, candidates[0]!) });
    }
    const images = await readIdxFile(imagesFile, 3);
    const labels = await readIdxFile(labelsFile, 1);
    checkIdxPair(images, labels, imagesFile, labelsFile);
    contents.push(images, labels);
    const [count, height, width] = images.dims as [number, number, number];
    if (shape && (shape[0] !== height || shape[1] !== width)) {
      throw new LabError('DATASET_BAD_FILE', `Expected every IDX file of a dataset to have ${shape[0]}x${shape[1]} images. Received: ${height}x${width} in ${imagesFile}`, { path: imagesFile });
    }
    shape = [height, width];
    preprocessing ??= rawPreprocessing(options, height, width, 1);
    const split: DatasetSplit = /^(t10k|test)/i.test(prefix) ? 'test' : 'train';
    for (let i = 0; i < count; i++) {
      const label = labels.data[i]!;
      labelCounts[label] = (labelCounts[label] ?? 0) + 1;
      if (label > maxLabel) {
        maxLabel = label;
        maxLabelFile = labelsFile;
      }
      records.push(rawRecord(images.data, i, height, width, 1, label, split, preprocessing));
    }
    sourceFiles.push(await statSource(imagesFile), await statSource(labelsFile));
  }
  if (!preprocessing || records.length === 0) {
    throw new LabError('DATASET_EMPTY', `Expected IDX files named like train-images-idx3-ubyte[.gz]. Received: path=${JSON.stringify(target)}`, { path: target });
  }
  const warnings = checkLabelRange(labelCounts, maxLabel, maxLabelFile, classNames);
  // Recognised by content, not by folder name: a copy in ~/data/clothes is still Fashion-MNIST.
  const recognised = recogniseDataset(contents, knownFiles);
  const fallback = recognised?.dataset.classes ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  const classes = resolveClassNames(classNames, fallback, maxLabel + 1, target);
  return { kind: 'idx', name: path.basename(stat.isFile() ? dir : target), sourcePath: target, classes, preprocessing, records, skipped: [], sourceFiles, knownDataset: knownDatasetOf(recognised), warnings };
}

/**
 * Labels are class indices, so labels 0..max make max + 1 classes. A label far above
 * the others (255 as a "missing" marker, a corrupt byte) would make most classes empty
 * and the model's output layer that much wider: more empty classes than classes with
 * images is refused unless class names for every label were given. Fewer empty classes
 * import with a warning naming them.
 *
 * @returns the warnings for the import report.
 * @throws LabError `DATASET_BAD_FILE` naming the labels file holding the largest label.
 */
function checkLabelRange(labelCounts: Uint32Array, maxLabel: number, maxLabelFile: string, classNames: string[] | undefined): string[] {
  const implied = maxLabel + 1;
  const empty = Array.from({ length: implied }, (_, label) => label).filter((label) => labelCounts[label] === 0);
  if (empty.length === 0) return [];
  const present = implied - empty.length;
  const asked = classNames !== undefined && classNames.length >= implied;
  if (empty.length > present && !asked) {
    throw new LabError(
      'DATASET_BAD_FILE',
      `Expected labels 0 to n-1 for n classes: the labels have ${present} distinct labels but go up to ${maxLabel} (${labelCounts[maxLabel]} image(s) labelled ${maxLabel}), which would make ${implied} classes, ${empty.length} of them empty. Fix the labels, or give classNames with ${implied} names to import them as they are. Received: maxLabel=${maxLabel} in ${maxLabelFile}`,
      { path: maxLabelFile, field: 'labels', received: { maxLabel, distinctLabels: present } },
    );
  }
  const listed = empty.length <= 10 ? empty.join(', ') : `${empty.slice(0, 10).join(', ')}, …`;
  return [`${empty.length} of the ${implied} labels have no images (label${empty.length === 1 ? '' : 's'} ${listed}): ${empty.length === 1 ? 'that class stays' : 'those classes stay'} empty, and the model cannot learn ${empty.length === 1 ? 'it' : 'them'}.`];
}

/**
 * Plans a CIFAR-10 binary import: `data_batch_*.bin` (train), `test_batch.bin` (test)
 * and `batches.meta.txt` (class names) in `target` or its `cifar-10-batches-bin/`.
 *
 * @throws LabError `DATASET_CIFAR_TRUNCATED` for a partial record, `DATASET_EMPTY` when no
 *   batch file is there.
 */
export async function planCifarImport(target: string, options: ImportOptions, classNames?: string[], knownFiles: readonly KnownFile[] = KNOWN_FILES): Promise<ImportPlan> {
  const dir = await findCifarDir(target);
  if (!dir) {
    throw new LabError('DATASET_EMPTY', `Expected CIFAR-10 batches (data_batch_1.bin ... test_batch.bin). Received: path=${JSON.stringify(target)}`, { path: target });
  }
  const names = (await fs.readdir(dir)).sort();
  const preprocessing = rawPreprocessing(options, 32, 32, 3);
  const records: PlannedRecord[] = [];
  const sourceFiles: RecordSource[] = [];
  const contents: FileBytes[] = [];
  for (const name of names.filter((n) => CIFAR_TRAIN_BATCH.test(n) || n === CIFAR_TEST_BATCH)) {
    const file = path.join(dir, name);
    const bytes = await fs.readFile(file);
    const batch = parseCifarBatch(bytes, file);
    contents.push({ raw: bytes, content: bytes });
    const split: DatasetSplit = name === CIFAR_TEST_BATCH ? 'test' : 'train';
    for (let i = 0; i < batch.labels.length; i++) records.push(rawRecord(batch.images, i, 32, 32, 3, batch.labels[i]!, split, preprocessing));
    sourceFiles.push(await statSource(file));
  }
  let metaNames: string[] | undefined;
  if (names.includes(CIFAR_META)) {
    const metaFile = path.join(dir, CIFAR_META);
    metaNames = parseCifarMeta(await fs.readFile(metaFile, 'utf8'));
    sourceFiles.push(await statSource(metaFile));
  }
  const recognised = recogniseDataset(contents, knownFiles);
  // The names the files carry (batches.meta.txt) win; any batches in CIFAR-10's format have its ten labels.
  const classes = resolveClassNames(classNames ?? metaNames, recognised?.dataset.classes ?? CIFAR10_CLASSES, 10, target);
  return { kind: 'cifar10', name: path.basename(path.dirname(dir) === target ? target : dir), sourcePath: dir, classes, preprocessing, records, skipped: [], sourceFiles, knownDataset: knownDatasetOf(recognised) };
}

function knownDatasetOf(recognised: Recognition | null): ImportPlan['knownDataset'] {
  return recognised ? { id: recognised.dataset.id, name: recognised.dataset.name, match: recognised.match } : null;
}
