import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LabError } from '../../common/errors';

/** Maps a Node file-system error to the LabError code a user can act on. */
export function ioError(error: unknown, file: string, action: string): LabError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new LabError('IO_DISK_FULL', `Expected free disk space to ${action}. Received: path=${JSON.stringify(file)}`, { path: file });
  if (code === 'EACCES' || code === 'EPERM') return new LabError('IO_PERMISSION', `Expected permission to ${action}. Received: path=${JSON.stringify(file)}`, { path: file });
  if (code === 'ENOENT') return new LabError('IO_NOT_FOUND', `Expected an existing file or folder to ${action}. Received: path=${JSON.stringify(file)}`, { path: file });
  return new LabError('IO_WRITE_FAILED', `Expected to ${action}: ${(error as Error).message}. Received: path=${JSON.stringify(file)}`, { path: file });
}

/**
 * Writes `data` to `file` so that readers see the old content or the new, never a
 * half-written file: write a temporary sibling, flush it, then rename over the target
 * (rename is atomic within one file system).
 *
 * @throws LabError `IO_DISK_FULL`, `IO_PERMISSION` or `IO_WRITE_FAILED`.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw ioError(error, file, 'write the file');
  }
}

/** Writes `value` as indented JSON, atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Appends one line to `file`. An append of one short line is all-or-nothing on local
 * file systems, so an append-only log survives a crash with every complete line intact.
 */
export async function appendLine(file: string, line: string): Promise<void> {
  try {
    await fs.appendFile(file, `${line}\n`);
  } catch (error) {
    throw ioError(error, file, 'append to the file');
  }
}
