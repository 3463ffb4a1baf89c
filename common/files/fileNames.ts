/**
 * What a file or folder name may hold on every platform the lab runs on: the main side
 * refuses other names, the renderer makes names that pass.
 */

/** Control characters and the characters Windows forbids in names (`:` also opens an NTFS stream). */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const FORBIDDEN_NAME_CHARACTERS = /[\u0000-\u001f<>:"|?*]/;

/** Names Windows reserves for devices: a file so named cannot be created there, and on a share it would open the device instead. */
export const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * `raw` as one name the lab accepts: forbidden characters and separators become `_`,
 * trailing dots and spaces are dropped, and the result is cut to `maxLength`; `fallback`
 * when nothing is left.
 */
export function safeFileName(raw: string, maxLength: number, fallback: string): string {
  const cleaned = raw.replace(new RegExp(`${FORBIDDEN_NAME_CHARACTERS.source}|[\\\\/]`, 'g'), '_').replace(/[. ]+$/, '').slice(0, maxLength);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}
