import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabContext } from '../../../../main/api/labContext';
import { allowRecentProjects, allowRoot, browserAllowList, resolveAllowedPath } from '../../../../main/api/paths';
import { isInside } from '../../../../main/install/isInside';
import { touchRecentProject } from '../../../../main/project/recentProjects';
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

  it('names the way to widen the fence in the refusal when the transport gives one', async () => {
    const hinted = new LabContext({ dataDir: work, allowedRoots: [root], fenceHint: 'Restart with --allow DIR.' });
    await expect(resolveAllowedPath(hinted, path.join(work, 'rootsibling'))).rejects.toThrow(/allowed folders \(.*\)\. Restart with --allow DIR\. Received: path=/);
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

describe('open mode (the CLI and in-process callers)', () => {
  const open = new LabContext({ dataDir: work, allowedRoots: [root], pathMode: 'open' });

  it('reaches any path the OS allows, resolved to its real form', async () => {
    await expect(resolveAllowedPath(open, path.join(work, 'rootsibling'))).resolves.toBe(path.join(work, 'rootsibling'));
    await expect(resolveAllowedPath(open, path.join(root, 'link-out', 'file.txt'))).resolves.toBe(path.join(work, 'rootsibling', 'file.txt'));
    await expect(resolveAllowedPath(open, path.join(root, '..', 'rootsibling'))).resolves.toBe(path.join(work, 'rootsibling'));
  });

  it('still refuses NUL bytes and empty paths', async () => {
    await expect(resolveAllowedPath(open, `${root}/a\0b`)).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
    await expect(resolveAllowedPath(open, '')).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
  });

  it('is not the default: a context without a mode is fenced', async () => {
    expect(await denied(path.join(work, 'rootsibling'))).toBe('API_PATH_DENIED');
  });
});

describe('widening the fence', () => {
  it('allowRoot lets a fenced context reach a picked folder, once', async () => {
    const fenced = new LabContext({ dataDir: work, allowedRoots: [root] });
    await expect(resolveAllowedPath(fenced, path.join(work, 'rootsibling'))).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
    allowRoot(fenced, path.join(work, 'rootsibling'));
    allowRoot(fenced, path.join(work, 'rootsibling'));
    await expect(resolveAllowedPath(fenced, path.join(work, 'rootsibling', 'x.h5'))).resolves.toBe(path.join(work, 'rootsibling', 'x.h5'));
    expect(fenced.options.allowedRoots).toEqual([root, path.join(work, 'rootsibling')]);
  });

  it('allowRecentProjects reopens a project outside the roots after a restart, and only projects that still exist', async () => {
    const dataDir = path.join(work, 'lab-data');
    const project = path.join(work, 'other-disk', 'p.modellab');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'project.json'), '{}');
    await touchRecentProject(dataDir, project, 'p');
    await touchRecentProject(dataDir, path.join(work, 'gone.modellab'), 'gone');
    const restarted = new LabContext({ dataDir, allowedRoots: [root] });
    await expect(resolveAllowedPath(restarted, project)).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
    await allowRecentProjects(restarted);
    await expect(resolveAllowedPath(restarted, path.join(project, 'project.json'))).resolves.toBe(path.join(project, 'project.json'));
    expect(restarted.options.allowedRoots).toEqual([root, project]);
  });

  it('browserAllowList joins --allow and MODEL_LAB_ALLOW, absolute and without repeats, and names a missing folder', async () => {
    const env = [path.join(work, 'rootsibling'), '', root].join(path.delimiter);
    await expect(browserAllowList([root, 'relative-missing'], undefined)).rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { field: '--allow', path: 'relative-missing' } });
    await expect(browserAllowList([root], env)).resolves.toEqual([root, path.join(work, 'rootsibling')]);
    await expect(browserAllowList([], path.join(root, 'missing'))).rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { field: 'MODEL_LAB_ALLOW' } });
  });
});
