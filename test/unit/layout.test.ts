import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Naming rules of the source tree that lint cannot state: what a folder holds, what a name means. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every source file under `folder`, relative to the repository root. */
function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

describe('source layout', () => {
  it('renderer/composables/ holds only composables: useX.ts exporting useX', () => {
    for (const file of sourceFiles('renderer/composables')) {
      const name = path.basename(file, '.ts');
      expect(name, file).toMatch(/^use[A-Z]\w*$/);
      expect(readFileSync(path.join(root, file), 'utf8'), file).toMatch(new RegExp(`export function ${name}\\b`));
    }
  });

  it('renderer/stores/ holds only Pinia stores: xStore.ts exporting useXStore', () => {
    for (const file of sourceFiles('renderer/stores')) {
      const name = path.basename(file, '.ts');
      expect(name, file).toMatch(/^[a-z]\w*Store$/);
      expect(readFileSync(path.join(root, file), 'utf8'), file).toMatch(new RegExp(`export const use${name[0]?.toUpperCase()}${name.slice(1)} = defineStore\\(`));
    }
  });

  it('"store" names a Pinia store only: on-disk files are kept by repositories', () => {
    const elsewhere = ['common', 'main', 'electron', 'renderer'].flatMap(sourceFiles).filter((file) => !file.startsWith(`renderer${path.sep}stores${path.sep}`));
    expect(elsewhere.filter((file) => /store\.(ts|vue)$/i.test(file))).toEqual([]);
  });
});
