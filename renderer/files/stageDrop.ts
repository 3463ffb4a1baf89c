import type { LabClient } from '../../common/api/labApi';
import type { UploadFilesResult } from '../../common/api/methods/uploads';
import { IDX_IMAGES_FILE_NAME } from '../../common/files/datasetFiles';
import { safeFileName } from '../../common/files/fileNames';
import type { DropContents } from './readDrop';

/** Where the dropped things are on the lab's disk. */
export interface StagedDrop {
  /** The dropped folder (or the folder the files were uploaded to); null for loose files on the desktop. */
  folder: string | null;
  /** The absolute path of each of `contents.files`, in the same order. */
  paths: string[];
  /** True when the bytes were uploaded (browser mode) rather than found in place. */
  uploaded: boolean;
}

/** Upload progress: files and bytes sent so far, of all. */
export interface UploadProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** The desktop shell's file bridge (`window.labFiles`). */
export interface FilePathBridge {
  pathForFile(file: File): string | null;
}

/** How a drop is staged. */
export interface StageOptions {
  client: Pick<LabClient, 'uploadFiles'>;
  /** The desktop bridge; absent in browser mode. */
  bridge?: FilePathBridge | undefined;
  /** The open project: uploads go to its uploads/ folder. */
  projectDir?: string | undefined;
  onProgress?: (progress: UploadProgress) => void;
  /** Bytes per chunk and per call (defaults below); tests make them small. */
  chunkBytes?: number;
}

/** Bytes of one piece of a file, and the most bytes gathered into one `uploadFiles` call. */
export const UPLOAD_CHUNK_BYTES = 2 * 1024 * 1024;
/** Most pieces in one call, so a folder of many small files still reports progress often (and empty files cannot pile up). */
export const UPLOAD_CHUNKS_PER_CALL = 500;

/**
 * Gives the dropped files paths the lab can read. The desktop shell knows each File's real
 * path, so nothing is copied; a browser never tells it, so the files are uploaded through
 * `uploadFiles` in chunks into a staging folder named after the dropped folder.
 *
 * @throws LabError from `uploadFiles` (a path it refuses, sizes over its caps).
 */
export async function stageDrop(contents: DropContents, options: StageOptions): Promise<StagedDrop> {
  const inPlace = options.bridge ? pathsInPlace(contents, options.bridge) : null;
  if (inPlace) return inPlace;
  return upload(contents, options);
}

/** Joins a relative `/` path to a folder path with the folder's own separator. */
function joinPath(folder: string, relative: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const trimmed = folder.endsWith(separator) ? folder.slice(0, -1) : folder;
  return relative === '' ? trimmed : `${trimmed}${separator}${relative.split('/').join(separator)}`;
}

/** Real paths from the desktop bridge, or null when any top-level item has none (files made in the page). */
function pathsInPlace(contents: DropContents, bridge: FilePathBridge): StagedDrop | null {
  const itemPaths = new Map<string, string>();
  for (const item of contents.items) {
    const found = item.file ? bridge.pathForFile(item.file) : null;
    if (!found) return null;
    itemPaths.set(item.name, found);
  }
  const paths: string[] = [];
  for (const file of contents.files) {
    const [top = '', ...rest] = file.relativePath.split('/');
    const base = itemPaths.get(top);
    if (base === undefined) return null;
    paths.push(joinPath(base, rest.join('/')));
  }
  const [only] = contents.items;
  return { folder: contents.items.length === 1 && only?.kind === 'folder' ? (itemPaths.get(only.name) ?? null) : null, paths, uploaded: false };
}

/** A staging folder name the lab accepts: one segment without the characters it refuses. */
export function stagingName(contents: DropContents, now: Date = new Date()): string {
  const [only] = contents.items;
  const raw = contents.items.length === 1 && only ? (only.kind === 'folder' ? only.name : only.name.replace(/\.[^.]*$/, '')) : `drop-${now.toISOString().replace(/[:.]/g, '-')}`;
  return safeFileName(raw, 120, 'drop');
}

/** A Blob's bytes as base64 (FileReader encodes natively, without a string per byte). */
function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${blob instanceof File ? blob.name : 'a dropped file'}`));
    reader.readAsDataURL(blob);
  });
}

async function upload(contents: DropContents, options: StageOptions): Promise<StagedDrop> {
  const chunkBytes = options.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  const name = stagingName(contents);
  const uploadId = `drop-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const [only] = contents.items;
  // One dropped folder becomes the staging folder itself, so its class folders sit directly inside.
  const strip = contents.items.length === 1 && only?.kind === 'folder' ? `${only.name}/` : '';
  const totalBytes = contents.files.reduce((sum, file) => sum + file.file.size, 0);
  const progress: UploadProgress = { files: 0, totalFiles: contents.files.length, bytes: 0, totalBytes };
  options.onProgress?.({ ...progress });

  let batch: { path: string; size: number; offset: number; data: string }[] = [];
  let batchBytes = 0;
  let filesInBatch = 0;
  const send = async (done: boolean): Promise<UploadFilesResult> => {
    const result = await options.client.uploadFiles({ uploadId, name, projectDir: options.projectDir, chunks: batch, done });
    progress.files += filesInBatch;
    progress.bytes += batchBytes;
    batch = [];
    batchBytes = 0;
    filesInBatch = 0;
    options.onProgress?.({ ...progress });
    return result;
  };

  for (const { file, relativePath } of contents.files) {
    const path = strip !== '' && relativePath.startsWith(strip) ? relativePath.slice(strip.length) : relativePath;
    let offset = 0;
    do {
      const piece = file.slice(offset, Math.min(file.size, offset + chunkBytes));
      if ((batchBytes > 0 && batchBytes + piece.size > chunkBytes) || batch.length >= UPLOAD_CHUNKS_PER_CALL) await send(false);
      batch.push({ path, size: file.size, offset, data: await base64Of(piece) });
      batchBytes += piece.size;
      offset += piece.size;
    } while (offset < file.size);
    filesInBatch += 1;
  }
  const result = await send(true);
  return { folder: result.folder, paths: result.paths, uploaded: true };
}

/**
 * The one path `importDataset` reads for a staged drop: the folder when there is one; for
 * loose files on the desktop, the one IDX images file (its labels file is found beside it),
 * else the folder the files share.
 */
export function importSourceOf(staged: StagedDrop): string | null {
  if (staged.folder) return staged.folder;
  const images = staged.paths.filter((file) => IDX_IMAGES_FILE_NAME.test(file));
  if (images.length === 1) return images[0] ?? null;
  const parents = staged.paths.map((file) => file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'))));
  const [first] = parents;
  return first !== undefined && parents.every((parent) => parent === first) ? first : null;
}
