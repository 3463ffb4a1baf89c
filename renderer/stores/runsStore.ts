import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { RunSummary } from '../../common/api/methods/runs';
import type { HyperparametersInput } from '../../common/training/hyperparameters';
import type { RunSpec } from '../../common/training/runSpec';
import type { ModelGraph } from '../../common/graph/schema';
import { labClient } from '../api/labClient';
import { useGraphStore } from './graphStore';
import { useProjectStore } from './projectStore';
import { useTrainingStore } from './trainingStore';
import { useUiStore } from './uiStore';

/** A difference between two runs: the hyperparameter or layer path and both values. */
export interface RunDifference {
  path: string;
  left: string;
  right: string;
}

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, JSON.stringify(value));
  }
}

/** Each layer's type, arguments, trainability and inputs (by layer name), keyed `layer <name>.<field>`. */
function flattenLayers(graph: ModelGraph, into: Map<string, string>): void {
  const names = new Map(graph.nodes.map((node) => [node.id, node.name]));
  for (const node of graph.nodes) {
    // Inputs by name and order, so the same layers wired differently are a difference too.
    const inputs = graph.edges.filter((edge) => edge.target === node.id).sort((a, b) => a.targetIndex - b.targetIndex).map((edge) => names.get(edge.source) ?? edge.source);
    flatten({ type: node.type, ...node.params, trainable: node.trainable, inputs }, `layer ${node.name}`, into);
  }
}

function differencesOf(a: Map<string, string>, b: Map<string, string>): RunDifference[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((key) => a.get(key) !== b.get(key)).map((key) => ({ path: key, left: a.get(key) ?? '—', right: b.get(key) ?? '—' }));
}

/** Differences of two graphs, layer by layer (matched by name): type, arguments, trainability, inputs. Positions and ids do not count. */
export function diffGraphs(left: ModelGraph, right: ModelGraph): RunDifference[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flattenLayers(left, a);
  flattenLayers(right, b);
  return differencesOf(a, b);
}

/** Differences of two run specs: hyperparameters, then layers by name (as `diffGraphs`), then the dataset. */
export function diffRuns(left: RunSpec, right: RunSpec): RunDifference[] {
  const flat = (spec: RunSpec): Map<string, string> => {
    const map = new Map<string, string>();
    flatten(spec.hyperparameters, 'hyperparameters', map);
    flattenLayers(spec.graph, map);
    map.set('dataset', spec.dataset.name);
    return map;
  };
  return differencesOf(flat(left), flat(right));
}

/**
 * The project's runs: the list with final metrics, the selection whose curves overlay,
 * and the diff of two runs.
 */
export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  /** The open project's folder, whose runs these are (projectStore owns it). */
  const projectDir = computed(() => useProjectStore().dir);
  const selectedIds = ref<string[]>([]);
  const overlayMetric = ref('val_loss');
  const overlay = shallowRef<{ runId: string; name: string; points: { epoch: number; value: number }[] }[]>([]);
  const diff = shallowRef<{ left: RunSpec; right: RunSpec; differences: RunDifference[] } | null>(null);
  /** Runs with at least one saved epoch: the ones a checkpoint can be evaluated or exported from. */
  const trainedRuns = computed(() => runs.value.filter((run) => run.epochsCompleted > 0));

  /** `current` while it is still a trained run; otherwise the training view's run when trained, else the newest trained run; null when none. */
  function pickTrainedRun(current: string | null): string | null {
    const trained = trainedRuns.value;
    if (current !== null && trained.some((run) => run.id === current)) return current;
    const activeId = useTrainingStore().activeRunId;
    return (trained.find((run) => run.id === activeId) ?? trained[0])?.id ?? null;
  }

  /** Counts list requests, so an older answer (of another project, or an older list) never replaces a newer one. */
  let listRequest = 0;

  /** Reloads the list of runs of the open project. */
  async function refresh(): Promise<void> {
    const request = ++listRequest;
    const listed = await labClient.listRuns({ projectDir: projectDir.value });
    if (request !== listRequest) return;
    runs.value = listed;
    selectedIds.value = selectedIds.value.filter((id) => runs.value.some((run) => run.id === id));
  }

  /** Loads the overlay curves of the selected runs for `overlayMetric`. */
  async function loadOverlay(): Promise<void> {
    if (selectedIds.value.length === 0) {
      overlay.value = [];
      return;
    }
    overlay.value = (await labClient.compareRuns({ projectDir: projectDir.value, runIds: selectedIds.value, metric: overlayMetric.value })).series;
  }

  /** Diffs the graphs and hyperparameters of two runs. */
  async function loadDiff(leftId: string, rightId: string): Promise<void> {
    const [left, right] = await Promise.all([labClient.getRun({ projectDir: projectDir.value, runId: leftId }), labClient.getRun({ projectDir: projectDir.value, runId: rightId })]);
    diff.value = { left: left.spec, right: right.spec, differences: diffRuns(left.spec, right.spec) };
  }

  /** Deletes a finished run and its files, then reloads the list. */
  async function remove(runId: string): Promise<void> {
    await labClient.deleteRun({ projectDir: projectDir.value, runId });
    selectedIds.value = selectedIds.value.filter((id) => id !== runId);
    await refresh();
  }

  /** The spec of a run, for "duplicate with changes". */
  async function specOf(runId: string): Promise<RunSpec> {
    return (await labClient.getRun({ projectDir: projectDir.value, runId })).spec;
  }

  /**
   * "Duplicate with changes": trains `source`'s own graph on its own dataset again, with
   * `hyperparameters` and `name`; returns the new run's id.
   *
   * @throws LabError from startRun (the dataset is gone, the graph no longer fits it).
   */
  async function duplicateRun(source: RunSpec, options: { name: string; hyperparameters: HyperparametersInput }): Promise<string> {
    const runId = await useTrainingStore().start({ graph: source.graph, dataset: source.dataset.id, projectDir: projectDir.value, name: options.name, hyperparameters: options.hyperparameters });
    await refresh();
    return runId;
  }

  /** Puts `source`'s graph on the Design canvas as one undoable edit and shows Design. */
  function openInDesign(source: RunSpec): void {
    useGraphStore().openModel(structuredClone(source.graph), `open the model of run ${source.name}`);
    const ui = useUiStore();
    ui.clearSelection();
    ui.navigate('design');
    ui.requestFit();
  }

  return { runs, projectDir, selectedIds, overlayMetric, overlay, diff, trainedRuns, pickTrainedRun, refresh, loadOverlay, loadDiff, remove, specOf, duplicateRun, openInDesign };
});
