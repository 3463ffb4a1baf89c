import path from 'node:path';
import type { LabHandlers, LabParsedInput } from '../../common/api/labApi';
import type { GridSearchSummary } from '../../common/api/methods/gridSearch';
import type { LabEvent } from '../../common/api/events';
import { LabError, received } from '../../common/errors';
import type { IDisposable } from '../../common/lifecycle';
import { expandGrid, withDropout, type GridSearch, type GridSearchStatus } from '../../common/training/gridSearch';
import { hyperparametersSchema } from '../../common/training/hyperparameters';
import type { RunStatus } from '../../common/training/runSpec';
import { gridFileOf, listGridIds, newGridId, readGridSearch, writeGridSearch } from '../project/gridRepository';
import { projectGridsDir } from '../project/projectRepository';
import { readRunSpec, runDirOf } from '../project/runRepository';
import type { LabContext } from './labContext';
import { resolveAllowedPath } from './paths';
import { runsRootFor } from './runHandlers';

/** What the queue asks of the run handlers. */
export type GridRunHandlers = Pick<LabHandlers, 'startRun' | 'getRun' | 'resumeRunFromCheckpoint'>;

/** A grid this process drives: where it is kept, and the run it waits for. */
interface DrivenGrid {
  grid: GridSearch;
  gridsRoot: string;
  projectDir: string | undefined;
  /** The run training now; the next combination starts when it ends. */
  currentRunId: string | null;
  /** Steps of this grid, one after another (a run ending, a cancel, a resume). */
  work: Promise<void>;
}

const LIVE_RUN: readonly RunStatus[] = ['queued', 'running', 'paused'];

/** Where grid searches live: `<project>/grids`, or `<dataDir>/grids` for grids outside a project. */
async function gridsRootFor(context: LabContext, projectDir: string | undefined): Promise<string> {
  if (projectDir === undefined) return path.join(context.options.dataDir, 'grids');
  return projectGridsDir(await resolveAllowedPath(context, projectDir));
}

/** The summary lists and events show. */
function summarizeGrid(grid: GridSearch, projectDir: string | undefined): GridSearchSummary {
  const open = grid.status === 'running' || grid.status === 'interrupted';
  return {
    id: grid.id,
    projectDir: projectDir ?? null,
    createdAt: grid.createdAt,
    status: grid.status,
    total: grid.entries.length,
    queued: open ? grid.entries.filter((entry) => entry.runId === null).length : 0,
    runIds: grid.entries.flatMap((entry) => (entry.runId === null ? [] : [entry.runId])),
    endReason: grid.endReason,
  };
}

/**
 * Runs grid searches on the main side: every combination becomes one run, started when
 * the previous one ends (done, stopped or failed). Each grid is written beside the runs
 * after every change, so a reload shows it and an interrupted one can be resumed; every
 * change is announced as a `grid.progress` event.
 */
export class GridSearchQueue implements IDisposable {
  private readonly driven = new Map<string, DrivenGrid>();
  private readonly subscription: IDisposable;

  constructor(
    private readonly context: LabContext,
    private readonly runs: GridRunHandlers,
  ) {
    this.subscription = context.events.event((event) => this.onEvent(event));
  }

  /**
   * Starts a grid: its first combination trains at once, the others follow. A grid the
   * same project was running gives up the combinations it had not started.
   *
   * @throws the first run's LabError (dataset gone, graph does not fit it); nothing is kept then.
   */
  async start(input: LabParsedInput<'startGridSearch'>): Promise<GridSearchSummary> {
    const gridsRoot = await gridsRootFor(this.context, input.projectDir);
    const now = new Date().toISOString();
    const grid: GridSearch = {
      schemaVersion: 1,
      id: newGridId(),
      createdAt: now,
      updatedAt: now,
      graph: input.graph,
      dataset: input.dataset,
      backend: input.backend ?? null,
      entries: expandGrid(input.hyperparameters, input.axes).map((combination) => ({ ...combination, hyperparameters: hyperparametersSchema.parse(combination.hyperparameters), runId: null })),
      status: 'running',
      endReason: null,
    };
    for (const other of this.driven.values()) {
      if (other.gridsRoot === gridsRoot && other.grid.status === 'running') {
        await this.step(other, async () => this.end(other, 'cancelled', `Replaced by grid search ${grid.id}.`));
      }
    }
    const driven: DrivenGrid = { grid, gridsRoot, projectDir: input.projectDir, currentRunId: null, work: Promise.resolve() };
    // The first run starts before anything is kept, so a grid that cannot start leaves nothing behind.
    await this.startNext(driven, { rethrow: true });
    return summarizeGrid(driven.grid, driven.projectDir);
  }

