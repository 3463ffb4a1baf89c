import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ConfusionCellImages, Evaluation } from '../../common/training/evaluation';
import type { FeatureMaps } from '../../common/training/featureMaps';
import type { Prediction } from '../../common/training/prediction';
import { labClient } from '../api/labClient';
import { useProjectStore } from './projectStore';
import { useRunsStore } from './runsStore';

/** Most images a confusion-matrix cell shows, highest loss first. */
const CELL_IMAGE_LIMIT = 48;

/**
 * The Evaluate view's state: which trained run of the open project and which checkpoint,
 * its test-split evaluation, the selected confusion-matrix cell with its images, the
 * record whose feature maps are asked for, and the calls that classify images and compute
 * feature maps with that checkpoint.
 */
export const useEvaluationStore = defineStore('evaluation', () => {
  const runId = ref<string | null>(null);
  const checkpoint = ref<'best' | 'last'>('best');
  const evaluation = shallowRef<Evaluation | null>(null);
  const busy = ref(false);
  const failure = ref<string | null>(null);
  const selectedCell = ref<{ row: number; column: number } | null>(null);
  const cell = shallowRef<ConfusionCellImages | null>(null);
  const cellLoading = ref(false);
  const cellFailure = ref<string | null>(null);
  /** The test record whose feature maps were asked for (a cell image clicked). */
  const featureRecord = ref<number | null>(null);
  /** Counts cell selections, so only the latest one's answer is shown. */
  let cellRequest = 0;

  function projectDir(): string | undefined {
    return useProjectStore().dir;
  }

  function clearCell(): void {
    cellRequest++;
    selectedCell.value = null;
    cell.value = null;
    cellFailure.value = null;
    cellLoading.value = false;
  }

  /** Selects a confusion-matrix cell and loads its images; a later click wins over a slower earlier one. */
  async function selectCell(row: number, column: number): Promise<void> {
    const shown = evaluation.value;
    if (!runId.value || !shown) return;
    const request = ++cellRequest;
    selectedCell.value = { row, column };
    cell.value = null;
    cellFailure.value = null;
    cellLoading.value = true;
    try {
      const images = await labClient.getConfusionCellImages({ projectDir: projectDir(), runId: runId.value, checkpoint: shown.checkpoint, trueClass: row, predictedClass: column, limit: CELL_IMAGE_LIMIT });
      if (request === cellRequest) cell.value = images;
    } catch (error) {
      if (request === cellRequest) cellFailure.value = (error as Error).message;
    } finally {
      if (request === cellRequest) cellLoading.value = false;
    }
  }

  /** Evaluates the chosen run's checkpoint on the test split. */
  async function evaluate(): Promise<void> {
    if (!runId.value) return;
    busy.value = true;
    failure.value = null;
    clearCell();
    try {
      evaluation.value = await labClient.evaluateRun({ runId: runId.value, projectDir: projectDir(), checkpoint: checkpoint.value });
    } catch (error) {
      failure.value = (error as Error).message;
      evaluation.value = null;
    } finally {
      busy.value = false;
    }
  }

  /** Chooses a run and shows its saved evaluation, if it has one. */
  async function chooseRun(id: string): Promise<void> {
    runId.value = id;
    evaluation.value = null;
    clearCell();
    const stored = await labClient.getRun({ runId: id, projectDir: projectDir() });
    if (runId.value === id && stored.evaluation) evaluation.value = stored.evaluation;
  }

  /** Reloads the project's runs; a run deleted meanwhile gives way to another trained one. */
  async function refresh(): Promise<void> {
    const runs = useRunsStore();
    await runs.refresh();
    const preferred = runs.pickTrainedRun(runId.value);
    if (preferred !== null && preferred !== runId.value) await chooseRun(preferred);
  }

  /** Classifies image files with the chosen run's checkpoint: each one's `top` classes. */
  async function predict(paths: string[], top: number): Promise<Prediction[]> {
    if (!runId.value) return [];
    return labClient.predictImages({ runId: runId.value, projectDir: projectDir(), paths, checkpoint: checkpoint.value, top });
  }

  /** Each convolution layer's activations for one test record (the first test image when omitted). */
  async function featureMaps(record: number | undefined, maxChannels: number): Promise<FeatureMaps | null> {
    if (!runId.value) return null;
    return labClient.getFeatureMaps({ runId: runId.value, projectDir: projectDir(), checkpoint: checkpoint.value, record, maxChannels });
  }

  return { runId, checkpoint, evaluation, busy, failure, selectedCell, cell, cellLoading, cellFailure, featureRecord, clearCell, selectCell, evaluate, chooseRun, refresh, predict, featureMaps };
});
