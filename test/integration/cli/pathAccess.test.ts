import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { main } from '../../../main/cli';
import { defaultLabOptions } from '../../../main/api/defaultOptions';
import { isInside } from '../../../main/install/isInside';
import { encodeIdx } from '../../../main/data/idx';
import { createWsClient, type WsLabClient } from '../../../renderer/api/wsClient';
import { LabError } from '../../../common/errors';
import { bufferIo } from '../../unit/main/cli/bufferIo';

const repo = path.resolve(__dirname, '..', '..', '..');
const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'path-access-')));
/** The user's home, temporary and data folders are elsewhere, so `disk` lies outside every default root. */
const env = { HOME: path.join(work, 'home'), TMPDIR: path.join(work, 'tmp'), MODEL_LAB_HOME: path.join(work, 'lab') };
const disk = path.join(work, 'second-disk');
const digits = path.join(disk, 'digits');
const secret = path.join(work, 'secret');
const staticDir = path.join(work, 'static');
const saved: Record<string, string | undefined> = {};
const children: ChildProcess[] = [];

beforeAll(() => {
  for (const dir of [env.HOME, env.TMPDIR, digits, secret, staticDir]) mkdirSync(dir, { recursive: true });
  // 20 images of 4x4 pixels, labels 0 and 1 alternating: a tiny MNIST-shaped dataset.
  writeFileSync(path.join(digits, 'train-images-idx3-ubyte'), encodeIdx([20, 4, 4], Uint8Array.from({ length: 320 }, (_, i) => (i * 7) % 256)));
  writeFileSync(path.join(digits, 'train-labels-idx1-ubyte'), encodeIdx([20], Uint8Array.from({ length: 20 }, (_, i) => i % 2)));
  writeFileSync(path.join(secret, 'notes.txt'), 'secret');
  symlinkSync(secret, path.join(digits, 'escape'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Model Lab</title>');
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(work, { recursive: true, force: true });
});

/** Starts `model-lab serve` in its own process; resolves with its printed output so far and a client on its socket. */
async function startServe(args: string[], extraEnv: Record<string, string> = {}): Promise<{ output: () => string; client: WsLabClient }> {
  const child = spawn(process.execPath, [path.join(repo, 'bin', 'model-lab.mjs'), 'serve', '--static', staticDir, ...args], {
    cwd: repo,
    env: { ...process.env, ...env, MODEL_LAB_ALLOW: '', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 60 s: ${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\S*)[\s\S]*Press Ctrl\+C/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[1] as string));
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
  // The page is served below its access token (/<token>/), and so is the socket.
  const client = createWsClient({ url: `ws://${url.host}${url.pathname.replace(/\/?$/, '/')}api`, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
  return { output: () => output, client };
}

async function failureOf(call: Promise<unknown>): Promise<LabError> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LabError);
  return error as LabError;
}

describe('the command line reaches any folder the user can read', () => {
  it('imports a dataset from a folder outside every default root', async () => {
    expect(defaultLabOptions().allowedRoots.some((root) => isInside(path.resolve(root), digits))).toBe(false);
    const io = bufferIo();
    expect(await main(['data', 'import', digits, '--json'], io), io.stderr).toBe(0);
    const result = JSON.parse(io.stdout) as { info: { source: { path: string }; classes: string[]; splits: { train: number; validation: number; test: number } } };
    expect(result.info.source.path).toBe(digits);
    expect(result.info.classes).toEqual(['0', '1']);
    expect(result.info.splits.train + result.info.splits.validation + result.info.splits.test).toBe(20);
  });
});

describe('browser mode keeps the fence', () => {
  it('refuses a folder outside its roots, saying how to add it', async () => {
    const { client } = await startServe([]);
    try {
      const error = await failureOf(client.importDataset({ path: digits }));
      expect(error.code).toBe('API_PATH_DENIED');
      expect(error.message).toContain('model-lab serve --allow DIR');
      expect((await client.listDirectory({})).entries.map((entry) => entry.path)).not.toContain(digits);
    } finally {
      client.close();
    }
  }, 90_000);

  it('serves a folder named by --allow or MODEL_LAB_ALLOW, prints it at start-up and lists it in the pickers; traversal and symlinks stay refused', async () => {
    const { client, output } = await startServe(['--allow', digits], { MODEL_LAB_ALLOW: path.join(work, 'home') });
    try {
      expect(output()).toMatch(new RegExp(`Folders the page may read and write[^\\n]*\\n(    .*\\n)*    ${digits.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
      const roots = (await client.listDirectory({})).entries.map((entry) => entry.path);
      expect(roots).toEqual(expect.arrayContaining([digits, path.join(work, 'home')]));
      const imported = await client.importDataset({ path: digits });
      expect(imported.info.source.path).toBe(digits);
      for (const attempt of [disk, path.join(digits, '..', '..', 'secret'), path.join(digits, 'escape'), path.join(digits, 'escape', 'notes.txt')]) {
        expect((await failureOf(client.listDirectory({ path: attempt }))).code, attempt).toBe('API_PATH_DENIED');
      }
    } finally {
      client.close();
    }
  }, 90_000);

  it('stops at start-up on an --allow folder that does not exist', async () => {
    const io = bufferIo();
    expect(await main(['serve', '--static', staticDir, '--allow', path.join(work, 'no-such-folder')], io)).toBe(1);
    expect(io.stderr).toContain('error [API_BAD_INPUT]: Expected --allow to name an existing folder.');
  });
});
