import { LabError, received } from '../../common/errors';

/**
 * Turns a failed write into the error the user can act on: no permission
 * (`IO_PERMISSION`), a full disk (`IO_DISK_FULL`), or any other write failure.
 */
export function writeError(error: unknown, filePath: string): LabError {
  if (error instanceof LabError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new LabError('IO_PERMISSION', `Expected a location Model Lab may write to. ${received('path', filePath)}`, { path: filePath, errno: code });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new LabError('IO_DISK_FULL', `Expected free disk space for the export; the disk is full. ${received('path', filePath)}`, { path: filePath, errno: code });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LabError('IO_WRITE_FAILED', `Expected to write the export file (${message}). ${received('path', filePath)}`, { path: filePath, ...(code ? { errno: code } : {}) });
}

/**
 * JSON kept inside a model file (a config attribute, an archive member).
 *
 * @param what where the text sits, for the message: `the model_config attribute`
 * @throws LabError `IO_BAD_FORMAT` naming the file, where the text sits and the parse error.
 */
export function parseJsonText(text: string, what: string, filePath: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LabError('IO_BAD_FORMAT', `Expected JSON in ${what} (${(error as Error).message}). ${received('path', filePath)}`, { path: filePath, field: what });
  }
}
