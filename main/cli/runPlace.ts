import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../../common/errors';
import { defaultLabOptions } from '../api/defaultOptions';
import { PROJECT_FILES, readProject } from '../project/projectRepository';
import { listRecentProjects } from '../project/recentProjects';

/** The options every command that writes or reads runs takes, the same way. */
export const RUN_PLACE_OPTIONS = {
  project: { type: 'string' },
  'no-project': { type: 'boolean' },
} as const;

/** Their lines of `--help`. */
export const RUN_PLACE_HELP = `  --project DIR        the project whose runs/ folder holds the runs (default: the project
                       the app opened last, as the app's Train view shows them)
  --no-project         the lab's own runs folder (~/.model-lab/runs) instead of a project`;

/** Where a command's runs are: a project's runs/ folder, or the lab's own. */
export interface RunPlace {
  /** The project folder, or undefined for the lab's own runs folder (the API's `projectDir`). */
  projectDir: string | undefined;
  /** The project's name, when in one. */
  projectName: string | undefined;
  /** The runs folder itself. */
  runsDir: string;
  /** True when no option chose it: the project the app opened last. */
  byDefault: boolean;
}

/**
 * The runs folder a command uses: `--project DIR`, `--no-project` for the lab's own
 * folder, and by default the project the app opened last (its first still on disk in the
 * recent list), so a run trained here shows in the app and the app's runs are found here.
 * Without any project the lab's own folder is used.
 *
 * @throws LabError `API_BAD_INPUT` when both options are given; `PROJECT_NOT_FOUND` for a --project without project.json.
 */
export async function resolveRunPlace(values: { project?: string | undefined; 'no-project'?: boolean | undefined }, dataDir: string = defaultLabOptions().dataDir): Promise<RunPlace> {
  const labRuns: RunPlace = { projectDir: undefined, projectName: undefined, runsDir: path.join(dataDir, 'runs'), byDefault: false };
  if (values.project !== undefined && values['no-project']) {
    throw new LabError('API_BAD_INPUT', `Expected --project or --no-project, not both. Received: project=${JSON.stringify(values.project)}`, { field: 'project' });
  }
  if (values['no-project']) return labRuns;
  if (values.project !== undefined) {
    const dir = path.resolve(values.project);
    const project = await readProject(dir);
    return { projectDir: dir, projectName: project.project.name, runsDir: path.join(dir, PROJECT_FILES.runs), byDefault: false };
  }
  const recent = (await listRecentProjects(dataDir)).find((entry) => entry.exists);
  if (!recent) return { ...labRuns, byDefault: true };
  return { projectDir: recent.dir, projectName: recent.name, runsDir: path.join(recent.dir, PROJECT_FILES.runs), byDefault: true };
}

/**
 * The run's place for a command that reads one run: `place`, unless nothing chose it and
 * the run is not in the default project but in the lab's own folder (trained before
 * runs went to the app's project, or with --no-project).
 */
export async function placeOfRun(runId: string, place: RunPlace, dataDir: string = defaultLabOptions().dataDir): Promise<RunPlace> {
  if (!place.byDefault || place.projectDir === undefined) return place;
  const inProject = await fs.access(path.join(place.runsDir, runId)).then(() => true, () => false);
  if (inProject) return place;
  const labRuns = path.join(dataDir, 'runs');
  const inLab = await fs.access(path.join(labRuns, runId)).then(() => true, () => false);
  return inLab ? { projectDir: undefined, projectName: undefined, runsDir: labRuns, byDefault: true } : place;
}

/** `into project Starter (/home/me/Starter.modellab), the one the app opened last; …` */
function where(place: RunPlace, preposition: 'into' | 'from'): string {
  if (place.projectDir === undefined) return `${preposition} the lab's own runs folder (${place.runsDir})${place.byDefault ? ', outside any project (no project opened yet; --project DIR keeps runs in one)' : ', outside any project'}.`;
  return `${preposition} project ${place.projectName ?? path.basename(place.projectDir)} (${place.projectDir})${place.byDefault ? ', the one the app opened last; --project DIR or --no-project to choose' : ''}.`;
}

/** The first line `train` prints: where the run is written. */
export function writingRunLine(place: RunPlace): string {
  return `Writing the run ${where(place, 'into')}`;
}

/** The first line a command reading a run prints: where it is read from. */
export function readingRunLine(runId: string, place: RunPlace): string {
  return `Reading run ${runId} ${where(place, 'from')}`;
}

/** The API's `projectDir` field for a place (absent for the lab's own folder). */
export function projectDirOf(place: RunPlace): { projectDir?: string } {
  return place.projectDir === undefined ? {} : { projectDir: place.projectDir };
}
