import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..', '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'serve-cli-'));
writeFileSync(path.join(work, 'index.html'), '<!doctype html><title>Model Lab</title>');
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('model-lab serve', () => {
  it('prints a tokenized loopback URL, refuses requests without the token, and stops on SIGINT', async () => {
    child = spawn(process.execPath, [path.join(root, 'bin', 'model-lab.mjs'), 'serve', '--static', work], {
      cwd: root,
      env: { ...process.env, MODEL_LAB_HOME: path.join(work, 'home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 45 s: ${output}`)), 45_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{48}\//.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      });
      child?.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    });
    const withToken = await fetch(url);
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain('Model Lab');
    expect((await fetch(url.replace(/\/[0-9a-f]{48}\/$/, '/'))).status).toBe(401);
    const exitCode = await new Promise<number | null>((resolve) => {
      child?.on('exit', (code) => resolve(code));
      child?.kill('SIGINT');
    });
    expect(exitCode).toBe(0);
  });
});
