import type { LabHandlers } from '../../common/api/labApi';
import { copyProjectAs } from '../project/copyProject';
import { createProject, readProject, saveProject } from '../project/projectRepository';
import { listRecentProjects, touchRecentProject } from '../project/recentProjects';
import type { LabContext } from './labContext';
import { resolveAllowedPath } from './paths';

type ProjectMethodName = 'createProject' | 'openProject' | 'saveProject' | 'saveProjectAs' | 'getProject' | 'listRecentProjects';

/** LabApi handlers of project folders (`<name>.modellab/`) and the recent list. */
export function createProjectHandlers(context: LabContext): Pick<LabHandlers, ProjectMethodName> {
  return {
    async createProject(input) {
      const parent = await resolveAllowedPath(context, input.parentDir);
      const project = await createProject(parent, input.name, input.graph ?? null);
      await touchRecentProject(context.options.dataDir, project.dir, project.project.name);
      return project;
    },
    async openProject(input) {
      const project = await readProject(await resolveAllowedPath(context, input.dir), input.recoverFromAutosave);
      await touchRecentProject(context.options.dataDir, project.dir, project.project.name);
      return project;
    },
    async getProject(input) {
      return readProject(await resolveAllowedPath(context, input.dir));
    },
    async saveProject(input) {
      const dir = await resolveAllowedPath(context, input.dir);
      // An autosave of a project whose project.json is damaged must still succeed: it starts from the last good autosave.
      const current = (await readProject(dir, true)).project;
      const next = {
        ...current,
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.graph !== undefined ? { graph: input.graph } : {}),
        ...(input.datasets !== undefined ? { datasets: input.datasets } : {}),
        ...(input.settings !== undefined ? { settings: input.settings } : {}),
      };
      return saveProject(dir, next, { autosave: input.autosave });
    },
    async saveProjectAs(input) {
      const source = await resolveAllowedPath(context, input.dir);
      const parent = await resolveAllowedPath(context, input.parentDir);
      const changes = {
        ...(input.graph !== undefined ? { graph: input.graph } : {}),
        ...(input.datasets !== undefined ? { datasets: input.datasets } : {}),
        ...(input.settings !== undefined ? { settings: input.settings } : {}),
      };
      const project = await copyProjectAs(source, parent, input.name, changes);
      await touchRecentProject(context.options.dataDir, project.dir, project.project.name);
      return project;
    },
    listRecentProjects: async () => listRecentProjects(context.options.dataDir),
  };
}
