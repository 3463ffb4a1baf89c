import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabContext } from '../../../../main/api/labContext';
import { isInside, resolveAllowedPath } from '../../../../main/api/paths';
import { listDirectory } from '../../../../main/api/dialogHandlers';
import { LabError } from '../../../../common/errors';

const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'paths-')));
const root = path.join(work, 'root');
mkdirSync(path.join(root, 'sub', '.hidden'), { recursive: true });
mkdirSync(path.join(work, 'rootsibling'), { recursive: true });
symlinkSync(path.join(work, 'rootsibling'), path.join(root, 'link-out'));
const context = new LabContext({ dataDir: work, allowedRoots: [root, path.join(work, 'not-created')] });
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function denied(p: string): Promise<string | undefined> {
  try {
    await resolveAllowedPath(context, p);
    return undefined;
  } catch (error) {
    return error instanceof LabError ? error.code : 'not a LabError';
  }
}

describe('resolveAllowedPath', () => {
  it('returns the real path inside a root, including not-yet-existing save targets', async () => {
    await expect(resolveAllowedPath(context, root)).resolves.toBe(root);
    await expect(resolveAllowedPath(context, path.join(root, 'sub', 'x', 'model.onnx'))).resolves.toBe(path.join(root, 'sub', 'x', 'model.onnx'));
    await expect(resolveAllowedPath(context, path.join(root, 'sub', '..', 'sub'))).resolves.toBe(path.join(root, 'sub'));
  });

  it('refuses escapes by .., a sibling with the same prefix, a symlink, NUL and empty paths', async () => {
    expect(await denied(path.join(root, '..'))).toBe('API_PATH_DENIED');
    expect(await denied(path.join(work, 'rootsibling'))).toBe('API_PATH_DENIED');
    expect(await denied(path.join(root, 'link-out', 'file.txt'))).toBe('API_PATH_DENIED');
    expect(await denied(`${root}/a\0b`)).toBe('API_PATH_DENIED');
    expect(await denied('')).toBe('API_PATH_DENIED');
  });

  it('isInside compares whole path segments', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
  });
});

describe('listDirectory', () => {
  it('lists the existing roots without a path, and folders before files with hidden ones left out', async () => {
    expect(await listDirectory(context, undefined, undefined, false)).toEqual({ path: null, parent: null, entries: [{ name: root, path: root, kind: 'directory' }] });
    const listing = await listDirectory(context, root, undefined, false);
    expect(listing.parent).toBeNull();
    expect(listing.entries.map((e) => [e.name, e.kind])).toEqual([['link-out', 'directory'], ['sub', 'directory']]);
    const sub = await listDirectory(context, path.join(root, 'sub'), undefined, true);
    expect(sub.parent).toBe(root);
    expect(sub.entries.map((e) => e.name)).toEqual(['.hidden']);
  });

  it('answers IO_NOT_FOUND for a missing folder inside the roots', async () => {
    await expect(listDirectory(context, path.join(root, 'missing'), undefined, false)).rejects.toMatchObject({ code: 'IO_NOT_FOUND' });
  });
});
