import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json, with resources/ beside it: the checkout when run from
 * the sources, the app folder when packaged. Two levels above this file, which is also
 * where it lands from the bundles scripts/build.mjs writes (dist/electron/*.mjs).
 */
export function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}
