import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { LabEvent } from '../../common/api/events';
import type { GridSearchSummary } from '../../common/api/methods/gridSearch';
import type { RunSummary } from '../../common/api/methods/runs';
import type { ModelGraph } from '../../common/graph/schema';
import type { GridAxes } from '../../common/training/gridSearch';
import type { HyperparametersInput } from '../../common/training/hyperparameters';
import { labClient } from '../api/labClient';
import { useProjectStore } from './projectStore';
import { useRunsStore } from './runsStore';
import { useTrainingStore } from './trainingStore';
import { useUiStore } from './uiStore';

/** A plain copy of values that may be reactive proxies, which IPC's structured clone rejects. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The grid search the Train view shows: the newest of the open project (projectStore owns
 * the folder), run by the main side (so it survives a reload and can be resumed). Each run
 * the grid starts becomes the Train view's live run, as a run started with Start does.
 */
export const useGridSearchStore = defineStore('gridSearch', () => {
  const grid = shallowRef<GridSearchSummary | null>(null);
  /** The newest grid run the Train view was pointed at, so each new run is followed once. */
  let followedRunId: string | null = null;

  /** Combinations not started yet. */
  const queued = computed(() => grid.value?.queued ?? 0);
  /** The grid's runs in the project's run list, with their final metrics. */
  const results = computed<RunSummary[]>(() => {
    const ids = grid.value?.runIds ?? [];
    return useRunsStore().runs.filter((run) => ids.includes(run.id));
  });
  /** True when the grid stopped with combinations left because nothing drove it any more (the app was closed). */
  const canResume = computed(() => grid.value?.status === 'interrupted');

  /**
   * Points the Train view at the grid's newest run when it has not followed it yet. A grid
   * of a project no longer open keeps running on the main side but is not followed.
   */
  function follow(summary: GridSearchSummary): void {
    if ((summary.projectDir ?? undefined) !== useProjectStore().dir) return;
    grid.value = summary;
    const newest = summary.runIds.at(-1) ?? null;
    if (summary.status !== 'running' || newest === null || newest === followedRunId) return;
    followedRunId = newest;
    useTrainingStore().watchRun(newest);
    void useRunsStore().refresh();
  }

  /** Shows the newest grid search of the open project (or of the lab when none is open). */
  async function load(): Promise<void> {
    const projectDir = useProjectStore().dir;
    const [newest] = await labClient.listGridSearches({ projectDir });
    if (projectDir !== useProjectStore().dir) return;
    grid.value = newest ?? null;
    followedRunId = newest?.runIds.at(-1) ?? null;
  }

  /**
   * Starts a grid search over `axes` from `base` in the open project; its first run starts at once.
   * @throws LabError when the first run cannot start (nothing is queued then).
   */
  async function start(request: { graph: ModelGraph; dataset: string; base: HyperparametersInput; axes: GridAxes }): Promise<void> {
    follow(await labClient.startGridSearch({
      projectDir: useProjectStore().dir,
      graph: request.graph,
      dataset: request.dataset,
      hyperparameters: plain(request.base),
      axes: plain(request.axes),
    }));
  }

  /** Drops the combinations not started yet. */
  async function dropQueued(): Promise<void> {
    const current = grid.value;
    if (!current) return;
    grid.value = await labClient.cancelGridSearch({ projectDir: current.projectDir ?? undefined, gridId: current.id });
  }

  /** Continues an interrupted grid: its cut-off run resumes from its checkpoint, then the rest follow. */
  async function resume(): Promise<void> {
    const current = grid.value;
    if (!current) return;
    followedRunId = null;
    follow(await labClient.resumeGridSearch({ projectDir: current.projectDir ?? undefined, gridId: current.id }));
  }

  function handleEvent(event: LabEvent): void {
    if (event.type !== 'grid.progress' || event.grid.id !== grid.value?.id) return;
    follow(event.grid);
    if (event.grid.status === 'failed' && event.grid.endReason !== null) useUiStore().showNotice(`Grid search stopped: ${event.grid.endReason}`, 'error');
  }

  labClient.onEvent(handleEvent);

  return { grid, queued, results, canResume, load, start, dropQueued, resume };
});
