import { LabError, received } from '../../common/errors';
import { MAX_UPLOAD_PATH_LENGTH } from '../../common/api/methods/uploads';
import { FORBIDDEN_NAME_CHARACTERS, WINDOWS_DEVICE_NAME } from '../../common/files/fileNames';

/**
 * Splits a dropped file's relative path into safe segments. Both `/` and `\` separate
 * segments (a drop from Windows may use either); the path must stay inside the staging
 * folder on every platform, so absolute paths, drive letters, `.`/`..` segments, empty
 * segments, reserved device names and characters Windows forbids are refused rather than
 * rewritten, which would silently merge two files into one.
 *
 * @param relativePath the path the caller sent, e.g. `cat/001.png`.
 * @returns its segments, e.g. `['cat', '001.png']`.
 * @throws LabError `API_PATH_DENIED` naming the path.
 */
export function safeRelativeSegments(relativePath: string): string[] {
  const refuse = (why: string): never => {
    throw new LabError('API_PATH_DENIED', `Expected a relative path inside the dropped folder (${why}). ${received('path', relativePath)}`, { path: relativePath, field: 'path' });
  };
  if (relativePath.length === 0 || relativePath.length > MAX_UPLOAD_PATH_LENGTH) refuse(`1 to ${MAX_UPLOAD_PATH_LENGTH} characters`);
  if (/^[\\/]/.test(relativePath)) refuse('not absolute');
  if (/^[A-Za-z]:/.test(relativePath)) refuse('no drive letter');
  const segments = relativePath.split(/[\\/]/);
  for (const segment of segments) {
    if (segment === '') refuse('no empty segment');
    if (segment === '.' || segment === '..') refuse('no "." or ".." segment');
    if (FORBIDDEN_NAME_CHARACTERS.test(segment)) refuse('no control characters or any of <>:"|?*');
    if (WINDOWS_DEVICE_NAME.test(segment)) refuse('no device name such as CON or NUL');
    if (/[. ]$/.test(segment)) refuse('no segment ending in a dot or space');
  }
  return segments;
}

/**
 * Checks the staging folder's name: one safe segment (the dropped folder's own name).
 *
 * @throws LabError `API_PATH_DENIED` naming it.
 */
export function safeFolderName(name: string): string {
  const segments = safeRelativeSegments(name);
  if (segments.length !== 1) {
    throw new LabError('API_PATH_DENIED', `Expected a folder name without separators. ${received('name', name)}`, { path: name, field: 'name' });
  }
  return name;
}
