import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../../common/errors';
import { PROJECT_SCHEMA_VERSION, projectFileSchema, type Project, type ProjectFile } from '../../common/api/methods/projects';
import { migrateGraph } from '../../common/graph/schema';
import { declaredSchemaVersion } from '../../common/schemaVersion';
import { writeJsonAtomic } from './atomicWrite';

/** Folder suffix of a project. */
export const PROJECT_EXTENSION = '.modellab';

/** Files and folders inside `<name>.modellab/`. */
export const PROJECT_FILES = {
  project: 'project.json',
  runs: 'runs',
  grids: 'grids',
  datasets: 'datasets',
  autosave: 'autosave',
} as const;

/** Autosave copies kept (oldest removed first). */
export const AUTOSAVE_KEEP = 5;

/**
 * Version 1 project files (the first release) kept the graph under `model`, the
 * hyperparameters at the top level as `training`, and had no datasets list.
 */
function migrateV1(raw: Record<string, unknown>): Record<string, unknown> {
  const { model, training, ...rest } = raw;
  const datasetId = typeof raw['dataset'] === 'string' ? raw['dataset'] : null;
  delete rest['dataset'];
  return {
    ...rest,
    schemaVersion: 2,
    graph: model ?? raw['graph'] ?? null,
    datasets: datasetId ? [{ id: datasetId, name: datasetId }] : [],
    settings: { hyperparameters: training ?? {}, activeDataset: datasetId },
  };
}

const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = { 1: migrateV1 };

/**
 * Brings a project.json of an older version to the current schema (the graph inside is
 * migrated by the graph's own migrations).
 *
 * @throws LabError `PROJECT_DAMAGED` for a version newer than this build reads.
 */
export function migrateProject(raw: Record<string, unknown>): Record<string, unknown> {
  let current = raw;
  let version = declaredSchemaVersion(current);
  if (version === undefined) {
    throw new LabError('PROJECT_DAMAGED', `Expected schemaVersion to be a whole number such as ${PROJECT_SCHEMA_VERSION}. Received: schemaVersion=${JSON.stringify(current['schemaVersion'])}`, { field: 'schemaVersion', received: current['schemaVersion'] });
  }
  if (version > PROJECT_SCHEMA_VERSION) {
    throw new LabError('PROJECT_DAMAGED', `Expected a project written by this or an older Model Lab (schemaVersion <= ${PROJECT_SCHEMA_VERSION}). Received: schemaVersion=${version}`, { field: 'schemaVersion', received: version });
  }
  while (version < PROJECT_SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new LabError('PROJECT_DAMAGED', `Expected a known project version. Received: schemaVersion=${version}`, { field: 'schemaVersion', received: version });
    current = step(current);
    version = current['schemaVersion'] as number;
  }
  const graph = current['graph'];
  if (typeof graph === 'object' && graph !== null && !Array.isArray(graph)) current = { ...current, graph: migrateGraph(graph as Record<string, unknown>) };
  return current;
}

/**
 * Parses project.json text.
 *
 * @throws LabError `PROJECT_DAMAGED` naming the first bad field (`details.field`).
 */
export function parseProjectFile(text: string, file: string): ProjectFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LabError('PROJECT_DAMAGED', `Expected project.json to be valid JSON (${(error as Error).message}). Received: path=${JSON.stringify(file)}`, { path: file, field: '(json)' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new LabError('PROJECT_DAMAGED', `Expected project.json to hold an object. Received: path=${JSON.stringify(file)}`, { path: file, field: '(root)' });
  }
  const parsed = projectFileSchema.safeParse(migrateProject(raw as Record<string, unknown>));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    throw new LabError('PROJECT_DAMAGED', `Expected a valid project.json: field "${field}": ${issue?.message ?? 'invalid'}. Received: path=${JSON.stringify(file)}`, { path: file, field });
  }
  return parsed.data;
}

/** Autosave files, newest first. */
export async function listAutosaves(dir: string): Promise<string[]> {
  const folder = path.join(dir, PROJECT_FILES.autosave);
  try {
    const names = (await fs.readdir(folder)).filter((n) => n.endsWith('.json')).sort().reverse();
    return names.map((n) => path.join(folder, n));
  } catch {
    return [];
  }
}

/** The newest autosave that parses, or null. */
export async function lastGoodAutosave(dir: string): Promise<{ file: string; project: ProjectFile } | null> {
  for (const file of await listAutosaves(dir)) {
    try {
      return { file, project: parseProjectFile(await fs.readFile(file, 'utf8'), file) };
    } catch {
      // A damaged autosave: try the one before it.
    }
  }
  return null;
}

/**
 * Creates `<parentDir>/<name>.modellab/` with project.json, runs/ and datasets/.
 *
 * @throws LabError `IO_WRITE_FAILED` when the folder already exists.
 */
