import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli';
import { bufferIo } from '../../unit/main/cli/bufferIo';
import { useCliLabHomes } from '../cliLabHome';

const newLabHome = useCliLabHomes('cli-grid-');

describe('model-lab grid', () => {
  it('trains every combination one run after another, keeps the grid, and prints the results', async () => {
    const { home, graphFile } = await newLabHome();

    const io = bufferIo();
    const code = await main(['grid', graphFile, '--data', 'synthetic', '--lr', '0.01,0.001', '--batch', '16', '--epochs', '1', '--backend', 'cpu'], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/Grid search grid-\S+: 2 combinations, 1 to train\./);
    expect(io.stdout).toMatch(/run 2 of 2/);
    expect(io.stdout.match(/Epoch 1\/1 - /g)).toHaveLength(2);
    expect(io.stdout).toMatch(/Grid search grid-\S+ completed/);
    expect(io.stdout).toMatch(/grid adam lr=0.01 bs=16\s+completed/);
    expect(io.stdout).toMatch(/grid adam lr=0.001 bs=16\s+completed/);

    const list = bufferIo();
    expect(await main(['runs', 'list', '--json'], list)).toBe(0);
    const runs = JSON.parse(list.stdout) as { name: string; status: string; createdAt: string }[];
    expect(runs.map((run) => [run.name, run.status]).sort()).toEqual([['grid adam lr=0.001 bs=16', 'completed'], ['grid adam lr=0.01 bs=16', 'completed']]);
    const grids = await fs.readdir(path.join(home, 'grids'));
    expect(grids).toHaveLength(1);
  }, 120_000);

  it('refuses a malformed value list, naming the option', async () => {
    const io = bufferIo();
    expect(await main(['grid', 'mlp', '--data', 'x', '--batch', '16,abc'], io)).toBe(1);
    expect(io.stderr).toMatch(/API_BAD_INPUT.*--batch/);
  });
});
