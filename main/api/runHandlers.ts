import fs from 'node:fs/promises';
import path from 'node:path';
import type { LabHandlers } from '../../common/api/labApi';
import type { RunSummary } from '../../common/api/methods/runs';
import type { RunSpec } from '../../common/training/runSpec';
import { LabError } from '../../common/errors';
import type { IDisposable } from '../../common/lifecycle';
import { CACHE_FILES, findDatasetDir, openDatasetCache, readDatasetInfo } from '../data/datasetCache';
import { initBackend, parseBackendName, type Tfjs } from '../engine/backend';
import { confusionCellImages } from '../engine/confusionCell';
import { evaluateModel, loadRunModel, predictFiles } from '../engine/evaluate';
import { computeFeatureMaps } from '../engine/featureMaps';
import { nodeProcessLauncher } from '../engine/process/launcher';
import { RunSupervisor, type RunEnd, type RunLaunch } from '../engine/process/runSupervisor';
import { clearBackendFault, faultsToAvoid, readBackendFaults, recordBackendFault } from '../engine/backendFaultLog';
import { trainingEntryPath } from '../training/trainingEntryPath';
import { checkGraphFitsDataset } from '../engine/train/graphFit';
import { fineTunePlanOf } from '../engine/train/trainingPhases';
import { resolveTransferSourcePaths } from './transferPaths';
import { projectRunsDir } from '../project/projectRepository';
import { summarizeRun } from '../project/runSummary';
import {
  createRunDir, deleteRunDir, listRunDirs, newRunId, readEvaluation, readHistory, readRunSpec, readStoredEvaluation, runDirOf, updateRunSpec, writeEvaluation,
} from '../project/runRepository';
import type { LabContext } from './labContext';
import { resolveAllowedPath } from './paths';
import { currentClassNames, withClassNames } from '../data/classNames';

type RunMethodName = 'startRun' | 'pauseRun' | 'resumeRun' | 'stopRun' | 'listRuns' | 'getRun' | 'deleteRun'
  | 'resumeRunFromCheckpoint' | 'compareRuns' | 'evaluateRun' | 'getConfusionCellImages' | 'predictImages' | 'getFeatureMaps';

/** Where runs live: `<project>/runs`, or `<dataDir>/runs` for runs outside a project. */
export async function runsRootFor(context: LabContext, projectDir: string | undefined): Promise<string> {
  if (projectDir === undefined) return path.join(context.options.dataDir, 'runs');
  return projectRunsDir(await resolveAllowedPath(context, projectDir));
}

async function hasCache(dir: string): Promise<boolean> {
  return fs.access(path.join(dir, CACHE_FILES.info)).then(() => true, () => false);
}

/**
 * Finds the cache folder of `dataset`: a cache folder path, a dataset the project owns
 * (`<project>/datasets/<id>`), or a lab dataset id (`<dataDir>/datasets/<id>`).
 *
 * @throws LabError `DATASET_NOT_FOUND` when none of them exists.
 */
export async function resolveDatasetDir(context: LabContext, dataset: string, projectDir: string | undefined): Promise<string> {
  if (dataset.includes('/') || dataset.includes('\\')) {
    const dir = await resolveAllowedPath(context, dataset);
    if (await hasCache(dir)) return dir;
    throw new LabError('DATASET_NOT_FOUND', `Expected a dataset cache folder (with ${CACHE_FILES.info}); import the images first. Received: dataset=${JSON.stringify(dataset)}`, { field: 'dataset', path: dataset });
  }
  if (projectDir !== undefined) {
    const owned = path.join(await resolveAllowedPath(context, projectDir), 'datasets', dataset);
    if (await hasCache(owned)) return owned;
  }
  return findDatasetDir(context.options.dataDir, dataset);
}

/** A path check of one run.json field: the policy's refusal, naming the field it came from. */
async function checkRunField<T>(field: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof LabError) || error.code !== 'API_PATH_DENIED') throw error;
    throw new LabError('API_PATH_DENIED', `run.json's ${field}: ${error.message}`, { ...error.details, field });
  }
}

