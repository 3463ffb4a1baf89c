import { z } from 'zod';
import { defineMethod } from '../method';
import { modelGraphSchema } from '../../graph/schema';
import { hyperparametersSchema } from '../../training/hyperparameters';

/** Current version of project.json; older files are migrated on open. */
export const PROJECT_SCHEMA_VERSION = 2;

/** A dataset a project uses: a lab dataset id, or a cache folder inside the project. */
export const projectDatasetRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Cache folder relative to the project folder when the project owns it, otherwise absolute. */
  cacheDir: z.string().nullable().default(null),
  fingerprint: z.string().nullable().default(null),
});
export type ProjectDatasetRef = z.infer<typeof projectDatasetRefSchema>;

export const projectSettingsSchema = z.object({
  hyperparameters: hyperparametersSchema.default(hyperparametersSchema.parse({})),
  /** Id of the dataset the Train view uses. */
  activeDataset: z.string().nullable().default(null),
});

/** project.json inside `<name>.modellab/`. */
export const projectFileSchema = z.object({
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  name: z.string().min(1),
  graph: modelGraphSchema.nullable(),
  datasets: z.array(projectDatasetRefSchema).default([]),
  settings: projectSettingsSchema.default(projectSettingsSchema.parse({})),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectFile = z.infer<typeof projectFileSchema>;

export const projectSchema = z.object({
  /** The `<name>.modellab` folder. */
  dir: z.string(),
  project: projectFileSchema,
  /** Set when the project was opened from an autosave because project.json was damaged. */
  recoveredFrom: z.string().nullable(),
});
export type Project = z.infer<typeof projectSchema>;

export const recentProjectSchema = z.object({ dir: z.string(), name: z.string(), openedAt: z.string(), exists: z.boolean() });
export type RecentProject = z.infer<typeof recentProjectSchema>;

export const projectMethods = {
  createProject: defineMethod({
    description: 'Creates `<name>.modellab/` inside a folder, with an empty graph and no runs.',
    input: z.object({ parentDir: z.string(), name: z.string().min(1), graph: modelGraphSchema.optional() }),
    output: projectSchema,
  }),
  openProject: defineMethod({
    description: 'Opens a project folder; migrates older files; a damaged project.json names the field and offers the last good autosave.',
    input: z.object({ dir: z.string(), recoverFromAutosave: z.boolean().default(false) }),
    output: projectSchema,
  }),
  saveProject: defineMethod({
    description: 'Writes project.json atomically; `autosave` writes a rotating autosave copy instead.',
    input: z.object({
      dir: z.string(),
      graph: modelGraphSchema.nullable().optional(),
      datasets: z.array(projectDatasetRefSchema).optional(),
      settings: projectSettingsSchema.optional(),
      name: z.string().min(1).optional(),
      autosave: z.boolean().default(false),
    }),
    output: z.object({ savedAt: z.string(), path: z.string() }),
  }),
  saveProjectAs: defineMethod({
    description: 'Copies a project (runs and dataset caches, not its autosaves) to `<parentDir>/<name>.modellab/`, saving the given graph and settings into the copy; the original is left as it was.',
    input: z.object({
      dir: z.string(),
      parentDir: z.string(),
      name: z.string().min(1),
      graph: modelGraphSchema.nullable().optional(),
      datasets: z.array(projectDatasetRefSchema).optional(),
      settings: projectSettingsSchema.optional(),
    }),
    output: projectSchema,
  }),
  getProject: defineMethod({ description: 'Reads a project without touching the recent list.', input: z.object({ dir: z.string() }), output: projectSchema }),
  listRecentProjects: defineMethod({ description: 'Recently opened projects, newest first.', input: z.object({}).default({}), output: z.array(recentProjectSchema) }),
};
