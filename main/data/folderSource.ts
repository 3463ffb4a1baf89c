import fs from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { LabError } from '../../common/errors';
import type { ImportOptions } from '../../common/api/methods/datasets';
import type { Preprocessing } from '../../common/data/preprocessing';
import type { DatasetSplit, RecordSource } from './datasetCache';
import type { ImportPlan, PlannedRecord } from './importPlan';
import { isImageFileName } from '../../common/files/imageFiles';
import { decodeImageFile } from './decodePool';

/** Folder names that mark a split rather than a class (lower case). */
const SPLIT_FOLDERS: Record<string, DatasetSplit> = { train: 'train', training: 'train', validation: 'validation', val: 'validation', valid: 'validation', test: 'test', testing: 'test' };

/** Keras `image_dataset_from_directory` defaults. */
const FOLDER_DEFAULTS = { targetSize: [256, 256] as [number, number], colorMode: 'rgb' as const };

/** Python's `sorted()` order (code points), which Keras uses for class names. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function listEntries(dir: string): Promise<Dirent[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => byCodePoint(a.name, b.name));
}

/** Every file below `dir` (following the folder tree, sorted), as Keras walks class folders. */
async function walkFiles(dir: string, out: string[]): Promise<void> {
  for (const entry of await listEntries(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walkFiles(full, out);
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(full);
  }
}

/**
 * Plans an image folder import after Keras `image_dataset_from_directory`: one subfolder
 * per class (sorted by name), images anywhere below it. When the folder holds train/ (and
 * optionally validation/ or val/, test/) folders, each holds class folders and gives the
 * split. Files that are not images, are empty, or sit outside a class folder are listed
 * as skipped.
 *
 * @throws LabError `DATASET_EMPTY` when there is no class folder.
 */
export async function planFolderImport(root: string, options: ImportOptions, onScanned?: (files: number) => void): Promise<ImportPlan> {
  const preprocessing: Preprocessing = {
    targetSize: options.targetSize ?? FOLDER_DEFAULTS.targetSize,
    colorMode: options.colorMode ?? FOLDER_DEFAULTS.colorMode,
    resizeMode: options.resizeMode,
    scale: 1 / 255,
    offset: 0,
  };
  const skipped: ImportPlan['skipped'] = [];
  const top = await listEntries(root);
  const topDirs = top.filter((e) => e.isDirectory());
  const splitDirs = topDirs.filter((e) => SPLIT_FOLDERS[e.name.toLowerCase()] !== undefined);
  const useSplits = splitDirs.some((e) => SPLIT_FOLDERS[e.name.toLowerCase()] === 'train');
  // (split, class folder) pairs to read.
  const groups: Array<{ split: DatasetSplit | undefined; className: string; dir: string }> = [];
  for (const entry of top) {
    const full = path.join(root, entry.name);
    if (!entry.isDirectory()) {
      skipped.push({ path: full, reason: useSplits ? 'not inside a split folder' : 'not inside a class folder' });
      continue;
    }
    const split = useSplits ? SPLIT_FOLDERS[entry.name.toLowerCase()] : undefined;
    if (useSplits && split === undefined) {
      skipped.push({ path: full, reason: 'folder beside train/ that is not validation/, val/ or test/' });
      continue;
    }
    if (!useSplits) {
      groups.push({ split: undefined, className: entry.name, dir: full });
      continue;
    }
    for (const classEntry of await listEntries(full)) {
      const classPath = path.join(full, classEntry.name);
      if (classEntry.isDirectory()) groups.push({ split, className: classEntry.name, dir: classPath });
      else skipped.push({ path: classPath, reason: 'not inside a class folder' });
    }
  }
  const classes = [...new Set(groups.map((g) => g.className))].sort(byCodePoint);
  if (classes.length === 0) {
    throw new LabError('DATASET_EMPTY', `Expected one subfolder per class (or train/ with class subfolders). Received: path=${JSON.stringify(root)}`, { path: root });
  }
  const records: PlannedRecord[] = [];
  const sourceFiles: RecordSource[] = [];
  let scanned = 0;
  for (const group of groups) {
    const files: string[] = [];
    await walkFiles(group.dir, files);
    const label = classes.indexOf(group.className);
    // Stat a group's files together: one thread-pool round trip each, but overlapped.
    const stats = await Promise.all(files.map((file) => (isImageFileName(file) ? fs.stat(file).catch((error: Error) => error) : null)));
    files.forEach((file, k) => {
      scanned += 1;
      if (scanned % 256 === 0) onScanned?.(scanned);
      const stat = stats[k];
      if (stat === null || stat === undefined) {
        skipped.push({ path: file, reason: `unsupported file type "${path.extname(file) || '(none)'}"` });
        return;
      }
      if (stat instanceof Error) {
        skipped.push({ path: file, reason: `unreadable: ${stat.message}` });
        return;
      }
      if (stat.size === 0) {
        skipped.push({ path: file, reason: 'empty file' });
        return;
      }
      const source: RecordSource = { path: file, size: stat.size, mtimeMs: stat.mtimeMs };
      sourceFiles.push(source);
      records.push({ label, ...(group.split ? { split: group.split } : {}), source, load: (out) => decodeImageFile(file, preprocessing, out) });
    });
  }
  onScanned?.(scanned);
  return { kind: 'folder', name: path.basename(root), sourcePath: root, classes, preprocessing, records, skipped, sourceFiles, knownDataset: null };
}
