import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../../common/api/events';
import type { GridSearchSummary } from '../../../../common/api/methods/gridSearch';
import { LabError } from '../../../../common/errors';
import { gridAxesSchema } from '../../../../common/training/gridSearch';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import type { RunSpec, RunStatus } from '../../../../common/training/runSpec';
import { GridSearchQueue, type GridRunHandlers } from '../../../../main/api/gridSearchQueue';
import { LabContext } from '../../../../main/api/labContext';
import { createRunDir, readRunSpec, runDirOf, updateRunSpec } from '../../../../main/project/runRepository';
import { tinyGraph } from '../engine/train/datasetFixture';

let dataDir: string;
let context: LabContext;
let events: LabEvent[];

/**
 * Run handlers that keep run folders on disk as the real ones do, with the processes
 * faked: a started run stays live until `finish` ends it.
 */
function fakeRuns(options: { failOnStart?: (count: number) => string | null } = {}) {
  const live = new Set<string>();
  const started: { runId: string; name: string; graph: RunSpec['graph']; hyperparameters: RunSpec['hyperparameters'] }[] = [];
  const resumed: string[] = [];
  const runsRoot = path.join(dataDir, 'runs');
  const handlers: GridRunHandlers = {
    async startRun(input) {
      const failure = options.failOnStart?.(started.length + 1) ?? null;
      if (failure !== null) throw new LabError('DATASET_NOT_FOUND', failure);
      const runId = `run-${started.length + 1}`;
      const now = new Date().toISOString();
      await createRunDir(runsRoot, {
        schemaVersion: 1, id: runId, name: input.name ?? runId, createdAt: now, graph: input.graph,
        dataset: { id: 'd', name: 'd', cacheDir: '/d', fingerprint: 'f', classes: ['a', 'b', 'c'], imageShape: [8, 8, 1] },
        hyperparameters: input.hyperparameters, backendPreference: null, backend: null, status: 'running', epochsCompleted: 0,
        best: null, last: null, endReason: null, updatedAt: now,
      });
      live.add(runId);
      started.push({ runId, name: input.name ?? runId, graph: input.graph, hyperparameters: input.hyperparameters });
      return { runId, runDir: runDirOf(runsRoot, runId) };
    },
    async getRun(input) {
      const runDir = runDirOf(runsRoot, input.runId);
      const spec = await readRunSpec(runDir);
      const status: RunStatus = live.has(input.runId) ? spec.status : spec.status === 'running' ? 'failed' : spec.status;
      return { spec: { ...spec, status }, history: [], evaluation: null, runDir };
    },
    async resumeRunFromCheckpoint(input) {
      resumed.push(input.runId);
      live.add(input.runId);
      return { runId: input.runId, runDir: runDirOf(runsRoot, input.runId) };
    },
  };
  /** Ends a live run the way the supervisor does: run.json final, then run.done. */
  async function finish(runId: string): Promise<void> {
    live.delete(runId);
    await updateRunSpec(runDirOf(runsRoot, runId), { status: 'completed', epochsCompleted: 1 });
    context.emit({ type: 'run.done', runId, reason: 'completed', epochsCompleted: 1, best: null, message: 'done' });
  }
  return { handlers, started, resumed, finish };
}

const axes = gridAxesSchema.parse({ learningRate: [0.01, 0.001], batchSize: [8, 16] });
const request = (overrides: Partial<{ axes: typeof axes }> = {}) => ({
  graph: tinyGraph(), dataset: 'd', hyperparameters: hyperparametersSchema.parse({ epochs: 1 }), axes, ...overrides,
});

/** The grid.progress events seen so far, as summaries. */
function progress(): GridSearchSummary[] {
  return events.flatMap((event) => (event.type === 'grid.progress' ? [event.grid] : []));
}

/** Resolves with the first grid.progress summary (already seen or still to come) that `matches`. */
function whenProgress(matches: (grid: GridSearchSummary) => boolean): Promise<GridSearchSummary> {
  const seen = progress().find(matches);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => {
    const subscription = context.events.event((event) => {
      if (event.type === 'grid.progress' && matches(event.grid)) {
        subscription.dispose();
        resolve(event.grid);
      }
    });
  });
}

/** Resolves once the grid has started `count` runs. */
const whenStarted = (count: number) => whenProgress((grid) => grid.runIds.length === count);

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-grid-'));
  context = new LabContext({ dataDir, allowedRoots: [dataDir] });
  events = [];
  context.events.event((event) => events.push(event));
});

