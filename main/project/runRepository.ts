import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { LabError } from '../../common/errors';
import { epochRecordSchema, type EpochRecord } from '../../common/training/epochRecord';
import { evaluationSchema, storedEvaluationSchema, type Evaluation, type StoredEvaluation } from '../../common/training/evaluation';
import { runSpecSchema, type RunSpec } from '../../common/training/runSpec';
import { appendLine, writeJsonAtomic } from './atomicWrite';
import { readJsonFile } from './readJsonFile';
import { newStoredId, requireStoredId } from './storedIds';

/** Files of a run folder. */
export const RUN_FILES = {
  spec: 'run.json',
  metrics: 'metrics.jsonl',
  evaluation: 'evaluation.json',
  checkpoints: 'checkpoints',
} as const;

export type CheckpointKind = 'best' | 'last';

/** A new run id: sortable by creation time, unique across processes. */
export function newRunId(now = new Date()): string {
  return newStoredId('run', now);
}

/**
 * The folder of run `runId` under `runsRoot`.
 *
 * @throws LabError `API_BAD_INPUT` for an id that is not a plain folder name.
 */
export function runDirOf(runsRoot: string, runId: string): string {
  return path.join(runsRoot, requireStoredId(runId, 'runId', 'run'));
}

/** Creates the run folder and writes its spec. */
export async function createRunDir(runsRoot: string, spec: RunSpec): Promise<string> {
  const dir = runDirOf(runsRoot, spec.id);
  await fs.mkdir(path.join(dir, RUN_FILES.checkpoints), { recursive: true });
  await writeJsonAtomic(path.join(dir, RUN_FILES.spec), runSpecSchema.parse(spec));
  return dir;
}

/**
 * Reads run.json.
 *
 * @throws LabError `RUN_NOT_FOUND` when the folder has none, `IO_BAD_FORMAT` when it is damaged.
 */
export async function readRunSpec(runDir: string): Promise<RunSpec> {
  return readJsonFile(path.join(runDir, RUN_FILES.spec), runSpecSchema, {
    name: RUN_FILES.spec,
    content: 'a valid run spec',
    missing: () => new LabError('RUN_NOT_FOUND', `Expected a run folder with ${RUN_FILES.spec}. Received: path=${JSON.stringify(runDir)}`, { path: runDir }),
  });
}

/** Rewrites run.json with `patch` applied, atomically. */
export async function updateRunSpec(runDir: string, patch: Partial<RunSpec>): Promise<RunSpec> {
  const current = await readRunSpec(runDir);
  const next = runSpecSchema.parse({ ...current, ...patch, updatedAt: new Date().toISOString() });
  await writeJsonAtomic(path.join(runDir, RUN_FILES.spec), next);
  return next;
}

/** Appends one epoch to metrics.jsonl (append-only: earlier lines are never rewritten). */
export async function appendEpochRecord(runDir: string, record: EpochRecord): Promise<void> {
  await appendLine(path.join(runDir, RUN_FILES.metrics), JSON.stringify(epochRecordSchema.parse(record)));
}

/**
 * Reads metrics.jsonl. A line cut short by a crash is skipped; when a resumed run
 * repeats an epoch, the later line wins.
 */
export async function readHistory(runDir: string): Promise<EpochRecord[]> {
  let text: string;
  try {
    text = await fs.readFile(path.join(runDir, RUN_FILES.metrics), 'utf8');
  } catch {
    return [];
  }
  const byEpoch = new Map<number, EpochRecord>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = epochRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) byEpoch.set(parsed.data.epoch, parsed.data);
    } catch {
      // A torn final line after a crash: everything before it is intact.
    }
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

interface CheckpointPointer {
  folder: string;
  epoch: number;
}

/**
 * Writes a checkpoint so that a crash at any moment leaves the previous one usable:
 * `write` fills a fresh folder, then a pointer file is swapped atomically, then older
 * folders of the same kind are removed.
 */
export async function writeCheckpoint(runDir: string, kind: CheckpointKind, epoch: number, write: (dir: string) => Promise<void>): Promise<string> {
  const root = path.join(runDir, RUN_FILES.checkpoints);
  const folder = `${kind}-e${epoch}-${randomBytes(2).toString('hex')}`;
  const dir = path.join(root, folder);
  await fs.mkdir(dir, { recursive: true });
  await write(dir);
  await writeJsonAtomic(path.join(root, `${kind}.json`), { folder, epoch } satisfies CheckpointPointer);
  for (const entry of await fs.readdir(root)) {
    if (entry.startsWith(`${kind}-e`) && entry !== folder) await fs.rm(path.join(root, entry), { recursive: true, force: true });
  }
  return dir;
}

/** The folder of a run's best or last checkpoint, or null when none was written. */
export async function checkpointDir(runDir: string, kind: CheckpointKind): Promise<{ dir: string; epoch: number } | null> {
  const root = path.join(runDir, RUN_FILES.checkpoints);
  try {
    const pointer = JSON.parse(await fs.readFile(path.join(root, `${kind}.json`), 'utf8')) as CheckpointPointer;
    const dir = path.join(root, pointer.folder);
    await fs.access(dir);
    return { dir, epoch: pointer.epoch };
  } catch {
    return null;
  }
}

/** Saves the final evaluation of a run, with every example's prediction. */
export async function writeEvaluation(runDir: string, evaluation: StoredEvaluation): Promise<void> {
  await writeJsonAtomic(path.join(runDir, RUN_FILES.evaluation), evaluation);
}

/** evaluation.json read with `schema`, or null when it is missing or does not match. */
async function readEvaluationFile<T>(runDir: string, schema: z.ZodType<T>): Promise<T | null> {
  try {
    const parsed = schema.safeParse(JSON.parse(await fs.readFile(path.join(runDir, RUN_FILES.evaluation), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The saved evaluation (without the per-example predictions), or null. */
export async function readEvaluation(runDir: string): Promise<Evaluation | null> {
  return readEvaluationFile(runDir, evaluationSchema);
}

/**
 * The saved evaluation with every example's prediction, or null when there is none or it
 * was saved without predictions.
 */
export async function readStoredEvaluation(runDir: string): Promise<StoredEvaluation | null> {
  return readEvaluationFile(runDir, storedEvaluationSchema);
}

/** Every run folder under `runsRoot` that has a run.json. */
export async function listRunDirs(runsRoot: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(runsRoot);
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const entry of entries) {
    const dir = path.join(runsRoot, entry);
    try {
      await fs.access(path.join(dir, RUN_FILES.spec));
      dirs.push(dir);
    } catch {
      // Not a run folder (a stray file or a folder being created).
    }
  }
  return dirs;
}

/** Removes a run folder. */
export async function deleteRunDir(runDir: string): Promise<void> {
  await fs.rm(runDir, { recursive: true, force: true });
}
