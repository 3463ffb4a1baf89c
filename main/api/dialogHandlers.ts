import path from 'node:path';
import { promises as fs } from 'node:fs';
import { LabError, received } from '../../common/errors';
import type { LabHandlers } from '../../common/api/labApi';
import type { DirectoryEntry, ListDirectoryOutput } from '../../common/api/methods/dialogs';
import type { LabContext } from './labContext';
import { allowedRealRoots, resolveAllowedPath } from './paths';

/** A folder listing stops here so a huge folder cannot stall the picker. */
const MAX_DIRECTORY_ENTRIES = 5000;

const NO_NATIVE_DIALOG = 'This window has no native file dialog (browser mode); pick a file inside the allowed folders instead.';

/**
 * Handlers of the dialog methods. Native dialogs come from `context.options.dialogs`
 * (the desktop shell); without one they answer `unsupported` with the allowed roots, and
 * the page falls back to its own picker built on `listDirectory`.
 */
export function createDialogHandlers(context: LabContext): Pick<LabHandlers, 'showOpenDialog' | 'showSaveDialog' | 'listDirectory'> {
  return {
    async showOpenDialog(input) {
      const provider = context.options.dialogs;
      if (!provider) return { status: 'unsupported', reason: NO_NATIVE_DIALOG, roots: await allowedRealRoots(context) };
      return provider.showOpenDialog(input);
    },
    async showSaveDialog(input) {
      const provider = context.options.dialogs;
      if (!provider) return { status: 'unsupported', reason: NO_NATIVE_DIALOG, roots: await allowedRealRoots(context) };
      return provider.showSaveDialog(input);
    },
    listDirectory: (input) => listDirectory(context, input.path, input.extensions, input.showHidden),
  };
}

/**
 * Lists one folder inside the allowed roots, folders first then files, each sorted by
 * name. Without `requested` it lists the roots themselves.
 *
 * @throws LabError `API_PATH_DENIED` outside the roots, `IO_NOT_FOUND` when the folder is missing.
 */
export async function listDirectory(
  context: LabContext,
  requested: string | undefined,
  extensions: string[] | undefined,
  showHidden: boolean,
): Promise<ListDirectoryOutput> {
  const roots = await allowedRealRoots(context);
  if (requested === undefined) {
    return { path: null, parent: null, entries: roots.map((root) => ({ name: root, path: root, kind: 'directory' as const })) };
  }
  const folder = await resolveAllowedPath(context, requested);
  let dirents;
  try {
    dirents = await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LabError('IO_NOT_FOUND', `Expected an existing folder. ${received('path', requested)}`, { path: requested });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new LabError('IO_PERMISSION', `Expected a readable folder. ${received('path', requested)}`, { path: requested });
    }
    throw error;
  }
  const wanted = extensions?.map((ext) => ext.replace(/^\./, '').toLowerCase());
  const entries: DirectoryEntry[] = [];
  for (const dirent of dirents) {
    if (entries.length >= MAX_DIRECTORY_ENTRIES) break;
    if (!showHidden && dirent.name.startsWith('.')) continue;
    const full = path.join(folder, dirent.name);
    const isDirectory = dirent.isDirectory() || (dirent.isSymbolicLink() && (await isDirectoryTarget(full)));
    if (isDirectory) {
      entries.push({ name: dirent.name, path: full, kind: 'directory' });
      continue;
    }
    if (!dirent.isFile() && !dirent.isSymbolicLink()) continue;
    if (wanted && !wanted.includes('*') && !wanted.includes(path.extname(dirent.name).slice(1).toLowerCase())) continue;
    const stat = await fs.stat(full).catch(() => undefined);
    if (!stat) continue;
    entries.push({ name: dirent.name, path: full, kind: 'file', size: stat.size, modifiedAt: stat.mtime.toISOString() });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'directory' ? -1 : 1));
  const parent = roots.includes(folder) ? null : path.dirname(folder);
  return { path: folder, parent, entries };
}

async function isDirectoryTarget(full: string): Promise<boolean> {
  const stat = await fs.stat(full).catch(() => undefined);
  return stat?.isDirectory() ?? false;
}
