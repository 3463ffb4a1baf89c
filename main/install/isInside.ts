import path from 'node:path';

/**
 * True when `candidate` is `root` itself or below it (both resolved paths). Here, at the
 * bottom of main/, so that readers of every layer (formats, api, server) share one rule.
 */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
