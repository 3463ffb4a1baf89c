import path from 'node:path';
import { promises as fs } from 'node:fs';
import { LabError, received } from '../../common/errors';
import type { LabContext } from './labContext';

/**
 * Resolves `requested` to an absolute, symlink-free path and checks that it lies inside
 * one of `context.options.allowedRoots`. Every handler that touches a user-named file goes
 * through here, so `../` tricks and symlinks pointing out of the roots are refused the same
 * way on every transport. A path that does not exist yet (a save target) is checked through
 * its nearest existing ancestor.
 *
 * @param context the service context holding the allowed roots.
 * @param requested a path from the caller; relative paths resolve against the working directory.
 * @returns the real absolute path (with the not-yet-existing tail appended).
 * @throws LabError `API_PATH_DENIED` when the path is empty, holds a NUL byte or leaves the roots.
 */
export async function resolveAllowedPath(context: LabContext, requested: string): Promise<string> {
  if (typeof requested !== 'string' || requested.length === 0 || requested.includes('\0')) {
    throw new LabError('API_PATH_DENIED', `Expected a non-empty file path without NUL bytes. ${received('path', requested)}`, { path: String(requested) });
  }
  const real = await realpathAllowingMissing(path.resolve(requested));
  const roots = await allowedRealRoots(context);
  if (!roots.some((root) => isInside(root, real))) {
    throw new LabError(
      'API_PATH_DENIED',
      `Expected a path inside the allowed folders (${context.options.allowedRoots.join(', ')}). ${received('path', requested)}`,
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

/** True when `candidate` is `root` itself or below it. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

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
