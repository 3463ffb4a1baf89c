import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { RunSummary } from '../../common/api/methods/runs';
import type { TransferSource } from '../../common/training/transferSource';
import type { InitialWeightsReport } from '../../common/training/initialWeights';
import type { TemplateRequest } from '../../common/templates';
import { analyzeGraph } from '../../common/graph/analysis';
import type { GraphAnalysis } from '../../common/graph/problems';
import type { ModelGraph } from '../../common/graph/schema';
import { formatShape } from '../../common/graph/shape';
import { labClient } from '../api/labClient';
import { useDatasetStore } from './datasetStore';
import { useGraphStore } from './graphStore';
import { useProjectStore } from './projectStore';
import { useTrainingStore } from './trainingStore';
import { useUiStore } from './uiStore';

/** How much of the kept base is frozen: every layer, none, or all but the last N. */
export type FreezeChoice = 'all' | 'none' | number;

/** One layer of the source model as the dialog lists it, in model order. */
export interface SourceLayer {
  name: string;
  type: string;
  /** Keras-style output shape, `(None, 8, 8, 1)`, or `?` when the analysis has none. */
  shape: string;
  params: number;
}

/** What `createTransferGraph` answered for the dialog's current choices. */
export interface TransferPreview {
  graph: ModelGraph;
  baseLayers: string[];
  frozen: string[];
  totals: GraphAnalysis['totals'];
  /** For a Keras weights file: the layers it will fill and those it skips. */
  weights: InitialWeightsReport | null;
}

/** A run can serve as a source once it saved a checkpoint and is no longer training. */
function isFinishedRun(run: RunSummary): boolean {
  return run.epochsCompleted > 0 && (run.status === 'completed' || run.status === 'stopped' || run.status === 'failed');
}

