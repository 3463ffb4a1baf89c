import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import type { LabEvent } from '../../common/api/events';
import type { BackendReport } from '../../common/training/backend';
import { hyperparametersSchema, type HyperparametersInput } from '../../common/training/hyperparameters';
import type { Diagnosis } from '../../common/training/diagnosis';
import type { EpochRecord } from '../../common/training/epochRecord';
import type { RunSpec, RunStatus } from '../../common/training/runSpec';
import type { TransferSource } from '../../common/training/transferSource';
import type { ModelGraph } from '../../common/graph/schema';
import { labClient } from '../api/labClient';
import { appendDecimated, type SeriesPoint } from '../charts/seriesPoints';
import { useGraphStore } from './graphStore';
import { useProjectStore } from './projectStore';

/** Points kept per batch-level curve; older points are thinned beyond this. */
export const BATCH_POINT_LIMIT = 1500;

/** A vertical line on the charts: a saved checkpoint or a change of phase (LR drop, resume). */
export interface ChartMarker {
  x: number;
  label: string;
  kind: 'checkpoint' | 'phase';
}

/** Where the running run is, as the progress bar shows it. */
export interface RunProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

/** What the last run.started said about the run. */
export interface RunStartInfo {
  backend: BackendReport;
  totalParams: number;
  trainExamples: number;
  validationExamples: number;
  stepsPerEpoch: number;
}

/** Metric curves by log key (`loss`, `val_accuracy`, `lr`, ...). */
export type SeriesByKey = Record<string, SeriesPoint[]>;

/** Training status shown by the Train view: idle before any run is started or opened. */
export type TrainingStatus = RunStatus | 'idle' | 'starting';

/** A field error of the hyperparameter form, keyed by the dotted path (`optimizer.learningRate`). */
export type FormErrors = Record<string, string>;

