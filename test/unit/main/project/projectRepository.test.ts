import fs from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LabError } from '../../../../common/errors';
import { createProject, readProject, saveProject, listAutosaves, AUTOSAVE_KEEP, migrateProject } from '../../../../main/project/projectRepository';
import { listRecentProjects, touchRecentProject } from '../../../../main/project/recentProjects';
import { writeFileAtomic } from '../../../../main/project/atomicWrite';
import { tinyGraph } from '../engine/train/datasetFixture';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'project-'));
  dirs.push(dir);
  return dir;
}

describe('project folders', () => {
  it('creates <name>.modellab with project.json, runs/ and datasets/, and reads it back', async () => {
    const parent = await tempDir();
    const created = await createProject(parent, 'Digits', tinyGraph());
    expect(created.dir).toBe(path.join(parent, 'Digits.modellab'));
    expect((await fs.readdir(created.dir)).sort()).toEqual(['datasets', 'project.json', 'runs']);
    const opened = await readProject(created.dir);
    expect(opened.project.name).toBe('Digits');
    expect(opened.project.graph?.nodes.length).toBe(4);
    expect(opened.project.settings.hyperparameters.optimizer.name).toBe('adam');
  });

  it('refuses to create over an existing project', async () => {
    const parent = await tempDir();
    await createProject(parent, 'A');
    await expect(createProject(parent, 'A')).rejects.toMatchObject({ code: 'PROJECT_EXISTS' });
  });

  it('reports a damaged project.json with the field and offers the last good autosave', async () => {
    const parent = await tempDir();
    const { dir, project } = await createProject(parent, 'P', tinyGraph());
    await saveProject(dir, { ...project, name: 'Autosaved' }, { autosave: true });
    const file = path.join(dir, 'project.json');
    const raw = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...raw, createdAt: 42 }));
    const error = await readProject(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('PROJECT_DAMAGED');
    expect((error as LabError).details?.field).toBe('createdAt');
    expect((error as LabError).details?.['autosave']).toMatch(/autosave/);
    const recovered = await readProject(dir, true);
    expect(recovered.project.name).toBe('Autosaved');
    expect(recovered.recoveredFrom).toMatch(/autosave/);
  });

  it('offers the newest autosave when project.json is gone, and opens it when asked', async () => {
    const parent = await tempDir();
    const { dir, project } = await createProject(parent, 'Gone', tinyGraph());
    await saveProject(dir, { ...project, name: 'Older' }, { autosave: true });
    await new Promise((r) => setTimeout(r, 2));
    await saveProject(dir, { ...project, name: 'Newest' }, { autosave: true });
    const [newest] = await listAutosaves(dir);
    await fs.rm(path.join(dir, 'project.json'));
    const error = await readProject(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('PROJECT_DAMAGED');
    expect((error as LabError).details?.field).toBe('project.json');
    expect((error as LabError).details?.['autosave']).toBe(newest);
    expect((error as LabError).message).toContain('project.json is missing');
    expect((error as LabError).message).toContain(newest);
    const recovered = await readProject(dir, true);
    expect(recovered.project.name).toBe('Newest');
    expect(recovered.recoveredFrom).toBe(newest);
  });

  it('still says PROJECT_NOT_FOUND for a folder with neither project.json nor autosaves', async () => {
    const dir = await tempDir();
    await expect(readProject(dir, true)).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  });

  it('refuses a schemaVersion that is not a whole number, by name, instead of reading it as version 1', async () => {
    const parent = await tempDir();
    const { dir } = await createProject(parent, 'S', tinyGraph());
    const file = path.join(dir, 'project.json');
    const raw = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    for (const version of ['2', 2.5, null, 0]) {
      await fs.writeFile(file, JSON.stringify({ ...raw, schemaVersion: version }));
      const error = await readProject(dir).catch((e: unknown) => e);
      expect(error, JSON.stringify(version)).toMatchObject({ code: 'PROJECT_DAMAGED', details: { field: 'schemaVersion' } });
      expect((error as LabError).message).toContain(`schemaVersion=${JSON.stringify(version)}`);
    }
  });

  it('reports invalid JSON as damaged, naming the JSON itself', async () => {
    const parent = await tempDir();
    const { dir } = await createProject(parent, 'J');
    await fs.writeFile(path.join(dir, 'project.json'), '{"schemaVersion": 2, "name": ');
    await expect(readProject(dir)).rejects.toMatchObject({ code: 'PROJECT_DAMAGED', details: { field: '(json)' } });
  });

  it('keeps only the newest autosaves', async () => {
    const parent = await tempDir();
    const { dir, project } = await createProject(parent, 'Many');
    // Autosaves are named by their time: each one a second after the last.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let i = 0; i < AUTOSAVE_KEEP + 3; i++) {
        vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, i));
        await saveProject(dir, { ...project, name: `version ${i}` }, { autosave: true });
      }
    } finally {
      vi.useRealTimers();
    }
    const kept = await Promise.all((await listAutosaves(dir)).map(async (file) => (JSON.parse(await fs.readFile(file, 'utf8')) as { name: string }).name));
    expect(kept).toEqual(Array.from({ length: AUTOSAVE_KEEP }, (_, i) => `version ${AUTOSAVE_KEEP + 2 - i}`));
  });

  it('migrates a version 1 project (graph under "model", hyperparameters under "training")', async () => {
    const migrated = migrateProject({ schemaVersion: 1, name: 'Old', model: tinyGraph(), training: { epochs: 7 }, dataset: 'mnist', createdAt: 'a', updatedAt: 'b' });
    expect(migrated['schemaVersion']).toBe(2);
    expect((migrated['settings'] as { hyperparameters: { epochs: number } }).hyperparameters.epochs).toBe(7);
    expect(migrated['datasets']).toEqual([{ id: 'mnist', name: 'mnist' }]);
    const parent = await tempDir();
    const dir = path.join(parent, 'Old.modellab');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'project.json'), JSON.stringify({ schemaVersion: 1, name: 'Old', model: tinyGraph(), training: { epochs: 7 }, createdAt: 'a', updatedAt: 'b' }));
    expect((await readProject(dir)).project.settings.hyperparameters.epochs).toBe(7);
  });

  it('refuses a project from a newer version', () => {
    expect(() => migrateProject({ schemaVersion: 99 })).toThrow(expect.objectContaining({ code: 'PROJECT_DAMAGED' }));
  });

  it('keeps a recent list, newest first, without duplicates', async () => {
    const dataDir = await tempDir();
    await touchRecentProject(dataDir, '/x/A.modellab', 'A');
    await touchRecentProject(dataDir, '/x/B.modellab', 'B');
    await touchRecentProject(dataDir, '/x/A.modellab', 'A');
    const recent = await listRecentProjects(dataDir);
    expect(recent.map((r) => r.name)).toEqual(['A', 'B']);
    expect(recent[0]?.exists).toBe(false);
  });

  it('writes atomically: no temporary file is left and the target is replaced whole', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await fs.readFile(file, 'utf8')).toBe('two');
    expect(await fs.readdir(dir)).toEqual(['a.json']);
  });
});

describe('atomic writes onto special files', () => {
  it('write into a pipe instead of replacing it with a regular file', async () => {
    const dir = await tempDir();
    const fifo = path.join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A reader that does not block: the write must find it there, and nothing hangs if the pipe is gone.
    const reader = await fs.open(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      await writeFileAtomic(fifo, 'through the pipe');
      expect((await fs.lstat(fifo)).isFIFO()).toBe(true);
      const buffer = Buffer.alloc(64);
      const { bytesRead } = await reader.read(buffer, 0, buffer.length, null);
      expect(buffer.subarray(0, bytesRead).toString('utf8')).toBe('through the pipe');
    } finally {
      await reader.close();
    }
    expect(await fs.readdir(dir)).toEqual(['pipe']);
  });
});