/** Layers of `graph` in model order with their output shapes and parameter counts. */
export function sourceLayersOf(graph: ModelGraph): SourceLayer[] {
  const analysis = analyzeGraph(graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const order = analysis.order.length === graph.nodes.length ? analysis.order : graph.nodes.map((node) => node.id);
  return order.flatMap((id) => {
    const node = byId.get(id);
    if (!node) return [];
    const count = analysis.params[id];
    const shape = analysis.shapes[id];
    return [{ name: node.name, type: node.type, shape: shape ? formatShape(shape) : '?', params: count ? count.trainable + count.nonTrainable : 0 }];
  });
}

/**
 * The "Start from a trained model" dialog: the chosen source (a finished run of the
 * project, a model file, or a Keras Applications template with the weights of a Keras
 * weights file such as the ImageNet ones), its layers, the cut, freeze, class count and head dropout,
 * and a preview of the resulting model built by the lab. `create` puts the new model on
 * the canvas as one undoable edit and makes the source the Train form's initial weights.
 */
export const useTransferStore = defineStore('transfer', () => {
  const dialogOpen = ref(false);
  const runs = shallowRef<RunSummary[]>([]);
  const source = shallowRef<TransferSource | null>(null);
  const sourceGraph = shallowRef<ModelGraph | null>(null);
  /** False for a model file that carries only an architecture: nothing to initialise from. */
  const sourceHasWeights = ref(true);
  const defaultCut = ref<string | null>(null);
  const cutAt = ref<string | null>(null);
  const freeze = ref<FreezeChoice>('all');
  const classes = ref(1);
  const headDropout = ref(0);
  const preview = shallowRef<TransferPreview | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Increases per preview request, so an older answer arriving late is dropped. */
  let previewRequest = 0;
  /** The preview request in flight (or the last one): Create waits for it. */
  let previewing: Promise<void> = Promise.resolve();

  const layers = computed(() => (sourceGraph.value ? sourceLayersOf(sourceGraph.value) : []));
  /**
   * Create stays enabled while a preview is on its way: a field commits when it loses focus
   * to the Create button, and that click must not land on a button the commit just disabled.
   */
  const canCreate = computed(() => source.value !== null && error.value === null && (preview.value !== null || loading.value));

  /** Class count of the project's active dataset, or null when there is none. */
  function datasetClassCount(): number | null {
    const datasets = useDatasetStore();
    const id = useProjectStore().project?.project.settings.activeDataset ?? datasets.activeId;
    const info = datasets.datasets.find((entry) => entry.id === id);
    return info ? info.classes.length : null;
  }

  /** Opens the dialog with the project's finished runs listed and the dataset's class count. */
  async function openDialog(): Promise<void> {
    dialogOpen.value = true;
    error.value = null;
    classes.value = datasetClassCount() ?? classes.value;
    try {
      const all = await labClient.listRuns({ projectDir: useProjectStore().dir });
      runs.value = all.filter(isFinishedRun);
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  }

  function closeDialog(): void {
    dialogOpen.value = false;
  }

  /** Loads a source's graph, finds its default cut (before the classifier head) and previews. */
  function chooseSource(next: TransferSource): Promise<void> {
    previewing = loadSource(next);
    return previewing;
  }

  async function loadSource(next: TransferSource): Promise<void> {
    source.value = next;
    sourceGraph.value = null;
    preview.value = null;
    defaultCut.value = null;
    cutAt.value = null;
    error.value = null;
    loading.value = true;
    try {
      if ('runId' in next) {
        sourceGraph.value = (await labClient.getRun({ runId: next.runId, projectDir: next.projectDir })).spec.graph;
        sourceHasWeights.value = true;
      } else if ('modelPath' in next) {
        const imported = await labClient.importModel({ path: next.modelPath });
        sourceGraph.value = imported.graph;
        sourceHasWeights.value = imported.hasWeights;
      } else {
        sourceGraph.value = await labClient.createFromTemplate(next.template);
        sourceHasWeights.value = true;
      }
      if (datasetClassCount() === null) classes.value = outputUnits(sourceGraph.value) ?? classes.value;
      try {
        const found = await labClient.createTransferGraph({ source: next, classes: classes.value, freeze: freeze.value });
        defaultCut.value = found.baseLayers.at(-1) ?? null;
      } catch {
        // No classifier head to find (the message says so when the preview runs): the user picks the cut.
        defaultCut.value = null;
      }
      cutAt.value = defaultCut.value ?? layers.value.at(-1)?.name ?? null;
    } catch (failure) {
      error.value = (failure as Error).message;
      loading.value = false;
      return;
    }
    await refreshPreview();
  }

  /** Chooses a run of the project (its best checkpoint unless `checkpoint` says otherwise). */
  function chooseRun(runId: string, checkpoint: 'best' | 'last' = 'best'): Promise<void> {
    const projectDir = useProjectStore().dir;
    return chooseSource({ runId, checkpoint, ...(projectDir ? { projectDir } : {}) });
  }

  /** Chooses a Keras .h5 / .keras or TF.js model.json file. */
  function chooseFile(modelPath: string): Promise<void> {
    return chooseSource({ modelPath });
  }

  /** Chooses a Keras Applications template filled from a Keras weights file (checked by the lab at once). */
  function chooseWeights(weightsPath: string, template: TemplateRequest): Promise<void> {
    return chooseSource({ weightsPath, template });
  }

  /** Asks the lab for the transfer model of the current choices. */
  function refreshPreview(): Promise<void> {
    previewing = requestPreview();
    return previewing;
  }

  async function requestPreview(): Promise<void> {
    const current = source.value;
    if (!current) return;
    const request = ++previewRequest;
    loading.value = true;
    error.value = null;
    try {
      const result = await labClient.createTransferGraph({
        source: current,
        classes: classes.value,
        freeze: freeze.value,
        ...(cutAt.value !== null ? { cutAt: cutAt.value } : {}),
        ...(headDropout.value > 0 ? { headDropout: headDropout.value } : {}),
      });
      if (request !== previewRequest) return;
      preview.value = { ...result, totals: analyzeGraph(result.graph).totals, weights: result.weights ?? null };
    } catch (failure) {
      if (request !== previewRequest) return;
      preview.value = null;
      error.value = (failure as Error).message;
    } finally {
      if (request === previewRequest) loading.value = false;
    }
  }

  /** Sets the dialog's options (only those given) and previews again. */
  function setOptions(changes: { cutAt?: string; freeze?: FreezeChoice; classes?: number; headDropout?: number }): Promise<void> {
    if (changes.cutAt !== undefined) cutAt.value = changes.cutAt;
    if (changes.freeze !== undefined) freeze.value = changes.freeze;
    if (changes.classes !== undefined) classes.value = changes.classes;
    if (changes.headDropout !== undefined) headDropout.value = changes.headDropout;
    if (!Number.isInteger(classes.value) || classes.value < 1) {
      preview.value = null;
      error.value = `Expected the number of classes to be a whole number of at least 1. Received: classes=${classes.value}`;
      return Promise.resolve();
    }
    if (!(headDropout.value >= 0 && headDropout.value < 1)) {
      preview.value = null;
      error.value = `Expected the head dropout to be from 0 up to (not including) 1. Received: headDropout=${headDropout.value}`;
      return Promise.resolve();
    }
    return refreshPreview();
  }

  /**
   * Replaces the design graph with the previewed model (one undo step, its layout
   * included) and makes the source the Train form's initial weights. A preview still on
   * its way (the last edit of a field) is waited for, so the model has every choice made.
   */
  async function create(): Promise<void> {
    for (let waited = previewing; ; waited = previewing) {
      await waited;
      if (waited === previewing) break;
    }
    const result = preview.value;
    const chosen = source.value;
    if (!result || !chosen) return;
    const graphStore = useGraphStore();
    const ui = useUiStore();
    const coalesceKey = `transfer:${Date.now()}`;
    const what = 'runId' in chosen ? `run ${chosen.runId}` : 'modelPath' in chosen ? 'a model file' : `${chosen.template.id} with a weights file`;
    graphStore.openModel(result.graph, `start from ${what}`, coalesceKey);
    ui.clearSelection();
    ui.requestLayout(coalesceKey);
    if (sourceHasWeights.value) {
      const training = useTrainingStore();
      training.form = { ...training.form, initialWeights: chosen };
    }
    dialogOpen.value = false;
  }

  return {
    dialogOpen, runs, source, sourceGraph, sourceHasWeights, defaultCut, cutAt, freeze, classes, headDropout, preview, loading, error, layers, canCreate,
    openDialog, closeDialog, chooseSource, chooseRun, chooseFile, chooseWeights, refreshPreview, setOptions, create,
  };
});

/** Units of a graph's last Dense layer (its class count), or null. */
function outputUnits(graph: ModelGraph): number | null {
  const units = [...graph.nodes].reverse().find((node) => node.type === 'Dense')?.params['units'];
  return typeof units === 'number' ? units : null;
}
