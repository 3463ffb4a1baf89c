import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the training process entry module: `trainingEntry.ts` beside this file
 * in the sources, `trainingEntry.mjs` beside the bundle this file is built into
 * (dist/electron/main.mjs) in built and packaged apps.
 */
export function trainingEntryPath(): string {
  const self = fileURLToPath(import.meta.url);
  return path.join(path.dirname(self), `trainingEntry${path.extname(self)}`);
}
