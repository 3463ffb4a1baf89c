import fs from 'node:fs/promises';
import path from 'node:path';
import type { LabHandlers, LabParsedInput } from '../../common/api/labApi';
import {
  MAX_UPLOAD_CALL_BYTES,
  MAX_UPLOAD_FILES,
  MAX_UPLOAD_TOTAL_BYTES,
  type UploadFilesResult,
} from '../../common/api/methods/uploads';
import { LabError, received } from '../../common/errors';
import type { LabContext } from './labContext';
import { isInside } from '../install/isInside';
import { resolveAllowedPath } from './paths';
import { ioError } from '../project/atomicWrite';
import { safeFolderName, safeRelativeSegments } from './uploadPath';

/** Folder under a project (or the data folder) that holds dropped files. */
export const UPLOADS_FOLDER = 'uploads';

/** An upload that has not been called for this long is abandoned: its folder is removed. */
export const UPLOAD_IDLE_MS = 15 * 60 * 1000;

interface StagedFile {
  absolute: string;
  size: number;
  written: number;
  /** False until the first chunk created the file. */
  created: boolean;
}

interface Upload {
  /** The staging folder's real path; two uploads may not share it. */
  folder: string;
  /** By relative path, in the order first received. */
  files: Map<string, StagedFile>;
  declaredBytes: number;
  bytes: number;
  touchedAt: number;
}

/**
 * Handler of `uploadFiles`: a browser never tells the page where a dropped file lives, so
 * browser mode sends the files themselves, in chunks, and they are written to a staging
 * folder the other methods (importDataset, predictImages, importModel) can read. Calls of
 * one upload run one after another; a failed call abandons the upload and removes its folder,
 * so a half-written drop is never imported.
 *
 * @param now the clock that ages idle uploads (tests pass their own).
 */
export function createUploadHandlers(context: LabContext, now: () => number = Date.now): Pick<LabHandlers, 'uploadFiles'> {
  const uploads = new Map<string, Upload>();
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier call of the same upload. */
  function serially<T>(uploadId: string, work: () => Promise<T>): Promise<T> {
    const result = (queues.get(uploadId) ?? Promise.resolve()).then(work);
    const settled = result.catch(() => undefined);
    queues.set(uploadId, settled);
    void settled.then(() => {
      if (queues.get(uploadId) === settled) queues.delete(uploadId);
    });
    return result;
  }

  async function abandon(uploadId: string): Promise<void> {
    const upload = uploads.get(uploadId);
    uploads.delete(uploadId);
    if (upload) await fs.rm(upload.folder, { recursive: true, force: true });
  }

  async function pruneIdle(): Promise<void> {
    for (const [uploadId, upload] of uploads) {
      if (now() - upload.touchedAt > UPLOAD_IDLE_MS) await abandon(uploadId);
    }
  }

  /** Claims the staging folder for `uploadId` and creates it empty. */
  async function begin(uploadId: string, input: LabParsedInput<'uploadFiles'>): Promise<Upload> {
    const name = safeFolderName(input.name);
    const base = input.projectDir === undefined ? context.options.dataDir : await projectFolder(context, input.projectDir);
    await fs.mkdir(path.join(base, UPLOADS_FOLDER), { recursive: true });
    // The real uploads folder is checked before anything is removed in it, so a link
    // planted there cannot point the removal outside the allowed folders.
    const folder = path.join(await resolveAllowedPath(context, path.join(base, UPLOADS_FOLDER)), name);
    if ([...uploads.values()].some((upload) => upload.folder === folder)) {
      throw new LabError('API_BAD_INPUT', `Expected no other upload into the same folder at the same time. ${received('name', input.name)}`, { field: 'name', path: folder });
    }
    // Claimed before the next await, so a concurrent upload of the same name sees it.
    const upload: Upload = { folder, files: new Map(), declaredBytes: 0, bytes: 0, touchedAt: now() };
    uploads.set(uploadId, upload);
    // A new drop of the same name replaces the previous one: its files were copies.
    try {
      await fs.rm(folder, { recursive: true, force: true });
      await fs.mkdir(folder, { recursive: true });
    } catch (error) {
      throw ioError(error, folder, 'prepare the folder for the dropped files');
    }
    return upload;
  }

  async function receive(uploadId: string, input: LabParsedInput<'uploadFiles'>): Promise<UploadFilesResult> {
    await pruneIdle();
    const callBytes = input.chunks.reduce((sum, chunk) => sum + base64Length(chunk.data), 0);
    if (callBytes > MAX_UPLOAD_CALL_BYTES) {
      throw new LabError('API_BAD_INPUT', `Expected at most ${MAX_UPLOAD_CALL_BYTES} bytes in one uploadFiles call. ${received('bytes', callBytes)}`, { field: 'chunks', received: callBytes });
    }
    const upload = uploads.get(uploadId) ?? (await begin(uploadId, input));
    upload.touchedAt = now();
    for (const chunk of input.chunks) {
      const segments = safeRelativeSegments(chunk.path);
      const key = segments.join('/');
      let file = upload.files.get(key);
      if (!file) {
        if (upload.files.size + 1 > MAX_UPLOAD_FILES) {
          throw new LabError('API_BAD_INPUT', `Expected at most ${MAX_UPLOAD_FILES} files in one drop. ${received('path', chunk.path)}`, { path: chunk.path, received: upload.files.size + 1 });
        }
        if (upload.declaredBytes + chunk.size > MAX_UPLOAD_TOTAL_BYTES) {
          throw new LabError('API_BAD_INPUT', `Expected at most ${MAX_UPLOAD_TOTAL_BYTES} bytes in one drop. ${received('path', chunk.path)}`, { path: chunk.path, received: upload.declaredBytes + chunk.size });
        }
        const absolute = path.join(upload.folder, ...segments);
        // safeRelativeSegments already refuses every way out; this guards the join itself.
        if (!isInside(upload.folder, absolute)) throw new LabError('API_PATH_DENIED', `Expected a path inside the dropped folder. ${received('path', chunk.path)}`, { path: chunk.path });
        file = { absolute, size: chunk.size, written: 0, created: false };
        upload.files.set(key, file);
        upload.declaredBytes += chunk.size;
      }
      await writeChunk(file, chunk, key);
      upload.bytes += base64Length(chunk.data);
    }
    if (!input.done) return { folder: upload.folder, files: upload.files.size, bytes: upload.bytes, complete: false, paths: [] };

    if (upload.files.size === 0) throw new LabError('DATASET_EMPTY', `Expected at least one file in the drop. ${received('name', input.name)}`, { path: upload.folder });
    for (const [key, file] of upload.files) {
      if (file.written !== file.size) {
        throw new LabError('API_BAD_INPUT', `Expected every file of the drop whole before done: ${key} has ${file.written} of ${file.size} bytes. ${received('path', key)}`, { path: key, received: file.written });
      }
    }
    uploads.delete(uploadId);
    return { folder: upload.folder, files: upload.files.size, bytes: upload.bytes, complete: true, paths: [...upload.files.values()].map((file) => file.absolute) };
  }

  return {
    uploadFiles: (input) => serially(input.uploadId, async () => {
      try {
        return await receive(input.uploadId, input);
      } catch (error) {
        await abandon(input.uploadId);
        throw error;
      }
    }),
  };
}