/**
 * A run's spec with the paths run.json keeps (its dataset cache; the model file or
 * project its initial weights come from) checked against the allowed folders like paths
 * from a caller: run.json is a file on disk that can be edited, or planted by an upload,
 * not a record the lab can trust.
 *
 * @throws LabError `API_PATH_DENIED` naming the field (`dataset.cacheDir`, `hyperparameters.initialWeights`).
 */
export async function checkedRunSpec(context: LabContext, spec: RunSpec): Promise<RunSpec> {
  const cacheDir = await checkRunField('dataset.cacheDir', () => resolveAllowedPath(context, spec.dataset.cacheDir));
  const initial = spec.hyperparameters.initialWeights;
  const initialWeights = initial === undefined ? undefined : await checkRunField('hyperparameters.initialWeights', () => resolveTransferSourcePaths(context, initial));
  return {
    ...spec,
    dataset: { ...spec.dataset, cacheDir },
    hyperparameters: initialWeights === undefined ? spec.hyperparameters : { ...spec.hyperparameters, initialWeights },
  };
}

const LIVE_STATUSES: readonly RunSpec['status'][] = ['queued', 'running', 'paused'];

/**
 * The status to show: the supervisor's for a live run; a run.json that still says
 * running without a process (the app was closed or crashed mid-run) reads as failed.
 */
function effectiveSpec(spec: RunSpec, liveStatus: RunSpec['status'] | undefined): RunSpec {
  if (liveStatus !== undefined) return { ...spec, status: liveStatus };
  if (!LIVE_STATUSES.includes(spec.status)) return spec;
  return { ...spec, status: 'failed', endReason: `The training process is no longer running (the app was closed or it crashed); resume from epoch ${spec.epochsCompleted}.` };
}

/** Builds the summary row of a run for lists. */
async function summarize(runDir: string, stored: RunSpec, liveStatus: RunSpec['status'] | undefined): Promise<RunSummary> {
  const history = await readHistory(runDir);
  return summarizeRun(effectiveSpec(stored, liveStatus), history);
}

/**
 * Remembers a GPU fault of the backend a run failed on, so that the next run falls back to
 * the next backend; a run that ends normally on a backend clears its fault.
 */
async function rememberBackendOutcome(dataDir: string, launch: RunLaunch, end: RunEnd): Promise<void> {
  let backend: RunSpec['backend'];
  try {
    backend = (await readRunSpec(launch.runDir)).backend;
  } catch {
    return;
  }
  if (backend === null) return;
  if (end.type === 'run.failed' && end.code === 'TRAIN_GPU_FAULT') {
    await recordBackendFault(dataDir, { backend: backend.chosen, device: backend.device, reason: end.reason, runId: launch.runId, at: new Date().toISOString() });
  } else if (end.type === 'run.done') {
    await clearBackendFault(dataDir, backend.chosen);
  }
}

/**
 * LabApi handlers of training runs. Each run trains in its own process owned by a
 * `RunSupervisor`; events reach the caller through `context.emit`. Evaluation and
 * prediction run here, on the backend of this process.
 */
