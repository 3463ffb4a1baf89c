import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FETCHING_MESSAGE, electronBinary, installElectron } from '../../../scripts/electronBinary.mjs';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("npm start's Electron download", () => {
  it('says the binary is missing, not that this is the first start, and why the download failed', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'electron-pkg-'));
    writeFileSync(path.join(dir, 'install.js'), "console.error('Error: getaddrinfo ENOTFOUND github.com'); process.exit(1);\n");
    const said: string[] = [];
    // Every start without the binary goes the same way: the message must be true each time.
    for (let start = 0; start < 2; start++) {
      expect(installElectron(dir, (line) => said.push(line))).toBe('downloading it failed (Error: getaddrinfo ENOTFOUND github.com)');
    }
    expect(said).toEqual([FETCHING_MESSAGE, FETCHING_MESSAGE]);
    expect(FETCHING_MESSAGE).not.toMatch(/first start/i);
    expect(electronBinary(dir)).toBeUndefined();
  });

  it('finds a downloaded binary through path.txt', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'electron-pkg-'));
    writeFileSync(path.join(dir, 'install.js'), "require('node:fs').mkdirSync('dist'); require('node:fs').writeFileSync('dist/electron', ''); require('node:fs').writeFileSync('path.txt', 'electron');\n");
    expect(installElectron(dir, () => undefined)).toBeUndefined();
    expect(electronBinary(dir)).toBe(path.join(dir, 'dist', 'electron'));
  });
});