/** The project folder, which must exist and lie inside the allowed roots. */
async function projectFolder(context: LabContext, projectDir: string): Promise<string> {
  const dir = await resolveAllowedPath(context, projectDir);
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) throw new LabError('PROJECT_NOT_FOUND', `Expected an existing project folder to upload into. ${received('projectDir', projectDir)}`, { path: projectDir, field: 'projectDir' });
  return dir;
}

/** Appends one chunk to its file; chunks of a file arrive in order and never pass its size. */
async function writeChunk(file: StagedFile, chunk: { path: string; size: number; offset: number; data: string }, key: string): Promise<void> {
  if (chunk.size !== file.size) {
    throw new LabError('API_BAD_INPUT', `Expected every chunk of ${key} to repeat its size ${file.size}. ${received('size', chunk.size)}`, { path: chunk.path, field: 'size', received: chunk.size });
  }
  if (chunk.offset !== file.written) {
    throw new LabError('API_BAD_INPUT', `Expected the chunk of ${key} at offset ${file.written}. ${received('offset', chunk.offset)}`, { path: chunk.path, field: 'offset', received: chunk.offset });
  }
  const bytes = Buffer.from(chunk.data, 'base64');
  if (file.written + bytes.length > file.size) {
    throw new LabError('API_BAD_INPUT', `Expected at most ${file.size} bytes for ${key}. ${received('bytes', file.written + bytes.length)}`, { path: chunk.path, received: file.written + bytes.length });
  }
  // A file and a folder of the drop sharing one name fail here (EEXIST, ENOTDIR) as a write failure naming the path.
  const writeFailure = (error: unknown): never => {
    throw ioError(error, chunk.path, 'write the dropped file');
  };
  if (!file.created) {
    await fs.mkdir(path.dirname(file.absolute), { recursive: true }).catch(writeFailure);
    // `wx`: never overwrite, so two names one file system treats alike cannot merge silently.
    await fs.writeFile(file.absolute, bytes, { flag: 'wx' }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new LabError('API_BAD_INPUT', `Expected each file of the drop once. ${received('path', chunk.path)}`, { path: chunk.path });
      writeFailure(error);
    });
    file.created = true;
  } else {
    await fs.appendFile(file.absolute, bytes).catch(writeFailure);
  }
  file.written += bytes.length;
}

/** Decoded length of a valid base64 string, without decoding it. */
function base64Length(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}
