import fs from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
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

/**
 * Where the lab may read a linked file: its real path, or a thrown `API_PATH_DENIED`
 * (the caller's path policy, `resolveAllowedPath`). Without one, links are followed.
 */
export type ConfineLink = (file: string) => Promise<string>;

/** Why a link to a folder is skipped: only real folders are walked, so a link cannot lead the import elsewhere. */
const LINKED_FOLDER = 'a symbolic link to a folder: folders are not followed through links (import the folder it points to, or copy it here)';

/** A file found in a class folder; `link` when it is a symbolic link, whose target is checked before it is read. */
interface FoundFile {
  path: string;
  link: boolean;
}

/** True when `entry` is a symbolic link to a folder. */
async function isLinkedFolder(entry: Dirent, full: string): Promise<boolean> {
  return entry.isSymbolicLink() && (await fs.stat(full).then((stat) => stat.isDirectory(), () => false));
}

/**
 * Every file below `dir` (following the folder tree, sorted), as Keras walks class
 * folders; links to folders are listed as skipped, not followed.
 */
async function walkFiles(dir: string, out: FoundFile[], skipped: ImportPlan['skipped']): Promise<void> {
  for (const entry of await listEntries(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walkFiles(full, out, skipped);
    else if (await isLinkedFolder(entry, full)) skipped.push({ path: full, reason: LINKED_FOLDER });
    else if (entry.isFile() || entry.isSymbolicLink()) out.push({ path: full, link: entry.isSymbolicLink() });
  }
}

/**
 * The path to read a found file from: itself, or for a link its target when `confine`
 * allows it. The reason a link is refused never names its target.
 */
async function readablePath(found: FoundFile, confine: ConfineLink | undefined): Promise<string | { refused: string }> {
  if (!found.link) return found.path;
  try {
    return confine ? await confine(found.path) : await fs.realpath(found.path);
  } catch (error) {
    if (error instanceof LabError && error.code === 'API_PATH_DENIED') return { refused: 'a link to a file outside the allowed folders' };
    return { refused: 'a link to a file that does not exist' };
  }
}

/**
 * Plans an image folder import after Keras `image_dataset_from_directory`: one subfolder
 * per class (sorted by name), images anywhere below it. When the folder holds train/ (and
 * optionally validation/ or val/, test/) folders, each holds class folders and gives the
 * split. Files that are not images, are empty, or sit outside a class folder are listed
 * as skipped, as are links to folders and links `confine` refuses (see `ConfineLink`).
 *
 * @throws LabError `DATASET_EMPTY` when there is no class folder.
 */
export async function planFolderImport(root: string, options: ImportOptions, onScanned?: (files: number) => void, confine?: ConfineLink): Promise<ImportPlan> {
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
    if (await isLinkedFolder(entry, full)) {
      skipped.push({ path: full, reason: LINKED_FOLDER });
      continue;
    }
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
      else skipped.push({ path: classPath, reason: (await isLinkedFolder(classEntry, classPath)) ? LINKED_FOLDER : 'not inside a class folder' });
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
    const found: FoundFile[] = [];
    await walkFiles(group.dir, found, skipped);
    const label = classes.indexOf(group.className);
    // Check and stat a group's files together: one thread-pool round trip each, but overlapped.
    const readable = await Promise.all(found.map((file) => (isImageFileName(file.path) ? readablePath(file, confine) : null)));
    const stats = await Promise.all(readable.map((where) => (typeof where === 'string' ? fs.stat(where).catch((error: Error) => error) : null)));
    found.forEach(({ path: file }, k) => {
      scanned += 1;
      if (scanned % 256 === 0) onScanned?.(scanned);
      const where = readable[k];
      if (where === null || where === undefined) {
        skipped.push({ path: file, reason: `unsupported file type "${path.extname(file) || '(none)'}"` });
        return;
      }
      if (typeof where !== 'string') {
        skipped.push({ path: file, reason: where.refused });
        return;
      }
      const stat = stats[k] as Stats | Error;
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
      records.push({ label, ...(group.split ? { split: group.split } : {}), source, load: (out) => decodeImageFile(where, preprocessing, out) });
    });
  }
  onScanned?.(scanned);
  return { kind: 'folder', name: path.basename(root), sourcePath: root, classes, preprocessing, records, skipped, sourceFiles, knownDataset: null };
}
