import { z } from 'zod';
import { defineMethod } from '../method';

/** Largest file one drop may carry. */
export const MAX_UPLOAD_FILE_BYTES = 512 * 1024 * 1024;
/** Largest sum of file sizes in one drop. */
export const MAX_UPLOAD_TOTAL_BYTES = 4 * 1024 * 1024 * 1024;
/** Most files one drop may carry. */
export const MAX_UPLOAD_FILES = 100_000;
/**
 * Most bytes (decoded) one `uploadFiles` call may carry. Its base64 form (4/3 of it) stays
 * well below the WebSocket's 32 MiB message limit.
 */
export const MAX_UPLOAD_CALL_BYTES = 8 * 1024 * 1024;
/** Longest relative path of a dropped file, in characters. */
export const MAX_UPLOAD_PATH_LENGTH = 1024;

/** One piece of one dropped file. */
export const uploadChunkSchema = z.object({
  /** The file's path relative to the drop, `/`-separated (`cat/001.png`). */
  path: z.string().min(1).max(MAX_UPLOAD_PATH_LENGTH),
  /** The whole file's size in bytes; every chunk of a file repeats it. */
  size: z.number().int().min(0).max(MAX_UPLOAD_FILE_BYTES),
  /** Where this chunk starts; chunks of a file arrive in order, so it equals the bytes already received. */
  offset: z.number().int().min(0),
  /** The chunk's bytes, base64 (the wire carries JSON). */
  data: z.base64().max(Math.ceil(MAX_UPLOAD_CALL_BYTES / 3) * 4),
});

export const uploadFilesInputSchema = z.object({
  /** Chosen by the caller; ties the calls of one drop together. */
  uploadId: z.string().min(1).max(100),
  /** Name of the staging folder (one path segment): the dropped folder's name, or one the caller picks. */
  name: z.string().min(1).max(200),
  /** The open project: files go to `<projectDir>/uploads/<name>/`; without one, `<dataDir>/uploads/<name>/`. */
  projectDir: z.string().min(1).optional(),
  chunks: z.array(uploadChunkSchema).max(10_000).default([]),
  /** Set on the last call: checks every file arrived whole and ends the upload. */
  done: z.boolean().default(false),
});
export type UploadFilesInput = z.input<typeof uploadFilesInputSchema>;

export const uploadFilesResultSchema = z.object({
  /** The staging folder: import or predict from here. */
  folder: z.string(),
  /** Files and bytes received so far. */
  files: z.number().int(),
  bytes: z.number().int(),
  /** True once `done` was accepted. */
  complete: z.boolean(),
  /** When complete: every file's absolute path, in the order first received. */
  paths: z.array(z.string()),
});
export type UploadFilesResult = z.infer<typeof uploadFilesResultSchema>;

export const uploadMethods = {
  uploadFiles: defineMethod({
    description: 'Writes files dropped on a browser window, sent in chunks with their relative paths, into <project>/uploads/<name>/ (or the lab data folder); returns the folder.',
    input: uploadFilesInputSchema,
    output: uploadFilesResultSchema,
  }),
};
