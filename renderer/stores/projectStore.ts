import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { Project, ProjectDatasetRef } from '../../common/api/methods/projects';
import { hyperparametersSchema } from '../../common/training/hyperparameters';
import { LabError } from '../../common/errors';
import { labClient } from '../api/labClient';
import { useDatasetStore } from './datasetStore';
import { useGraphStore } from './graphStore';
import { useTrainingStore } from './trainingStore';

/** localStorage key remembering that the guided path was finished or dismissed. */
export const ONBOARDING_DONE_KEY = 'model-lab:onboarding-done';

/** Name of the project the first start creates. */
export const SAMPLE_PROJECT_NAME = 'Fashion-MNIST starter';

/** The guided path's steps, in order; each names the view it happens in. */
export const ONBOARDING_STEPS = [
  { view: 'design', title: 'The model', text: 'A small CNN (two convolution + pooling stages and a dense head) is already drawn. Click a layer to inspect it.' },
  { view: 'data', title: 'The data', text: 'The bundled Fashion-MNIST sample is imported: ten classes of 28×28 clothing images, split into train, validation and test.' },
  { view: 'train', title: 'Train', text: 'Press Start. Loss and accuracy curves appear while the model learns; the diagnosis says what the curves mean.' },
  { view: 'evaluate', title: 'Evaluate', text: 'Test accuracy, the confusion matrix (click a cell to see those images) and per-class scores.' },
  { view: 'export', title: 'Export', text: 'Write the trained model as TF.js, Keras or ONNX files; each export is checked against the trained model.' },
] as const;

/**
 * The open project: first start creates the sample project (the small CNN template on the
 * bundled Fashion-MNIST sample) and shows the guided path; later starts reopen the most
 * recent project. Opening a project fills the graph, dataset and training stores.
 */
export const useProjectStore = defineStore('project', () => {
  const project = shallowRef<Project | null>(null);
  const startupState = ref<'idle' | 'opening' | 'creating-sample' | 'ready' | 'failed'>('idle');
  const startupError = ref<string | null>(null);
  const onboardingStep = ref<number | null>(null);

  function apply(opened: Project, keepDrawnGraph = false): void {
    project.value = opened;
    const graphStore = useGraphStore();
    // A graph drawn while the sample project was being prepared is the user's work: it stays (and autosaves into the project).
    const keep = keepDrawnGraph && graphStore.graph.nodes.length > 0;
    if (opened.project.graph && !keep) graphStore.openGraph(opened.project.graph);
    graphStore.setProjectDir(opened.dir);
    const training = useTrainingStore();
    training.form = structuredClone(opened.project.settings.hyperparameters);
  }

  /** Opens a project folder and makes it the current one. */
  async function open(dir: string): Promise<void> {
    apply(await labClient.openProject({ dir }));
    const datasets = useDatasetStore();
    await datasets.refresh();
    const active = project.value?.project.settings.activeDataset;
    if (active && datasets.datasets.some((entry) => entry.id === active)) await datasets.select(active);
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
    apply(created, true);
    const datasets = useDatasetStore();
    await datasets.refresh();
    const info = await datasets.importBuiltin('fashion-mnist-sample');
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
    const current = project.value;
    if (!current) return;
    const parsed = hyperparametersSchema.safeParse(useTrainingStore().form);
    const settings = {
      hyperparameters: parsed.success ? parsed.data : current.project.settings.hyperparameters,
      activeDataset: changes.activeDataset === undefined ? current.project.settings.activeDataset : changes.activeDataset,
    };
    const datasets = changes.datasets ?? current.project.datasets;
    await labClient.saveProject({ dir: current.dir, settings, datasets });
    project.value = { ...current, project: { ...current.project, settings, datasets } };
  }

  /** Uses a dataset in this project's Train view (added to its dataset list when new). */
  async function useDataset(ref: { id: string; name: string; fingerprint: string }): Promise<void> {
    const current = project.value;
    if (!current) return;
    const known = current.project.datasets.some((entry) => entry.id === ref.id);
    const datasets = known ? current.project.datasets : [...current.project.datasets, { id: ref.id, name: ref.name, cacheDir: null, fingerprint: ref.fingerprint }];
    await saveSettings({ datasets, activeDataset: ref.id });
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

  return { project, startupState, startupError, onboardingStep, open, createSample, startup, saveSettings, useDataset, nextOnboardingStep, endOnboarding };
});
