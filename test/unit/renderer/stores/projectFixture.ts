import { projectSettingsSchema, type Project } from '../../../../common/api/methods/projects';
import type { ModelGraph } from '../../../../common/graph/schema';

/** An open project at `dir` as openProject answers it: default settings, no datasets. */
export function projectAt(dir: string, graph: ModelGraph | null = null, name = 'p'): Project {
  return {
    dir,
    recoveredFrom: null,
    project: { schemaVersion: 2, name, graph, datasets: [], settings: projectSettingsSchema.parse({}), createdAt: '', updatedAt: '' },
  };
}
