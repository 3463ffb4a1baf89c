import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Project, ProjectDatasetRef } from '../../common/api/methods/projects';
import { hyperparametersSchema } from '../../common/training/hyperparameters';
import { LabError } from '../../common/errors';
import { parseModelGraphJson, type ModelGraph } from '../../common/graph/schema';
import { labClient } from '../api/labClient';
import { useDatasetStore } from './datasetStore';
import { emptyGraph, useGraphStore } from './graphStore';
import { useRunsStore } from './runsStore';
import { useTrainingStore } from './trainingStore';
import { useUiStore } from './uiStore';

/** localStorage key remembering that the guided path was finished or dismissed. */
export const ONBOARDING_DONE_KEY = 'model-lab:onboarding-done';

/** Name of the project the first start creates (in the first folder the lab may write to: the home folder). */
export const SAMPLE_PROJECT_NAME = 'Fashion-MNIST starter';

/** localStorage key of the graph kept while no project is open. */
export const DRAFT_STORAGE_KEY = 'model-lab:graph-draft';

/** Quiet time after the last edit before the project is written. */
export const AUTOSAVE_DELAY_MS = 1500;

/** Where the last autosave went, or that an edit is waiting for its quiet time (so not saved yet). */
export type AutosaveState = { kind: 'idle' } | { kind: 'pending' } | { kind: 'saving' } | { kind: 'saved'; target: 'project' | 'draft'; at: Date } | { kind: 'failed'; message: string };

/** The guided path's steps, in order; each names the view it happens in. */
export const ONBOARDING_STEPS = [
  { view: 'design', title: 'The model', text: 'A small CNN (two convolution + pooling stages and a dense head) is already drawn. Click a layer to inspect it.' },
  { view: 'data', title: 'The data', text: 'The bundled Fashion-MNIST sample is imported: ten classes of 28×28 clothing images, split into train, validation and test.' },
  { view: 'train', title: 'Train', text: 'Press Start. Loss and accuracy curves appear while the model learns; the diagnosis says what the curves mean.' },
  { view: 'evaluate', title: 'Evaluate', text: 'Test accuracy, the confusion matrix (click a cell to see those images) and per-class scores.' },
  { view: 'export', title: 'Export', text: 'Write the trained model as TF.js, Keras or ONNX files; each export is checked against the trained model.' },
] as const;

/** The draft graph kept in localStorage, or null when there is none or it no longer parses. */
export function readDraft(storage: Pick<Storage, 'getItem'> = localStorage): ModelGraph | null {
  const text = storage.getItem(DRAFT_STORAGE_KEY);
  if (!text) return null;
  try {
    return parseModelGraphJson(text);
  } catch {
    return null;
  }
}

/**
 * The open project and everything about keeping it: the one owner of the project folder
 * (`dir`), of new / open / save / save as, and of the autosave. An autosave writes the
 * graph and the training settings into the project's own project.json (plus a rotating
 * copy under autosave/), so what the status bar calls saved is what a reload opens.
 * Writes go one at a time, so two never interleave their read-modify-write on the main
 * side. First start creates the sample project (the small CNN template on the bundled
 * Fashion-MNIST sample) and shows the guided path; later starts reopen the most recent
 * project. Opening a project fills the graph, dataset, training and runs stores.
 */