export function createRunHandlers(context: LabContext, disposables: IDisposable[]): Pick<LabHandlers, RunMethodName> {
  const dataDir = context.options.dataDir;
  const supervisor = new RunSupervisor(
    context.options.launcher ?? nodeProcessLauncher, (event) => context.emit(event), trainingEntryPath(),
    (launch, end) => rememberBackendOutcome(dataDir, launch, end),
  );
  disposables.push(supervisor);
  let backend: Promise<Tfjs> | undefined;
  const tfOnce = (): Promise<Tfjs> => {
    backend ??= readBackendFaults(dataDir).then((faults) => initBackend({ preference: parseBackendName(context.options.backend), avoid: faults })).then((r) => r.tf);
    return backend;
  };
  /** The faults a run avoids: every remembered one but the backend it asks for by name. */
  const avoidFor = async (requested: RunSpec['backendPreference'] | undefined) => faultsToAvoid(await readBackendFaults(dataDir), requested ?? undefined);

  const locate = async (projectDir: string | undefined, runId: string): Promise<{ runDir: string; spec: RunSpec }> => {
    const runDir = runDirOf(await runsRootFor(context, projectDir), runId);
    return { runDir, spec: await readRunSpec(runDir) };
  };
  /** `locate` for methods that read the run's dataset or initial weights: their paths checked (see `checkedRunSpec`). */
  const locateChecked = async (projectDir: string | undefined, runId: string): Promise<{ runDir: string; spec: RunSpec }> => {
    const { runDir, spec } = await locate(projectDir, runId);
    return { runDir, spec: await checkedRunSpec(context, spec) };
  };

  const requireIdle = (runId: string): void => {
    if (supervisor.status(runId) !== undefined) {
      throw new LabError('TRAIN_BUSY', `Expected run ${runId} not to be training; stop it first. Received: runId=${JSON.stringify(runId)}`, { field: 'runId', received: runId });
    }
  };

  return {
    async startRun(input) {
      const runsRoot = await runsRootFor(context, input.projectDir);
      const datasetDir = await resolveDatasetDir(context, input.dataset, input.projectDir);
      const info = await readDatasetInfo(datasetDir);
      checkGraphFitsDataset(input.graph, info);
      // A fine-tuning phase that names no layer of the graph is refused now, not at epoch N.
      fineTunePlanOf(input.graph, input.hyperparameters);
      const now = new Date();
      const id = newRunId(now);
      const backendPreference = input.backend ?? parseBackendName(context.options.backend) ?? null;
      const spec: RunSpec = {
        schemaVersion: 1, id, name: input.name ?? `${input.graph.name} on ${info.name}`, createdAt: now.toISOString(), graph: input.graph,
        dataset: { id: info.id, name: info.name, cacheDir: datasetDir, fingerprint: info.fingerprint, classes: info.classes, imageShape: info.imageShape },
        hyperparameters: input.hyperparameters.initialWeights === undefined ? input.hyperparameters
          : { ...input.hyperparameters, initialWeights: await resolveTransferSourcePaths(context, input.hyperparameters.initialWeights) },
        backendPreference, backend: null, status: 'queued', epochsCompleted: 0,
        best: null, last: null, endReason: null, updatedAt: now.toISOString(),
      };
      const runDir = await createRunDir(runsRoot, spec);
      const avoid = await avoidFor(input.backend);
      void supervisor.start({ runId: id, runDir, datasetDir, initialWeights: spec.hyperparameters.initialWeights ?? null, backend: backendPreference, avoid, resume: false });
      return { runId: id, runDir };
    },
    pauseRun: async (input) => ({ status: supervisor.pause(input.runId) }),
    resumeRun: async (input) => ({ status: supervisor.resume(input.runId) }),
    stopRun: async (input) => ({ status: supervisor.stop(input.runId) }),
    async listRuns(input) {
      const root = await runsRootFor(context, input.projectDir);
      const rows: RunSummary[] = [];
      for (const dir of await listRunDirs(root)) {
        try {
          const spec = await readRunSpec(dir);
          rows.push(await summarize(dir, spec, supervisor.status(spec.id)));
        } catch {
          // A damaged run folder is left out of the list rather than hiding every other run.
        }
      }
      return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async getRun(input) {
      const { runDir, spec } = await locate(input.projectDir, input.runId);
      const evaluation = await readEvaluation(runDir);
      return {
        spec: effectiveSpec(spec, supervisor.status(spec.id)),
        history: await readHistory(runDir),
        evaluation: evaluation && withClassNames(evaluation, await currentClassNames(spec.dataset)),
        runDir,
      };
    },
    async deleteRun(input) {
      requireIdle(input.runId);
      const { runDir } = await locate(input.projectDir, input.runId);
      await deleteRunDir(runDir);
      return { deleted: true };
    },
    async resumeRunFromCheckpoint(input) {
      requireIdle(input.runId);
      const { runDir, spec } = await locateChecked(input.projectDir, input.runId);
      const epochs = input.epochs ?? spec.hyperparameters.epochs;
      if (epochs <= spec.epochsCompleted) {
        throw new LabError('TRAIN_BAD_CONFIG', `Expected more epochs than the ${spec.epochsCompleted} already trained. Received: epochs=${epochs}`, { field: 'epochs', received: epochs });
      }
      await updateRunSpec(runDir, { hyperparameters: { ...spec.hyperparameters, epochs }, status: 'queued', endReason: null });
      const backendPreference = input.backend ?? spec.backendPreference;
      const avoid = await avoidFor(input.backend);
      void supervisor.start({ runId: spec.id, runDir, datasetDir: spec.dataset.cacheDir, initialWeights: spec.hyperparameters.initialWeights ?? null, backend: backendPreference, avoid, resume: true });
      return { runId: spec.id, runDir };
    },
    async compareRuns(input) {
      const series = [];
      for (const runId of input.runIds) {
        const { runDir, spec } = await locate(input.projectDir, runId);
        const history = await readHistory(runDir);
        const points = history.flatMap((r) => {
          const value = input.metric === 'learning_rate' ? r.learningRate : r.logs[input.metric];
          return value === undefined ? [] : [{ epoch: r.epoch, value }];
        });
        series.push({ runId, name: spec.name, points });
      }
      return { metric: input.metric, series };
    },
    async evaluateRun(input) {
      const { runDir, spec } = await locateChecked(input.projectDir, input.runId);
      const tf = await tfOnce();
      const cache = await openDatasetCache(spec.dataset.cacheDir);
      const { model } = await loadRunModel(tf, runDir, spec, input.checkpoint);
      try {
        const evaluation = await evaluateModel({ tf, model, cache, spec, checkpoint: input.checkpoint, misclassified: input.misclassified, topK: input.topK ?? spec.hyperparameters.topK });
        await writeEvaluation(runDir, evaluation);
        // Per-example predictions stay in the run folder; getConfusionCellImages reads them.
        const { predictions: _saved, ...result } = evaluation;
        return result;
      } finally {
        model.dispose();
        cache.dispose();
      }
    },
    async getConfusionCellImages(input) {
      const { runDir, spec } = await locateChecked(input.projectDir, input.runId);
      const evaluation = await readStoredEvaluation(runDir);
      if (!evaluation) {
        throw new LabError('IO_NOT_FOUND', `Expected a saved evaluation with per-example predictions; evaluate the run first. Received: runId=${JSON.stringify(spec.id)}`, { field: 'runId', received: spec.id, path: runDir });
      }
      if (input.checkpoint !== undefined && input.checkpoint !== evaluation.checkpoint) {
        throw new LabError('IO_NOT_FOUND', `Expected a saved evaluation of the ${input.checkpoint} checkpoint; evaluate it first. Received: checkpoint=${JSON.stringify(evaluation.checkpoint)}`, { field: 'checkpoint', received: evaluation.checkpoint });
      }
      const cache = await openDatasetCache(spec.dataset.cacheDir);
      try {
        return await confusionCellImages(cache, evaluation, { trueClass: input.trueClass, predictedClass: input.predictedClass, limit: input.limit });
      } finally {
        cache.dispose();
      }
    },
    async predictImages(input) {
      const { runDir, spec } = await locateChecked(input.projectDir, input.runId);
      const files = await Promise.all(input.paths.map((p) => resolveAllowedPath(context, p)));
      const info = await readDatasetInfo(spec.dataset.cacheDir);
      const tf = await tfOnce();
      const { model } = await loadRunModel(tf, runDir, spec, input.checkpoint);
      try {
        return await predictFiles(tf, model, files, info.preprocessing, info.imageShape, info.classes, input.top, spec.hyperparameters.fromLogits, spec.graph.metadata.inputPreprocessing);
      } finally {
        model.dispose();
      }
    },
    async getFeatureMaps(input) {
      const { runDir, spec } = await locateChecked(input.projectDir, input.runId);
      const tf = await tfOnce();
      const cache = await openDatasetCache(spec.dataset.cacheDir);
      const { model } = await loadRunModel(tf, runDir, spec, input.checkpoint);
      try {
        const record = input.record ?? cache.indices('test')[0] ?? cache.indices('validation')[0] ?? 0;
        return await computeFeatureMaps(tf, model, cache, record, input.maxChannels, spec.graph.metadata.inputPreprocessing);
      } finally {
        model.dispose();
        cache.dispose();
      }
    },
  };
}
