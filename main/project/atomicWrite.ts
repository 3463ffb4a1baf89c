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

/** The temporary sibling a file is written to before it is renamed over `file`. */
function temporarySibling(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** True when `file` exists and is neither a regular file, a folder nor a link: a device, pipe or socket. */
async function isSpecialFile(file: string): Promise<boolean> {
  const stat = await fs.lstat(file).catch(() => null);
  return stat !== null && !stat.isFile() && !stat.isDirectory() && !stat.isSymbolicLink();
}

/** Writes and flushes `data` to a new file at `temp`. */
async function writeFlushed(temp: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to `file` so that readers see the old content or the new, never a
 * half-written file: write a temporary sibling, flush it, then rename over the target
 * (rename is atomic within one file system).
 *
 * @throws LabError `IO_DISK_FULL`, `IO_PERMISSION` or `IO_WRITE_FAILED`.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([{ file, data }]);
}

/**
 * Writes several files that belong together (a model.json and its weights, a model card
 * and its Markdown) the way `writeFileAtomic` writes one: every file is written in full
 * beside its target first, and only then are they renamed into place, in the given
 * order. A failure before the renames leaves every target as it was and no temporary
 * file behind.
 *
 * @throws LabError `IO_DISK_FULL`, `IO_PERMISSION` or `IO_WRITE_FAILED` naming the file.
 */
export async function writeFilesAtomic(files: readonly { file: string; data: string | Uint8Array }[]): Promise<void> {
  const staged: { file: string; temp: string }[] = [];
  let current = files[0]?.file ?? '';
  try {
    for (const { file, data } of files) {
      current = file;
      await fs.mkdir(path.dirname(file), { recursive: true });
      if (await isSpecialFile(file)) {
        // A device or pipe (/dev/stdout, a FIFO) is written to, never replaced by a regular file.
        await fs.writeFile(file, data);
        continue;
      }
      const temp = temporarySibling(file);
      staged.push({ file, temp });
      await writeFlushed(temp, data);
    }
    for (const { file, temp } of staged) {
      current = file;
      await fs.rename(temp, file);
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => fs.rm(temp, { force: true }).catch(() => undefined)));
    throw ioError(error, current, 'write the file');
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
