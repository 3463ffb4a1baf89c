import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
// npm's own range semantics (semver is in the tree through npm's tooling; no types are published with it).
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

describe('package.json engines', () => {
  it('the oldest Node the project accepts satisfies every installed package, so a clean install prints no EBADENGINE warning', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const oldest = semver.minVersion(pkg.engines.node)?.version ?? '';
    expect(oldest).toMatch(/^20\./);
    const refusing = Object.entries(lock.packages).flatMap(([location, entry]) => {
      const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      return range === undefined || semver.satisfies(oldest, range) ? [] : [`${location.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} wants node ${range}`];
    });
    expect(refusing).toEqual([]);
  });
});
