import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../../common/errors';
import type { Project, ProjectFile } from '../../common/api/methods/projects';
import { PROJECT_EXTENSION, PROJECT_FILES, readProject, saveProject } from './projectRepository';

/** What the copy saves over the source's project.json (the editor's unsaved state). */
export type ProjectChanges = Partial<Pick<ProjectFile, 'graph' | 'datasets' | 'settings'>>;

/**
 * "Save As": copies the project folder `sourceDir` to `<parentDir>/<name>.modellab/`
 * with its runs and dataset caches (relative cache paths keep working), leaves its
 * autosaves behind (they belong to the original's history), then writes project.json of
 * the copy under the new name with `changes` applied. The source is not modified.
 *
 * @throws LabError `API_BAD_INPUT` for a name with slashes or a target inside the source,
 *   `PROJECT_EXISTS` when the target folder exists, `PROJECT_NOT_FOUND` / `PROJECT_DAMAGED`
 *   for an unreadable source.
 */
export async function copyProjectAs(sourceDir: string, parentDir: string, name: string, changes: ProjectChanges = {}): Promise<Project> {
  const bareName = name.endsWith(PROJECT_EXTENSION) ? name.slice(0, -PROJECT_EXTENSION.length) : name;
  if (/[/\\]/.test(bareName) || bareName === '' || bareName === '.' || bareName === '..') {
    throw new LabError('API_BAD_INPUT', `Expected a project name without slashes. Received: name=${JSON.stringify(name)}`, { field: 'name', received: name });
  }
  // An autosave of a project with a damaged project.json still copies: it starts from the last good autosave.
  const source = await readProject(sourceDir, true);
  const target = path.join(parentDir, `${bareName}${PROJECT_EXTENSION}`);
  const relative = path.relative(path.resolve(sourceDir), path.resolve(target));
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new LabError('API_BAD_INPUT', `Expected a new project folder outside the project being copied. Received: path=${JSON.stringify(target)}`, { field: 'parentDir', received: parentDir });
  }
  try {
    await fs.mkdir(target, { recursive: false });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new LabError(exists ? 'PROJECT_EXISTS' : 'IO_NOT_FOUND', exists ? `Expected no existing project folder. Received: path=${JSON.stringify(target)}` : `Expected an existing parent folder. Received: path=${JSON.stringify(parentDir)}`, { path: target });
  }
  try {
    const autosaves = path.join(path.resolve(sourceDir), PROJECT_FILES.autosave);
    await fs.cp(sourceDir, target, {
      recursive: true,
      errorOnExist: true,
      force: false,
      filter: (file) => path.resolve(file) !== autosaves,
    });
    const project: ProjectFile = { ...source.project, ...changes, name: bareName, createdAt: new Date().toISOString() };
    await saveProject(target, project, { autosave: false });
    return await readProject(target);
  } catch (error) {
    // A half-written copy would look like a project: remove it so the name can be tried again.
    await fs.rm(target, { recursive: true, force: true });
    throw error;
  }
}
