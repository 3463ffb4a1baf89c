import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../../main/data/idx';

const repo = path.resolve(__dirname, '..', '..', '..');
const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'outside-repo-')));
/** The user's own folder: no package.json, no node_modules. */
const cwd = path.join(work, 'my-project');
const env = { ...process.env, HOME: path.join(work, 'home'), MODEL_LAB_HOME: path.join(work, 'lab') };

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs `model-lab …` by its path, from the user's folder. */
function modelLab(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(repo, 'bin', 'model-lab.mjs'), ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('model-lab run from a folder outside its install', () => {
  it('imports a dataset and trains: the training process finds its TypeScript loader', () => {
    const digits = path.join(cwd, 'digits');
    mkdirSync(digits, { recursive: true });
    // 24 images of 28x28, labels 0 and 1 alternating: an MNIST-shaped dataset.
    writeFileSync(path.join(digits, 'train-images-idx3-ubyte'), encodeIdx([24, 28, 28], Uint8Array.from({ length: 24 * 784 }, (_, i) => (i * 7) % 256)));
    writeFileSync(path.join(digits, 'train-labels-idx1-ubyte'), encodeIdx([24], Uint8Array.from({ length: 24 }, (_, i) => i % 2)));
    const imported = modelLab('data', 'import', digits, '--json');
    expect(imported.status, imported.output).toBe(0);
    const listed = modelLab('data', 'list', '--json');
    const id = (JSON.parse(listed.output) as Array<{ id: string }>)[0]?.id;
    expect(id).toBeDefined();
    const trained = modelLab('train', 'mlp', '--data', id as string, '--epochs', '1', '--batch', '8', '--backend', 'cpu');
    expect(trained.output).not.toContain('ERR_MODULE_NOT_FOUND');
    expect(trained.status, trained.output).toBe(0);
    expect(trained.output).toMatch(/Trained 1 epoch/);
  });
});