export async function createProject(parentDir: string, name: string, graph: ProjectFile['graph'] = null): Promise<Project> {
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    throw new LabError('API_BAD_INPUT', `Expected a project name without slashes. Received: name=${JSON.stringify(name)}`, { field: 'name', received: name });
  }
  const dir = path.join(parentDir, name.endsWith(PROJECT_EXTENSION) ? name : `${name}${PROJECT_EXTENSION}`);
  try {
    await fs.mkdir(dir, { recursive: false });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new LabError(exists ? 'PROJECT_EXISTS' : 'IO_NOT_FOUND', exists ? `Expected no existing project folder. Received: path=${JSON.stringify(dir)}` : `Expected an existing parent folder. Received: path=${JSON.stringify(parentDir)}`, { path: dir });
  }
  await fs.mkdir(path.join(dir, PROJECT_FILES.runs));
  await fs.mkdir(path.join(dir, PROJECT_FILES.datasets));
  const now = new Date().toISOString();
  const project = projectFileSchema.parse({ schemaVersion: PROJECT_SCHEMA_VERSION, name: name.replace(/\.modellab$/, ''), graph, createdAt: now, updatedAt: now });
  await writeJsonAtomic(path.join(dir, PROJECT_FILES.project), project);
  return { dir, project, recoveredFrom: null };
}

/**
 * Reads a project folder. A damaged project.json, or a missing one while autosaves
 * remain, fails with `PROJECT_DAMAGED` naming the field and, in `details.autosave`, the
 * newest good autosave; pass `recoverFromAutosave` to open that autosave instead.
 *
 * @throws LabError `PROJECT_NOT_FOUND` or `PROJECT_DAMAGED`.
 */
export async function readProject(dir: string, recoverFromAutosave = false): Promise<Project> {
  const file = path.join(dir, PROJECT_FILES.project);
  let project: ProjectFile;
  try {
    project = parseProjectFile(await readProjectText(dir, file), file);
  } catch (error) {
    if (!(error instanceof LabError) || error.code === 'PROJECT_NOT_FOUND') throw error;
    const autosave = await lastGoodAutosave(dir);
    if (recoverFromAutosave && autosave) return { dir, project: autosave.project, recoveredFrom: autosave.file };
    throw new LabError(error.code, autosave ? `${error.message} The last good autosave is ${autosave.file} (${autosave.project.updatedAt}).` : error.message, {
      ...error.details,
      autosave: autosave?.file ?? null,
      autosavedAt: autosave?.project.updatedAt ?? null,
    });
  }
  return { dir, project, recoveredFrom: null };
}

/**
 * project.json's text. A missing project.json in a folder that holds autosaves is a
 * damaged project (recoverable), not a missing one.
 *
 * @throws LabError `PROJECT_NOT_FOUND`, or `PROJECT_DAMAGED` when autosaves remain.
 */
async function readProjectText(dir: string, file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await listAutosaves(dir)).length > 0) {
      throw new LabError('PROJECT_DAMAGED', `Expected project.json in the project folder; project.json is missing. Received: path=${JSON.stringify(dir)}`, { path: file, field: PROJECT_FILES.project });
    }
    throw new LabError('PROJECT_NOT_FOUND', `Expected a project folder with project.json. Received: path=${JSON.stringify(dir)}`, { path: dir });
  }
}

/**
 * Saves a project. A normal save replaces project.json atomically; an autosave writes a
 * timestamped copy under autosave/ (keeping the newest few), so a crash mid-edit never
 * costs the saved project and a damaged project.json can be recovered.
 */
export async function saveProject(dir: string, project: ProjectFile, options: { autosave: boolean }): Promise<{ savedAt: string; path: string }> {
  const savedAt = new Date().toISOString();
  const next = projectFileSchema.parse({ ...project, updatedAt: savedAt });
  if (!options.autosave) {
    const file = path.join(dir, PROJECT_FILES.project);
    await writeJsonAtomic(file, next);
    return { savedAt, path: file };
  }
  const file = path.join(dir, PROJECT_FILES.autosave, `project-${savedAt.replace(/[:.]/g, '-')}.json`);
  await writeJsonAtomic(file, next);
  const all = await listAutosaves(dir);
  for (const old of all.slice(AUTOSAVE_KEEP)) await fs.rm(old, { force: true });
  return { savedAt, path: file };
}

/** The runs folder of a project. */
export function projectRunsDir(dir: string): string {
  return path.join(dir, PROJECT_FILES.runs);
}

/** The folder of a project's grid searches. */
export function projectGridsDir(dir: string): string {
  return path.join(dir, PROJECT_FILES.grids);
}
