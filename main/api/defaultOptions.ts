import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../install/installFolder';
import type { LabOptions } from './labContext';

/** Options for a user's machine: data under ~/.model-lab (or MODEL_LAB_HOME), home as allowed root. */
export function defaultLabOptions(): LabOptions & { version: string } {
  const dataDir = process.env['MODEL_LAB_HOME'] ?? path.join(os.homedir(), '.model-lab');
  return {
    dataDir,
    allowedRoots: [os.homedir(), os.tmpdir(), dataDir, repoRoot()],
    backend: process.env['MODEL_LAB_BACKEND'],
    version: packageVersion(),
  };
}

/** package.json's `license` (shown in the About dialog). */
export function packageLicense(): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { license?: string };
  return pkg.license ?? 'UNLICENSED';
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