afterEach(async () => {
  context.dispose();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('GridSearchQueue', () => {
  it('trains every combination one run after another, then completes', async () => {
    const runs = fakeRuns();
    const queue = new GridSearchQueue(context, runs.handlers);
    const first = await queue.start(request());
    expect(first).toMatchObject({ status: 'running', total: 4, queued: 3, runIds: ['run-1'] });
    expect(runs.started.map((run) => run.name)).toEqual(['grid adam lr=0.01 bs=8']);
    for (const [index, runId] of ['run-1', 'run-2', 'run-3'].entries()) {
      await runs.finish(runId);
      await whenStarted(index + 2);
    }
    expect(runs.started.map((run) => run.name)).toEqual(['grid adam lr=0.01 bs=8', 'grid adam lr=0.01 bs=16', 'grid adam lr=0.001 bs=8', 'grid adam lr=0.001 bs=16']);
    expect(runs.started.map((run) => [run.hyperparameters.optimizer.learningRate, run.hyperparameters.batchSize, run.hyperparameters.epochs])).toEqual([[0.01, 8, 1], [0.01, 16, 1], [0.001, 8, 1], [0.001, 16, 1]]);
    await runs.finish('run-4');
    await whenProgress((grid) => grid.status === 'completed');
    expect(await queue.list(undefined)).toEqual([{ ...first, status: 'completed', queued: 0, runIds: ['run-1', 'run-2', 'run-3', 'run-4'] }]);
    queue.dispose();
  });

  it('sets every Dropout layer of a combination to its rate', async () => {
    const runs = fakeRuns();
    const queue = new GridSearchQueue(context, runs.handlers);
    const graph = tinyGraph();
    graph.nodes.splice(2, 0, { id: 'drop', type: 'Dropout', name: 'dropout', params: { rate: 0.5 }, trainable: true, position: { x: 0, y: 0 } });
    await queue.start({ ...request({ axes: gridAxesSchema.parse({ dropout: [0.2] }) }), graph });
    expect(runs.started[0]?.name).toBe('grid adam bs=32 drop=0.2');
    expect(runs.started[0]?.graph.nodes.find((node) => node.id === 'drop')?.params).toEqual({ rate: 0.2 });
    queue.dispose();
  });

  it('keeps nothing when the first run cannot start, and says why', async () => {
    const runs = fakeRuns({ failOnStart: () => 'Expected the dataset. Received: dataset=d' });
    const queue = new GridSearchQueue(context, runs.handlers);
    await expect(queue.start(request())).rejects.toMatchObject({ code: 'DATASET_NOT_FOUND' });
    expect(await queue.list(undefined)).toEqual([]);
    queue.dispose();
  });

  it('fails the grid, with the reason, when a later run cannot start', async () => {
    const runs = fakeRuns({ failOnStart: (count) => (count === 2 ? 'Expected the dataset. Received: dataset=d' : null) });
    const queue = new GridSearchQueue(context, runs.handlers);
    await queue.start(request());
    await runs.finish('run-1');
    expect(await whenProgress((grid) => grid.status === 'failed')).toMatchObject({ status: 'failed', queued: 0, runIds: ['run-1'], endReason: 'Expected the dataset. Received: dataset=d' });
    queue.dispose();
  });

  it('drops the combinations not started when cancelled; the training run carries on and nothing follows it', async () => {
    const runs = fakeRuns();
    const queue = new GridSearchQueue(context, runs.handlers);
    const { id } = await queue.start(request());
    expect(await queue.cancel(undefined, id)).toMatchObject({ status: 'cancelled', queued: 0, runIds: ['run-1'] });
    await runs.finish('run-1');
    // Another grid's step proves the queue has handled run-1's end.
    await queue.start(request({ axes: gridAxesSchema.parse({ batchSize: [4] }) }));
    expect(runs.started.map((run) => run.runId)).toEqual(['run-1', 'run-2']);
    expect((await queue.list(undefined)).find((grid) => grid.id === id)).toMatchObject({ status: 'cancelled', runIds: ['run-1'] });
    queue.dispose();
  });

  it('reads as interrupted after the app closed mid-grid, and resumes: the cut-off run from its checkpoint, then the rest', async () => {
    const before = fakeRuns();
    const closed = new GridSearchQueue(context, before.handlers);
    const { id } = await closed.start(request());
    await before.finish('run-1');
    await whenStarted(2);
    closed.dispose();

    // A new process: run-2's run.json still says running, but nothing trains it.
    const after = fakeRuns();
    after.started.push(...before.started);
    const queue = new GridSearchQueue(context, after.handlers);
    expect(await queue.list(undefined)).toEqual([expect.objectContaining({ id, status: 'interrupted', queued: 2, runIds: ['run-1', 'run-2'] })]);
    expect(await queue.resume(undefined, id)).toMatchObject({ status: 'running', runIds: ['run-1', 'run-2'] });
    expect(after.resumed).toEqual(['run-2']);
    await after.finish('run-2');
    await whenStarted(3);
    expect(after.started[2]?.name).toBe('grid adam lr=0.001 bs=8');
    queue.dispose();
  });

  it('refuses to resume a grid that has ended, and an unknown grid with GRID_NOT_FOUND', async () => {
    const runs = fakeRuns();
    const queue = new GridSearchQueue(context, runs.handlers);
    const { id } = await queue.start(request({ axes: gridAxesSchema.parse({ batchSize: [8] }) }));
    await runs.finish('run-1');
    await whenProgress((grid) => grid.status === 'completed');
    await expect(queue.resume(undefined, id)).rejects.toMatchObject({ code: 'TRAIN_BAD_CONFIG' });
    await expect(queue.resume(undefined, 'grid-none')).rejects.toMatchObject({ code: 'GRID_NOT_FOUND' });
    queue.dispose();
  });
});
