/**
 * Path pieces for paths of either platform (`/` or `\`), without Node's `path`: the
 * renderer handles paths the main side sends, and the main side's rules live in common/.
 */

/** The last segment of a path (either separator; trailing separators ignored). */
export function baseName(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1) || trimmed;
}

/** The folder part of a path (either separator); `/` for a folder at the root. */
export function parentPath(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut <= 0 ? trimmed.slice(0, cut + 1) || '/' : trimmed.slice(0, cut);
}

/**
 * A file name's extension, lower case and without the dot (`PNG` -> `png`); empty when
 * there is none. As Node's `path.extname`, a leading dot starts a hidden name, not an
 * extension (`.png` has none, `..png` has `png`).
 */
export function fileExtension(name: string): string {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}
