import { IDX_FILE_NAME, isCifarFileName } from '../../common/files/datasetFiles';
import { IMAGE_EXTENSIONS, isImageFileName } from '../../common/files/imageFiles';
import { baseName, fileExtension } from '../../common/files/paths';
import type { DropContents } from './readDrop';

/** What a dropped file is, judged by its name. */
export type DroppedFileKind = 'image' | 'idx' | 'cifar' | 'model' | 'model-weights' | 'other';

/** What a view does with a drop it accepts: the data source kind to import, or the file to open. */
export type DropPlan =
  | { ok: true; kind: 'folder' | 'idx' | 'cifar10'; label: string }
  | { ok: true; kind: 'images'; label: string; count: number }
  | { ok: true; kind: 'model'; label: string; modelFile: string }
  | { ok: false; message: string };

const MODEL_FILE = /\.(h5|hdf5|keras|json)$/i;

/** Judges one file by its name: images by extension, IDX and CIFAR-10 by their standard names, models by extension. */
export function kindOfFileName(name: string): DroppedFileKind {
  const base = baseName(name);
  if (isImageFileName(base)) return 'image';
  if (IDX_FILE_NAME.test(base)) return 'idx';
  if (isCifarFileName(base)) return 'cifar';
  if (MODEL_FILE.test(base)) return 'model';
  // TF.js weight shards (group1-shard1of2.bin) travel with their model.json.
  if (fileExtension(base) === 'bin') return 'model-weights';
  return 'other';
}

/** "flowers" or "cat.png and 3 more", for messages and progress labels. */
export function describeDrop(contents: DropContents): string {
  const [first] = contents.items;
  if (!first) return 'the drop';
  return contents.items.length === 1 ? first.name : `${first.name} and ${contents.items.length - 1} more`;
}

/** The message for a drop that held no file at all. */
function emptyMessage(contents: DropContents, expected: string): string {
  const folder = contents.items.find((item) => item.kind === 'folder');
  return folder ? `The folder "${folder.name}" is empty: ${expected}.` : `The drop held no files: ${expected}.`;
}

/**
 * What the Data view imports from a drop: one folder (image classes, IDX files or CIFAR-10
 * batches) or loose IDX / CIFAR-10 files. Single images, models and other files are
 * refused with a message naming the file.
 */
export function planDatasetDrop(contents: DropContents): DropPlan {
  const expected = 'drop a folder with one sub-folder of images per class, IDX files or CIFAR-10 batches';
  if (contents.files.length === 0) return { ok: false, message: emptyMessage(contents, expected) };
  const folders = contents.items.filter((item) => item.kind === 'folder');
  const kinds = contents.files.map((file) => kindOfFileName(file.relativePath));
  const label = describeDrop(contents);
  if (folders.length === 1 && contents.items.length === 1) {
    if (kinds.includes('idx')) return { ok: true, kind: 'idx', label };
    if (kinds.includes('cifar')) return { ok: true, kind: 'cifar10', label };
    if (kinds.includes('image')) return { ok: true, kind: 'folder', label };
    return { ok: false, message: `The folder "${label}" holds no images, IDX files or CIFAR-10 batches (first file: ${contents.files[0]?.relativePath ?? '—'}): ${expected}.` };
  }
  if (folders.length > 1) return { ok: false, message: `Expected one folder at a time. Received: ${folders.map((folder) => folder.name).join(', ')}.` };
  for (const [index, file] of contents.files.entries()) {
    const kind = kinds[index];
    const name = file.relativePath;
    if (kind === 'image') return { ok: false, message: `${name} is a single image: ${expected}.` };
    if (kind === 'model' || kind === 'model-weights') return { ok: false, message: `${name} is a model file: drop it on the Design view to open it.` };
    if (kind !== 'idx' && kind !== 'cifar') return { ok: false, message: `Cannot import ${name}: ${expected}.` };
  }
  if (kinds.every((kind) => kind === 'idx')) return { ok: true, kind: 'idx', label };
  if (kinds.every((kind) => kind === 'cifar')) return { ok: true, kind: 'cifar10', label };
  return { ok: false, message: `Expected IDX files or CIFAR-10 batches, not both. Received: ${label}.` };
}

/** What the predict panel classifies: image files, loose or in folders; anything else is refused by name. */
export function planImageDrop(contents: DropContents): DropPlan {
  const expected = `drop image files (${IMAGE_EXTENSIONS.join(', ')})`;
  if (contents.files.length === 0) return { ok: false, message: emptyMessage(contents, expected) };
  const other = contents.files.find((file) => kindOfFileName(file.relativePath) !== 'image');
  if (other) return { ok: false, message: `Cannot classify ${other.relativePath}: ${expected}.` };
  return { ok: true, kind: 'images', label: describeDrop(contents), count: contents.files.length };
}

/**
 * What the Design view opens: one Keras .h5/.keras file, a model.to_json() file or a TF.js
 * model.json (its weight shards may come along, or the folder holding them all).
 */
export function planModelDrop(contents: DropContents): DropPlan {
  const expected = 'drop a Keras .h5 or .keras file, a model.to_json() file or a TF.js model.json with its weight files';
  if (contents.files.length === 0) return { ok: false, message: emptyMessage(contents, expected) };
  const models = contents.files.filter((file) => kindOfFileName(file.relativePath) === 'model');
  const stray = contents.files.find((file) => !['model', 'model-weights'].includes(kindOfFileName(file.relativePath)));
  if (stray) {
    const elsewhere = ['image', 'idx', 'cifar'].includes(kindOfFileName(stray.relativePath)) ? ' Images and datasets are dropped on the Data view, images to classify on Evaluate.' : '';
    return { ok: false, message: `Cannot open ${stray.relativePath} as a model: ${expected}.${elsewhere}` };
  }
  // A TF.js folder may hold other JSON beside model.json; model.json is the one to open.
  const chosen = models.length === 1 ? models[0] : models.find((file) => baseName(file.relativePath) === 'model.json');
  if (!chosen) {
    return models.length === 0
      ? { ok: false, message: `Cannot open ${contents.files[0]?.relativePath ?? 'the drop'} as a model: ${expected}.` }
      : { ok: false, message: `Expected one model file at a time. Received: ${models.map((file) => file.relativePath).join(', ')}.` };
  }
  return { ok: true, kind: 'model', label: baseName(chosen.relativePath), modelFile: chosen.relativePath };
}
