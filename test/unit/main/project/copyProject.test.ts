import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLabService } from '../../../../main/api/labService';
import { copyProjectAs } from '../../../../main/project/copyProject';
import { createProject, readProject, saveProject } from '../../../../main/project/projectRepository';
import { tinyGraph } from '../engine/train/datasetFixture';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'project-copy-'));
  dirs.push(dir);
  return dir;
}

describe('copyProjectAs', () => {
  it('copies runs and dataset caches but not autosaves, renames, applies the changes and leaves the source alone', async () => {
    const parent = await tempDir();
    const source = await createProject(parent, 'Digits', tinyGraph());
    await fs.mkdir(path.join(source.dir, 'runs', 'run-1'));
    await fs.writeFile(path.join(source.dir, 'runs', 'run-1', 'metrics.jsonl'), '{"epoch":1}\n');
    await fs.writeFile(path.join(source.dir, 'datasets', 'cache.bin'), 'cache');
    await saveProject(source.dir, source.project, { autosave: true });
    const edited = { ...tinyGraph(), name: 'edited' };

    const copy = await copyProjectAs(source.dir, parent, 'Digits v2', { graph: edited });

    expect(copy.dir).toBe(path.join(parent, 'Digits v2.modellab'));
    expect(copy.project.name).toBe('Digits v2');
    expect(copy.project.graph?.name).toBe('edited');
    expect((await fs.readdir(copy.dir)).sort()).toEqual(['datasets', 'project.json', 'runs']);
    expect(await fs.readFile(path.join(copy.dir, 'runs', 'run-1', 'metrics.jsonl'), 'utf8')).toBe('{"epoch":1}\n');
    expect(await fs.readFile(path.join(copy.dir, 'datasets', 'cache.bin'), 'utf8')).toBe('cache');
    const original = await readProject(source.dir);
    expect(original.project.name).toBe('Digits');
    expect(original.project.graph?.name).toBe(tinyGraph().name);
  });

  it('refuses an existing target, a name with slashes and a target inside the source, leaving nothing behind', async () => {
    const parent = await tempDir();
    const source = await createProject(parent, 'A');
    await createProject(parent, 'B');
    await expect(copyProjectAs(source.dir, parent, 'B')).rejects.toMatchObject({ code: 'PROJECT_EXISTS' });
    await expect(copyProjectAs(source.dir, parent, 'x/y')).rejects.toMatchObject({ code: 'API_BAD_INPUT' });
    await expect(copyProjectAs(source.dir, source.dir, 'Inner')).rejects.toMatchObject({ code: 'API_BAD_INPUT' });
    await expect(copyProjectAs(path.join(parent, 'missing.modellab'), parent, 'C')).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    expect((await fs.readdir(parent)).sort()).toEqual(['A.modellab', 'B.modellab']);
  });

  it('is served as saveProjectAs, which checks allowed roots and puts the copy on the recent list', async () => {
    const root = await tempDir();
    const service = await createLabService({ dataDir: root, allowedRoots: [root] });
    try {
      const source = await service.call('createProject', { parentDir: root, name: 'First' });
      const copy = await service.call('saveProjectAs', { dir: source.dir, parentDir: root, name: 'Second.modellab', graph: tinyGraph() });
      expect(copy.dir).toBe(path.join(root, 'Second.modellab'));
      expect(copy.project.graph?.nodes.length).toBe(4);
      const recent = await service.call('listRecentProjects', {});
      expect(recent[0]?.dir).toBe(copy.dir);
      await expect(service.call('saveProjectAs', { dir: source.dir, parentDir: os.homedir(), name: 'Outside' })).rejects.toMatchObject({ code: 'API_PATH_DENIED' });
    } finally {
      service.dispose();
    }
  });
});
