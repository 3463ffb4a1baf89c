import path from 'node:path';
import { promises as fs } from 'node:fs';
import { LabError, received } from '../../common/errors';
import type { LabContext } from './labContext';
import { listRecentProjects } from '../project/recentProjects';
import { isInside } from '../install/isInside';

/**
 * How far the paths a caller names may reach; the transport decides, once, when it
 * creates the service.
 *
 * - `open`: any path the operating system lets this process read or write. The CLI and
 *   other in-process callers are the user at their own shell: a fence would only refuse
 *   their own datasets on a second disk.
 * - `fenced`: only paths inside `LabOptions.allowedRoots`. Browser mode (callers may be
 *   remote, on a page that holds the token) and the desktop renderer (whose fence widens by
 *   what the user picks in native dialogs, opens, drops or opened before).
 *
 * In both modes a path is resolved to its real, symlink-free form first, and empty paths
 * and NUL bytes are refused, so `../` tricks and symlinks are judged by where they lead.
 */
export type PathMode = 'open' | 'fenced';

/** The mode of a context: fenced unless its transport asked for open access. */
export function pathModeOf(context: LabContext): PathMode {
  return context.options.pathMode ?? 'fenced';
}

/**
 * Resolves `requested` to an absolute, symlink-free path and, in fenced mode, checks that
 * it lies inside one of `context.options.allowedRoots`. Every handler that touches a
 * user-named file goes through here, so `../` tricks and symlinks pointing out of the roots
 * are refused the same way on every transport. A path that does not exist yet (a save
 * target) is checked through its nearest existing ancestor.
 *
 * @param context the service context holding the mode and the allowed roots.
 * @param requested a path from the caller; relative paths resolve against the working directory.
 * @returns the real absolute path (with the not-yet-existing tail appended).
 * @throws LabError `API_PATH_DENIED` when the path is empty, holds a NUL byte or, fenced, leaves the roots.
 */
export async function resolveAllowedPath(context: LabContext, requested: string): Promise<string> {
  if (typeof requested !== 'string' || requested.length === 0 || requested.includes('\0')) {
    throw new LabError('API_PATH_DENIED', `Expected a non-empty file path without NUL bytes. ${received('path', requested)}`, { path: String(requested) });
  }
  const real = await realpathAllowingMissing(path.resolve(requested));
  if (pathModeOf(context) === 'open') return real;
  const roots = await allowedRealRoots(context);
  if (!roots.some((root) => isInside(root, real))) {
    const hint = context.options.fenceHint ? ` ${context.options.fenceHint}` : '';
    throw new LabError(
      'API_PATH_DENIED',
      `Expected a path inside the allowed folders (${context.options.allowedRoots.join(', ')}).${hint} ${received('path', requested)}`,
      { path: requested, field: 'path' },
    );
  }
  return real;
}

/** The allowed roots as real paths; roots that do not exist are left out (nothing can be inside them). */
export async function allowedRealRoots(context: LabContext): Promise<string[]> {
  const roots: string[] = [];
  for (const root of context.options.allowedRoots) {
    try {
      roots.push(await fs.realpath(path.resolve(root)));
    } catch {
      // A missing root (e.g. a data folder not yet created) allows nothing.
    }
  }
  return [...new Set(roots)];
}

/**
 * Widens a fenced context by one folder or file: what the desktop user picked in a native
 * dialog, opened, dropped, or opened in an earlier session. Open contexts need nothing.
 */
export function allowRoot(context: LabContext, root: string): void {
  const absolute = path.resolve(root);
  if (!context.options.allowedRoots.includes(absolute)) context.options.allowedRoots.push(absolute);
}

/**
 * Folders named for browser mode: every `--allow DIR` and the entries of `MODEL_LAB_ALLOW`
 * (separated like PATH: `:` on POSIX, `;` on Windows), made absolute, without repeats.
 *
 * @throws LabError `API_BAD_INPUT` naming a folder that does not exist or is a file, so a
 *   typo is caught at start-up rather than as a refused path later.
 */
export async function browserAllowList(flags: readonly string[], env: string | undefined): Promise<string[]> {
  const named = [...flags.map((dir) => ({ dir, from: '--allow' })), ...(env ?? '').split(path.delimiter).filter((dir) => dir.trim() !== '').map((dir) => ({ dir, from: 'MODEL_LAB_ALLOW' }))];
  const out: string[] = [];
  for (const { dir, from } of named) {
    const absolute = path.resolve(dir);
    const stat = await fs.stat(absolute).catch(() => null);
    if (!stat?.isDirectory()) {
      throw new LabError('API_BAD_INPUT', `Expected ${from} to name an existing folder. ${received('path', dir)}`, { field: from, path: dir });
    }
    if (!out.includes(absolute)) out.push(absolute);
  }
  return out;
}

/** What a refused browser-mode caller is told to do. */
export const BROWSER_FENCE_HINT = 'To serve another folder, restart with `model-lab serve --allow DIR` or add it to MODEL_LAB_ALLOW.';

/** What a refused desktop caller is told to do. */
export const DESKTOP_FENCE_HINT = 'Choose it in a file dialog, open it from the File menu, or drop it on the window.';

async function realpathAllowingMissing(absolute: string): Promise<string> {
  const missingTail: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return missingTail.length === 0 ? real : path.join(real, ...missingTail.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missingTail.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Widens a fenced context by the projects of the recent list that still exist, so the
 * desktop app reopens a project on another disk after a restart as it did before.
 */
export async function allowRecentProjects(context: LabContext): Promise<void> {
  for (const project of await listRecentProjects(context.options.dataDir)) {
    if (project.exists) allowRoot(context, project.dir);
  }
}
