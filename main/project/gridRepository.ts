import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../../common/errors';
import { gridSearchSchema, type GridSearch } from '../../common/training/gridSearch';
import { writeJsonAtomic } from './atomicWrite';
import { readJsonFile } from './readJsonFile';
import { isStoredId, newStoredId, requireStoredId } from './storedIds';

/**
 * Grid searches on disk: one `<grid id>.json` per grid in a project's `grids/` folder (or
 * the lab's, for grids outside a project).
 */

/** A new grid search id: sortable by creation time, unique across processes. */
export function newGridId(now = new Date()): string {
  return newStoredId('grid', now);
}

/**
 * The file of grid search `gridId` under `gridsRoot`.
 *
 * @throws LabError `API_BAD_INPUT` for an id that is not a plain file name.
 */
export function gridFileOf(gridsRoot: string, gridId: string): string {
  return path.join(gridsRoot, `${requireStoredId(gridId, 'gridId', 'grid search')}.json`);
}

/** Writes a grid search to its file, atomically, creating the folder. */
export async function writeGridSearch(gridsRoot: string, grid: GridSearch): Promise<void> {
  await fs.mkdir(gridsRoot, { recursive: true });
  await writeJsonAtomic(gridFileOf(gridsRoot, grid.id), gridSearchSchema.parse(grid));
}

/**
 * Reads a grid search.
 *
 * @throws LabError `GRID_NOT_FOUND` when there is no such file, `IO_BAD_FORMAT` when it is damaged.
 */
export async function readGridSearch(gridsRoot: string, gridId: string): Promise<GridSearch> {
  const file = gridFileOf(gridsRoot, gridId);
  return readJsonFile(file, gridSearchSchema, {
    name: path.basename(file),
    content: 'a valid grid search',
    missing: () => new LabError('GRID_NOT_FOUND', `Expected a grid search with this id. Received: gridId=${JSON.stringify(gridId)}`, { field: 'gridId', received: gridId, path: file }),
  });
}

/** The ids of every grid search under `gridsRoot`. */
export async function listGridIds(gridsRoot: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(gridsRoot);
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.endsWith('.json')).map((entry) => entry.slice(0, -'.json'.length)).filter(isStoredId);
}