/** Validates the hyperparameter form with the run schema; field paths map to messages. */
export function validateHyperparameters(form: HyperparametersInput): FormErrors {
  const result = hyperparametersSchema.safeParse(form);
  if (result.success) return {};
  const errors: FormErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Default form: the Keras defaults of the schema, with 5 epochs so a first run shows curves. */
export function defaultHyperparameters(): HyperparametersInput {
  return { ...hyperparametersSchema.parse({}), epochs: 5 };
}

/** True when two learning rates differ by more than rounding. */
function rateChanged(previous: number, next: number): boolean {
  return Math.abs(previous - next) > Math.max(Math.abs(previous), Math.abs(next)) * 1e-6;
}

/**
 * The running (or last opened) training run: status, progress, live metric curves and
 * diagnosis. Curves are plain arrays in `shallowRef`s, mutated in place and announced
 * with `triggerRef`, so a thousand batch events never deep-watch a thousand points.
 */
export const useTrainingStore = defineStore('training', () => {
  const activeRunId = ref<string | null>(null);
  /** The project folder the active run lives in: the open project's when it started, kept if another project opens meanwhile. */
  let activeRunProjectDir: string | undefined;
  const status = ref<TrainingStatus>('idle');
  const startInfo = shallowRef<RunStartInfo | null>(null);
  const progress = ref<RunProgress | null>(null);
  const batchSeries = shallowRef<SeriesByKey>({});
  const epochSeries = shallowRef<SeriesByKey>({});
  const markers = shallowRef<ChartMarker[]>([]);
  const diagnosis = ref<Diagnosis[]>([]);
  const endMessage = ref<{ kind: 'done' | 'failed'; text: string } | null>(null);
  const history = shallowRef<EpochRecord[]>([]);
  const form = ref<HyperparametersInput>(defaultHyperparameters());
  /** Initial weights dropped because another model took the canvas, until the form gets new ones or the note is dismissed. */
  const clearedInitialWeights = ref<TransferSource | null>(null);
  const formErrors = computed(() => validateHyperparameters(form.value));
  const formValid = computed(() => Object.keys(formErrors.value).length === 0);
  const isActive = computed(() => status.value === 'running' || status.value === 'paused' || status.value === 'starting' || status.value === 'queued');
  /** Number of run.batch events received for the active run (read by the e2e test). */
  const batchEvents = ref(0);

  function resetCurves(): void {
    batchSeries.value = {};
    epochSeries.value = {};
    markers.value = [];
    diagnosis.value = [];
    history.value = [];
    progress.value = null;
    batchEvents.value = 0;
  }

  function pushPoint(target: typeof batchSeries, key: string, point: SeriesPoint, limit: number): void {
    const series = target.value;
    series[key] ??= [];
    appendDecimated(series[key], point, limit);
  }

  function addEpochRecord(record: EpochRecord): void {
    const previous = history.value.at(-1);
    history.value.push(record);
    for (const [key, value] of Object.entries(record.logs)) pushPoint(epochSeries, key, { x: record.epoch, y: value }, Number.MAX_SAFE_INTEGER);
    pushPoint(epochSeries, 'lr', { x: record.epoch, y: record.learningRate }, Number.MAX_SAFE_INTEGER);
    if (record.phase === 2 && previous?.phase !== 2) {
      // One run, one chart: the fine-tuning phase starts at this line (a fresh optimizer at its own rate).
      const rate = record.learningRate < 1e-3 ? record.learningRate.toExponential(1) : record.learningRate.toPrecision(2);
      markers.value.push({ x: record.epoch - 1, label: `fine-tuning (LR ${rate})`, kind: 'phase' });
      triggerRef(markers);
    } else if (previous && rateChanged(previous.learningRate, record.learningRate)) {
      markers.value.push({ x: record.epoch - 1, label: `LR ${previous.learningRate.toPrecision(2)} → ${record.learningRate.toPrecision(2)}`, kind: 'phase' });
      triggerRef(markers);
    }
    triggerRef(history);
    triggerRef(epochSeries);
  }

  /** Moves the best-checkpoint marker to `epoch` (one marker: the best so far). */
  function markBest(epoch: number, monitor: string, value: number | null): void {
    markers.value = [...markers.value.filter((marker) => marker.kind !== 'checkpoint'), { x: epoch, label: `best ${monitor}${value === null ? '' : ` ${value.toFixed(4)}`}`, kind: 'checkpoint' }];
  }

  /** Applies one lab event to the store; events of other runs are ignored. */
  function handleEvent(event: LabEvent): void {
    if (!event.type.startsWith('run.') || !('runId' in event) || event.runId !== activeRunId.value) return;
    switch (event.type) {
      case 'run.started':
        status.value = 'running';
        startInfo.value = { backend: event.backend, totalParams: event.totalParams, trainExamples: event.trainExamples, validationExamples: event.validationExamples, stepsPerEpoch: event.stepsPerEpoch };
        progress.value = { epoch: event.initialEpoch, epochs: event.hyperparameters.epochs + (event.hyperparameters.fineTune?.epochs ?? 0), batch: 0, batches: event.stepsPerEpoch, imagesPerSecond: 0, etaSeconds: 0 };
        if (event.initialEpoch > 1) {
          // Training restarts from the checkpoint at the end of epoch initialEpoch - 1: later points are replaced.
          const resumeX = event.initialEpoch - 1;
          for (const series of Object.values(batchSeries.value)) series.splice(0, series.length, ...series.filter((point) => point.x <= resumeX));
          for (const series of Object.values(epochSeries.value)) series.splice(0, series.length, ...series.filter((point) => point.x <= resumeX));
          history.value = history.value.filter((record) => record.epoch <= resumeX);
          markers.value = [...markers.value.filter((marker) => marker.x <= resumeX), { x: resumeX, label: 'resumed', kind: 'phase' }];
          triggerRef(batchSeries);
          triggerRef(epochSeries);
        }
        break;
      case 'run.batch': {
        batchEvents.value += 1;
        const x = event.epoch - 1 + event.batch / Math.max(1, event.batches);
        for (const [key, value] of Object.entries(event.logs)) pushPoint(batchSeries, key, { x, y: value }, BATCH_POINT_LIMIT);
        triggerRef(batchSeries);
        progress.value = { epoch: event.epoch, epochs: progress.value?.epochs ?? event.epoch, batch: event.batch, batches: event.batches, imagesPerSecond: event.imagesPerSecond, etaSeconds: event.etaSeconds };
        break;
      }
      case 'run.epoch':
        addEpochRecord(event.record);
        diagnosis.value = event.diagnosis;
        if (progress.value) progress.value = { ...progress.value, epochs: event.epochs, epoch: event.record.epoch };
        break;
      case 'run.checkpoint':
        if (event.kind === 'best') markBest(event.epoch, event.monitor, event.value);
        break;
      case 'run.status':
        status.value = event.status;
        break;
      case 'run.done':
        status.value = event.reason === 'stopped' ? 'stopped' : 'completed';
        endMessage.value = { kind: 'done', text: event.message };
        // The best epoch as run.json records it, whatever checkpoint events arrived before.
        if (event.best) markBest(event.best.epoch, event.best.monitor, event.best.value);
        if (event.reason === 'early_stopping') {
          markers.value.push({ x: event.epochsCompleted, label: 'early stop', kind: 'phase' });
          triggerRef(markers);
        }
        break;
      case 'run.failed':
        status.value = 'failed';
        endMessage.value = { kind: 'failed', text: `${event.reason} (${event.code}; ${event.lastGoodEpoch > 0 ? `last saved epoch ${event.lastGoodEpoch}` : 'no epoch saved'})` };
        break;
    }
  }

  /** Starts a run of `graph` on a dataset with the form's hyperparameters (or `overrides`), in the open project (or `projectDir`). */
  async function start(options: { graph: ModelGraph; dataset: string; projectDir?: string; name?: string; hyperparameters?: HyperparametersInput }): Promise<string> {
    const hyperparameters = hyperparametersSchema.parse(options.hyperparameters ?? form.value);
    const projectDir = options.projectDir ?? useProjectStore().dir;
    resetCurves();
    endMessage.value = null;
    status.value = 'starting';
    activeRunProjectDir = projectDir;
    try {
      const { runId } = await labClient.startRun({ graph: options.graph, dataset: options.dataset, hyperparameters, projectDir, name: options.name });
      activeRunId.value = runId;
      if (status.value === 'starting') status.value = 'queued';
      return runId;
    } catch (error) {
      status.value = 'failed';
      endMessage.value = { kind: 'failed', text: (error as Error).message };
      throw error;
    }
  }

  function runRef(): { runId: string; projectDir?: string } {
    if (!activeRunId.value) throw new Error('Expected an active run. Received: activeRunId=null');
    return { runId: activeRunId.value, projectDir: activeRunProjectDir };
  }

  async function pause(): Promise<void> {
    status.value = (await labClient.pauseRun(runRef())).status;
  }

  async function resume(): Promise<void> {
    status.value = (await labClient.resumeRun(runRef())).status;
  }

  async function stop(): Promise<void> {
    await labClient.stopRun(runRef());
  }

  /** Continues the active (stopped or failed) run from its last checkpoint; curves keep their history. */
  async function resumeFromCheckpoint(epochs?: number): Promise<void> {
    const ref = runRef();
    const previous = status.value;
    status.value = 'starting';
    let runId: string;
    try {
      runId = (await labClient.resumeRunFromCheckpoint({ ...ref, epochs })).runId;
    } catch (error) {
      status.value = previous;
      throw error;
    }
    endMessage.value = null;
    activeRunId.value = runId;
    status.value = 'queued';
  }

  /** Shows a run of the open project started elsewhere (a grid search's next run) as it trains, as `start` shows its own. */
  function watchRun(runId: string): void {
    resetCurves();
    endMessage.value = null;
    activeRunId.value = runId;
    activeRunProjectDir = useProjectStore().dir;
    status.value = 'queued';
  }

  /** The stored spec of the active run (what the engine recorded about it so far). */
  async function activeRunSpec(): Promise<RunSpec> {
    return (await labClient.getRun(runRef())).spec;
  }

  /** Shows a stored run of the open project: its epoch curves, diagnosis-free until it trains again. */
  async function openRun(runId: string): Promise<void> {
    const projectDir = useProjectStore().dir;
    const run = await labClient.getRun({ runId, projectDir });
    resetCurves();
    activeRunId.value = runId;
    activeRunProjectDir = projectDir;
    status.value = run.spec.status;
    startInfo.value = run.spec.backend ? { backend: run.spec.backend, totalParams: 0, trainExamples: 0, validationExamples: 0, stepsPerEpoch: 0 } : null;
    endMessage.value = run.spec.endReason ? { kind: run.spec.status === 'failed' ? 'failed' : 'done', text: run.spec.endReason } : null;
    for (const record of run.history) addEpochRecord(record);
    if (run.spec.best) markBest(run.spec.best.epoch, run.spec.best.monitor, run.spec.best.value);
    loadForm(run.spec.hyperparameters);
  }

  /** Puts the form back to the Keras defaults. */
  function resetForm(): void {
    form.value = defaultHyperparameters();
  }

  /** Fills the form with saved hyperparameters (a project's settings, a stored run's). */
  function loadForm(hyperparameters: HyperparametersInput): void {
    form.value = structuredClone(hyperparameters);
    clearedInitialWeights.value = null;
  }

  /** Drops the form's initial weights (they were chosen for the model the canvas showed before), remembering them for the note. */
  function dropInitialWeights(): void {
    const chosen = form.value.initialWeights;
    if (chosen === undefined) return;
    const { initialWeights: _dropped, ...rest } = form.value;
    form.value = rest;
    clearedInitialWeights.value = chosen;
  }

  // Initial weights belong to the graph they were chosen for. Synchronous, so a caller that
  // switches the model and then chooses weights for the new one (a transfer) keeps them.
  watch(() => useGraphStore().modelSwitches, dropInitialWeights, { flush: 'sync' });

  labClient.onEvent(handleEvent);

  return {
    activeRunId, status, startInfo, progress, batchSeries, epochSeries, markers, diagnosis, endMessage, history, form, clearedInitialWeights, formErrors, formValid, isActive, batchEvents,
    handleEvent, start, watchRun, pause, resume, stop, resumeFromCheckpoint, activeRunSpec, openRun, resetForm, loadForm,
  };
});
