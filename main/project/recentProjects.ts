import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../common/api/methods/projects';
import { writeJsonAtomic } from './atomicWrite';

/** How many projects the recent list keeps. */
export const RECENT_LIMIT = 12;

const recentFileSchema = z.array(z.object({ dir: z.string(), name: z.string(), openedAt: z.string() }));

function recentFile(dataDir: string): string {
  return path.join(dataDir, 'recent-projects.json');
}

async function readEntries(dataDir: string): Promise<z.infer<typeof recentFileSchema>> {
  try {
    const parsed = recentFileSchema.safeParse(JSON.parse(await fs.readFile(recentFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Recently opened projects, newest first, each marked whether its folder still exists. */
export async function listRecentProjects(dataDir: string): Promise<RecentProject[]> {
  const entries = await readEntries(dataDir);
  return Promise.all(entries.map(async (entry) => ({
    ...entry,
    exists: await fs.access(path.join(entry.dir, 'project.json')).then(() => true, () => false),
  })));
}

/** Moves (or adds) a project to the top of the recent list. */
export async function touchRecentProject(dataDir: string, dir: string, name: string): Promise<void> {
  const resolved = path.resolve(dir);
  const entries = (await readEntries(dataDir)).filter((e) => path.resolve(e.dir) !== resolved);
  entries.unshift({ dir: resolved, name, openedAt: new Date().toISOString() });
  await writeJsonAtomic(recentFile(dataDir), entries.slice(0, RECENT_LIMIT));
}