export const useProjectStore = defineStore('project', () => {
  const project = shallowRef<Project | null>(null);
  /** The open project's folder (`<name>.modellab`); undefined while none is open, as the API's `projectDir` takes it. */
  const dir = computed<string | undefined>(() => project.value?.dir);
  const startupState = ref<'idle' | 'opening' | 'creating-sample' | 'ready' | 'failed'>('idle');
  const startupError = ref<string | null>(null);
  const onboardingStep = ref<number | null>(null);
  const autosave = ref<AutosaveState>({ kind: 'idle' });
  /** The graph as project.json holds it: an autosave is due only when the canvas shows another one. */
  let writtenGraph: ModelGraph | null = null;
  let autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  let writes: Promise<void> = Promise.resolve();

  function apply(opened: Project, keepDrawnGraph = false): void {
    project.value = opened;
    const graphStore = useGraphStore();
    // A graph drawn while the sample project was being prepared is the user's work: it stays (and autosaves into the project).
    const keep = keepDrawnGraph && graphStore.graph.nodes.length > 0;
    if (!keep) graphStore.openGraph(opened.project.graph ?? emptyGraph(opened.project.name));
    writtenGraph = keep ? null : graphStore.graph;
    useTrainingStore().loadForm(opened.project.settings.hyperparameters);
  }

  /** The project's settings with the Train form's hyperparameters (the saved ones while the form is invalid). */
  function currentSettings(current: Project, activeDataset?: string | null): Project['project']['settings'] {
    const parsed = hyperparametersSchema.safeParse(useTrainingStore().form);
    return {
      hyperparameters: parsed.success ? parsed.data : current.project.settings.hyperparameters,
      activeDataset: activeDataset === undefined ? current.project.settings.activeDataset : activeDataset,
    };
  }

  /**
   * Writes the graph, settings and dataset list into the open project's project.json, after
   * any write still in flight. `history` also keeps a rotating copy under autosave/ (what a
   * damaged project.json is recovered from).
   */
  function writeProject(options: { datasets?: ProjectDatasetRef[]; activeDataset?: string | null; history?: boolean } = {}): Promise<void> {
    const write = async (): Promise<void> => {
      const current = project.value;
      if (!current) return;
      const graph = useGraphStore().graph;
      const settings = currentSettings(current, options.activeDataset);
      const datasets = options.datasets ?? current.project.datasets;
      await labClient.saveProject({ dir: current.dir, graph, settings, datasets });
      if (project.value?.dir === current.dir) {
        project.value = { ...project.value, project: { ...project.value.project, graph, settings, datasets } };
        writtenGraph = graph;
      }
      if (options.history) await labClient.saveProject({ dir: current.dir, graph, autosave: true });
    };
    const next = writes.catch(() => undefined).then(write);
    writes = next;
    return next;
  }

  /** Writes the project now (or the local draft when none is open) and says so in `autosave`. */
  async function autosaveNow(): Promise<void> {
    clearTimeout(autosaveTimer);
    autosaveTimer = undefined;
    const graph = useGraphStore().graph;
    autosave.value = { kind: 'saving' };
    try {
      localStorage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(graph));
      if (project.value) {
        await writeProject({ history: graph !== writtenGraph });
        autosave.value = { kind: 'saved', target: 'project', at: new Date() };
      } else {
        autosave.value = { kind: 'saved', target: 'draft', at: new Date() };
      }
    } catch (error) {
      autosave.value = { kind: 'failed', message: (error as Error).message };
    }
  }

  /** Autosaves after `AUTOSAVE_DELAY_MS` of quiet; each call restarts the wait. */
  function scheduleAutosave(): void {
    clearTimeout(autosaveTimer);
    // The edit is not written yet: the status bar must not keep saying "Saved" meanwhile.
    autosave.value = { kind: 'pending' };
    autosaveTimer = setTimeout(() => void autosaveNow(), AUTOSAVE_DELAY_MS);
  }

  /** Schedules an autosave when the canvas shows a graph project.json does not hold yet. */
  function graphEdited(): void {
    if (useGraphStore().graph !== writtenGraph) scheduleAutosave();
  }

  /** Schedules an autosave when the Train form's hyperparameters differ from the saved ones. */
  function settingsEdited(): void {
    const current = project.value;
    if (current && JSON.stringify(currentSettings(current).hyperparameters) !== JSON.stringify(current.project.settings.hyperparameters)) scheduleAutosave();
  }

  /** Runs the autosave still waiting for its quiet time at once (before switching project, or when the tab goes away). */
  function flushAutosave(): Promise<void> {
    return autosaveTimer === undefined ? writes.catch(() => undefined) : autosaveNow();
  }

  /** Makes `opened` the current project and loads what belongs to it: datasets, the active one, runs. */
  async function load(opened: Project, keepDrawnGraph = false): Promise<void> {
    apply(opened, keepDrawnGraph);
    const datasets = useDatasetStore();
    await Promise.all([datasets.refresh(), useRunsStore().refresh()]);
    const active = project.value?.project.settings.activeDataset;
    if (active && datasets.datasets.some((entry) => entry.id === active)) await datasets.select(active);
  }

  /** Opens a project folder and makes it the current one (the current project's pending edits are written first). */
  async function open(folder: string): Promise<void> {
    await flushAutosave();
    await load(await labClient.openProject({ dir: folder }));
  }

  /** Creates `<parentDir>/<name>.modellab` with an empty graph and opens it. */
  async function create(parentDir: string, name: string): Promise<Project> {
    const created = await labClient.createProject({ parentDir, name, graph: emptyGraph() });
    await open(created.dir);
    return created;
  }

  /** Writes the open project now; with none open, asks `saveAs` for a place. Returns the project saved, or null. */
  async function save(): Promise<Project | null> {
    clearTimeout(autosaveTimer);
    autosaveTimer = undefined;
    if (!project.value) return null;
    await writeProject({ history: true });
    autosave.value = { kind: 'saved', target: 'project', at: new Date() };
    return project.value;
  }

  /**
   * Saves the current graph and settings as a new project `<parentDir>/<name>.modellab`
   * (a copy of the open project with its runs and dataset caches, or a new project when
   * none is open) and makes it the current one. The edit history stays: the document is
   * the same, only where it is saved changed.
   */
  async function saveAs(parentDir: string, name: string): Promise<Project> {
    await flushAutosave();
    const current = project.value;
    const graph = useGraphStore().graph;
    const copy = current
      ? await labClient.saveProjectAs({ dir: current.dir, parentDir, name, graph, settings: currentSettings(current), datasets: current.project.datasets })
      : await labClient.createProject({ parentDir, name, graph });
    project.value = copy;
    writtenGraph = graph;
    await useRunsStore().refresh();
    autosave.value = { kind: 'saved', target: 'project', at: new Date() };
    return copy;
  }

  /**
   * Creates the sample project: the mnist-cnn template on the bundled Fashion-MNIST sample.
   * A graph already on the canvas (a kept draft, or layers drawn meanwhile) is not replaced.
   */
  async function createSample(): Promise<void> {
    const roots = await labClient.listDirectory({});
    const parentDir = roots.entries.find((entry) => entry.kind === 'directory')?.path;
    if (!parentDir) throw new Error('Expected a folder the lab may write to. Received: roots=[]');
    const graph = await labClient.createFromTemplate({ id: 'mnist-cnn', inputShape: [28, 28, 1], classes: 10 });
    const drawn = useGraphStore().graph;
    let created: Project;
    try {
      created = await labClient.createProject({ parentDir, name: SAMPLE_PROJECT_NAME, graph: drawn.nodes.length > 0 ? drawn : { ...graph, name: 'fashion_cnn' } });
    } catch (error) {
      // The sample made by an earlier install (or before the recent list was cleared): reopen it.
      const existing = error instanceof LabError && error.code === 'PROJECT_EXISTS' ? error.details?.path : undefined;
      if (typeof existing !== 'string') throw error;
      created = await labClient.openProject({ dir: existing });
    }
    await load(created, true);
    const info = await useDatasetStore().importBuiltin('fashion-mnist-sample');
    if (info) await saveSettings({ datasets: [{ id: info.id, name: info.name, cacheDir: null, fingerprint: info.fingerprint }], activeDataset: info.id });
    if (localStorage.getItem(ONBOARDING_DONE_KEY) === null) onboardingStep.value = 0;
  }

  /** First start: the sample project; later starts: the last project that still exists. */
  async function startup(): Promise<void> {
    if (startupState.value !== 'idle') return;
    startupState.value = 'opening';
    try {
      const recent = (await labClient.listRecentProjects({})).find((entry) => entry.exists);
      if (recent) {
        await open(recent.dir);
      } else {
        startupState.value = 'creating-sample';
        await createSample();
      }
      startupState.value = 'ready';
    } catch (error) {
      startupError.value = (error as Error).message;
      startupState.value = 'failed';
    }
  }

  /** Saves the training settings (and optionally the dataset list) into project.json. */
  async function saveSettings(changes: { datasets?: ProjectDatasetRef[]; activeDataset?: string | null } = {}): Promise<void> {
    await writeProject(changes);
  }

  /** Uses a dataset in this project's Train view (added to its dataset list when new). */
  async function useDataset(ref: { id: string; name: string; fingerprint: string }): Promise<void> {
    const current = project.value;
    if (!current) return;
    const known = current.project.datasets.some((entry) => entry.id === ref.id);
    const datasets = known ? current.project.datasets : [...current.project.datasets, { id: ref.id, name: ref.name, cacheDir: null, fingerprint: ref.fingerprint }];
    await saveSettings({ datasets, activeDataset: ref.id });
  }

  /**
   * Reads a model file the lab can reach (Keras .h5 / .keras, a model.to_json() file, a
   * TF.js model.json with its shards) and puts its graph on the canvas as one undoable
   * step, laid out like a template once the nodes are measured. `label` names the file in
   * the undo history and the notice.
   */
  async function importModel(path: string, label: string): Promise<void> {
    const imported = await labClient.importModel({ path });
    const ui = useUiStore();
    // The layout that follows, once nodes are measured, joins this undo step.
    const coalesceKey = `import:${label}:${Date.now()}`;
    useGraphStore().openModel(imported.graph, `import ${label}`, coalesceKey);
    ui.clearSelection();
    ui.requestLayout(coalesceKey);
    ui.showNotice(`Opened ${label} (${imported.format}${imported.hasWeights ? ', with weights' : ', architecture only'})`);
  }

  /** Moves the guided path on; past the last step it ends. */
  function nextOnboardingStep(): void {
    if (onboardingStep.value === null) return;
    if (onboardingStep.value + 1 >= ONBOARDING_STEPS.length) endOnboarding();
    else onboardingStep.value += 1;
  }

  /** Ends the guided path for good. */
  function endOnboarding(): void {
    onboardingStep.value = null;
    localStorage.setItem(ONBOARDING_DONE_KEY, new Date().toISOString());
  }

  return {
    project, dir, startupState, startupError, onboardingStep, autosave,
    open, create, save, saveAs, importModel, createSample, startup, saveSettings, useDataset, nextOnboardingStep, endOnboarding,
    autosaveNow, scheduleAutosave, graphEdited, settingsEdited, flushAutosave,
  };
});
