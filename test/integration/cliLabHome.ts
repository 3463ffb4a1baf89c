import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { syntheticDataset, tinyGraph, writeDatasetCache } from '../unit/main/engine/train/datasetFixture';

/** A lab home the CLI uses: the `synthetic` dataset in its cache and the tiny graph as a file. */
export interface CliLabHome {
  home: string;
  /** `tiny.json`, the tiny classifier's graph. */
  graphFile: string;
}

/**
 * For the CLI tests of one file: returns a function that makes a fresh lab home and points
 * MODEL_LAB_HOME at it. After each test the variable is restored and the homes removed.
 */
export function useCliLabHomes(prefix: string): (options?: { examples?: number }) => Promise<CliLabHome> {
  const saved = process.env['MODEL_LAB_HOME'];
  const homes: string[] = [];
  afterEach(async () => {
    if (saved === undefined) delete process.env['MODEL_LAB_HOME'];
    else process.env['MODEL_LAB_HOME'] = saved;
    for (const home of homes.splice(0)) await fs.rm(home, { recursive: true, force: true });
  });
  return async (options = {}) => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    homes.push(home);
    process.env['MODEL_LAB_HOME'] = home;
    await writeDatasetCache(path.join(home, 'datasets', 'synthetic'), syntheticDataset({ count: options.examples ?? 96 }));
    const graphFile = path.join(home, 'tiny.json');
    await fs.writeFile(graphFile, JSON.stringify(tinyGraph()));
    return { home, graphFile };
  };
}