  /** The grids kept under the project (or the lab), newest first. */
  async list(projectDir: string | undefined): Promise<GridSearchSummary[]> {
    const gridsRoot = await gridsRootFor(this.context, projectDir);
    const rows: GridSearchSummary[] = [];
    for (const id of await listGridIds(gridsRoot)) {
      try {
        rows.push(summarizeGrid(await this.current(gridsRoot, id), projectDir));
      } catch {
        // A damaged grid file is left out of the list rather than hiding the others.
      }
    }
    return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Drops the combinations not started yet; a run already training carries on. */
  async cancel(projectDir: string | undefined, gridId: string): Promise<GridSearchSummary> {
    const gridsRoot = await gridsRootFor(this.context, projectDir);
    const driven = this.driven.get(gridFileOf(gridsRoot, gridId));
    if (driven) {
      await this.step(driven, async () => {
        if (driven.grid.status === 'running') await this.end(driven, 'cancelled', null);
      });
      return summarizeGrid(driven.grid, projectDir);
    }
    const grid = await this.current(gridsRoot, gridId);
    if (grid.status !== 'interrupted') return summarizeGrid(grid, projectDir);
    const cancelled: GridSearch = { ...grid, status: 'cancelled', updatedAt: new Date().toISOString() };
    await writeGridSearch(gridsRoot, cancelled);
    this.announce(cancelled, projectDir);
    return summarizeGrid(cancelled, projectDir);
  }

  /**
   * Continues an interrupted (or cancelled) grid: a run of it still training is waited
   * for, an interrupted one resumes from its last checkpoint, and the combinations not
   * started yet follow.
   *
   * @throws LabError `GRID_NOT_FOUND`, or `TRAIN_BAD_CONFIG` when the grid has ended.
   */
  async resume(projectDir: string | undefined, gridId: string): Promise<GridSearchSummary> {
    const gridsRoot = await gridsRootFor(this.context, projectDir);
    const file = gridFileOf(gridsRoot, gridId);
    const already = this.driven.get(file);
    if (already?.grid.status === 'running') return summarizeGrid(already.grid, projectDir);
    const grid = already?.grid ?? (await this.current(gridsRoot, gridId));
    const lastRunId = grid.entries.filter((entry) => entry.runId !== null).at(-1)?.runId ?? null;
    if (grid.status !== 'interrupted' && grid.status !== 'cancelled') {
      throw new LabError('TRAIN_BAD_CONFIG', `Expected an interrupted or cancelled grid search to resume. ${received('status', grid.status)}`, { field: 'gridId', received: gridId });
    }
    const driven: DrivenGrid = already ?? { grid, gridsRoot, projectDir, currentRunId: null, work: Promise.resolve() };
    driven.grid = { ...grid, status: 'running', endReason: null };
    this.driven.set(file, driven);
    await this.step(driven, async () => {
      const lastRun = lastRunId === null ? null : await this.runState(driven, lastRunId);
      if (lastRunId !== null && lastRun === 'live') {
        driven.currentRunId = lastRunId;
        await this.save(driven);
      } else if (lastRunId !== null && lastRun === 'interrupted') {
        try {
          await this.runs.resumeRunFromCheckpoint({ projectDir, runId: lastRunId });
        } catch (error) {
          // Nothing changed on disk: the grid reads as it did before (interrupted or cancelled).
          driven.grid = grid;
          this.driven.delete(file);
          throw error;
        }
        driven.currentRunId = lastRunId;
        await this.save(driven);
      } else {
        await this.startNext(driven, { rethrow: true });
      }
    });
    return summarizeGrid(driven.grid, projectDir);
  }

  dispose(): void {
    this.subscription.dispose();
    this.driven.clear();
  }

  /** A grid as it stands: one kept with status running that this process does not drive was interrupted. */
  private async current(gridsRoot: string, gridId: string): Promise<GridSearch> {
    const driven = this.driven.get(gridFileOf(gridsRoot, gridId));
    if (driven) return driven.grid;
    const grid = await readGridSearch(gridsRoot, gridId);
    return grid.status === 'running' ? { ...grid, status: 'interrupted' } : grid;
  }

  /** Whether a run trains now, was cut off mid-training (the app closed), or has ended. */
  private async runState(driven: DrivenGrid, runId: string): Promise<'live' | 'interrupted' | 'ended'> {
    const effective = (await this.runs.getRun({ projectDir: driven.projectDir, runId })).spec.status;
    if (LIVE_RUN.includes(effective)) return 'live';
    const stored = await readRunSpec(runDirOf(await runsRootFor(this.context, driven.projectDir), runId));
    return LIVE_RUN.includes(stored.status) ? 'interrupted' : 'ended';
  }

  private onEvent(event: LabEvent): void {
    if (event.type !== 'run.done' && event.type !== 'run.failed') return;
    for (const driven of this.driven.values()) {
      if (driven.currentRunId !== event.runId) continue;
      void this.step(driven, async () => {
        driven.currentRunId = null;
        if (driven.grid.status === 'running') await this.startNext(driven, { rethrow: false });
        else this.driven.delete(gridFileOf(driven.gridsRoot, driven.grid.id));
      });
    }
  }

  /** Runs `work` after the grid's earlier steps; a failing step does not block later ones. */
  private step(driven: DrivenGrid, work: () => Promise<void>): Promise<void> {
    const next = driven.work.then(work);
    driven.work = next.catch(() => undefined);
    return next;
  }

  /**
   * Starts the first combination without a run, or completes the grid when none is
   * left. A run that cannot start ends the grid as failed (what failed it, such as the
   * dataset being gone, would fail the rest); `rethrow` passes the error on as well.
   */
  private async startNext(driven: DrivenGrid, options: { rethrow: boolean }): Promise<void> {
    const entry = driven.grid.entries.find((candidate) => candidate.runId === null);
    if (entry === undefined) {
      await this.end(driven, 'completed', null);
      return;
    }
    let runId: string;
    try {
      ({ runId } = await this.runs.startRun({
        projectDir: driven.projectDir,
        graph: withDropout(driven.grid.graph, entry.dropout),
        dataset: driven.grid.dataset,
        hyperparameters: entry.hyperparameters,
        name: entry.name,
        ...(driven.grid.backend === null ? {} : { backend: driven.grid.backend }),
      }));
    } catch (error) {
      if (driven.grid.entries.every((candidate) => candidate.runId === null) && options.rethrow) throw error;
      await this.end(driven, 'failed', error instanceof Error ? error.message : String(error));
      if (options.rethrow) throw error;
      return;
    }
    entry.runId = runId;
    driven.currentRunId = runId;
    this.driven.set(gridFileOf(driven.gridsRoot, driven.grid.id), driven);
    await this.save(driven);
  }

  /** Ends the grid with `status`; it stays driven while a run of it trains, so that run's end is still seen. */
  private async end(driven: DrivenGrid, status: Exclude<GridSearchStatus, 'running' | 'interrupted'>, endReason: string | null): Promise<void> {
    driven.grid = { ...driven.grid, status, endReason };
    if (driven.currentRunId === null) this.driven.delete(gridFileOf(driven.gridsRoot, driven.grid.id));
    await this.save(driven);
  }

  private async save(driven: DrivenGrid): Promise<void> {
    driven.grid = { ...driven.grid, updatedAt: new Date().toISOString() };
    await writeGridSearch(driven.gridsRoot, driven.grid);
    this.announce(driven.grid, driven.projectDir);
  }

  private announce(grid: GridSearch, projectDir: string | undefined): void {
    this.context.emit({ type: 'grid.progress', grid: summarizeGrid(grid, projectDir) });
  }
}
