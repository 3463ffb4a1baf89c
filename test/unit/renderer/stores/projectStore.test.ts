// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { projectSettingsSchema } from '../../../../common/api/methods/projects';
import { LabError } from '../../../../common/errors';
import { buildTemplate } from '../../../../common/templates';
import { createFakeLabClient } from '../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { ONBOARDING_DONE_KEY, ONBOARDING_STEPS, useProjectStore } = await import('../../../../renderer/stores/projectStore');
const { useGraphStore } = await import('../../../../renderer/stores/graphStore');
const { useTrainingStore } = await import('../../../../renderer/stores/trainingStore');
const { useRunsStore } = await import('../../../../renderer/stores/runsStore');

const graph = buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 });
function project(dir: string, activeDataset: string | null = null) {
  return {
    dir,
    recoveredFrom: null,
    project: { schemaVersion: 2 as const, name: 'p', graph, datasets: [], settings: projectSettingsSchema.parse({ activeDataset, hyperparameters: { epochs: 7 } }), createdAt: '', updatedAt: '' },
  };
}
const sampleInfo = { id: 'fm', name: 'Fashion-MNIST sample', fingerprint: 'abc' };

beforeEach(() => {
  localStorage.clear();
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
  fake.client.listDatasets.mockResolvedValue([]);
  fake.client.listBuiltinDatasets.mockResolvedValue([]);
  fake.client.getDatasetStats.mockResolvedValue({});
  fake.client.getSampleGrid.mockResolvedValue({ classes: [] });
  fake.client.saveProject.mockResolvedValue({ savedAt: '', path: '' });
  fake.client.listRuns.mockResolvedValue([]);
});

describe('projectStore.startup', () => {
  it('creates the sample project on first start: the small CNN on the bundled sample, with the guided path', async () => {
    fake.client.listRecentProjects.mockResolvedValue([]);
    fake.client.listDirectory.mockResolvedValue({ path: null, parent: null, entries: [{ name: 'lab', path: '/lab', kind: 'directory' }] });
    fake.client.createFromTemplate.mockResolvedValue(graph);
    fake.client.createProject.mockImplementation(async (input: { parentDir: string; name: string }) => project(`${input.parentDir}/${input.name}.modellab`));
    fake.client.downloadBuiltinDataset.mockResolvedValue({ info: sampleInfo, report: { skipped: [] } });
    const store = useProjectStore();
    await store.startup();
    expect(store.startupState).toBe('ready');
    expect(fake.client.createFromTemplate).toHaveBeenCalledWith({ id: 'mnist-cnn', inputShape: [28, 28, 1], classes: 10 });
    expect(fake.client.createProject.mock.calls[0]?.[0]).toMatchObject({ parentDir: '/lab', name: 'Fashion-MNIST starter' });
    expect(fake.client.downloadBuiltinDataset.mock.calls[0]?.[0]).toMatchObject({ id: 'fashion-mnist-sample' });
    expect(fake.client.saveProject.mock.calls.at(-1)?.[0]).toMatchObject({ settings: { activeDataset: 'fm' }, datasets: [{ id: 'fm', name: 'Fashion-MNIST sample' }] });
    expect(useProjectStore().dir).toBe('/lab/Fashion-MNIST starter.modellab');
    expect(useGraphStore().graph.nodes.map((node) => node.type)).toContain('Conv2D');
    expect(store.onboardingStep).toBe(0);
  });

  it('reopens the sample project an earlier install left in the folder instead of failing', async () => {
    const existing = '/lab/Fashion-MNIST starter.modellab';
    fake.client.listRecentProjects.mockResolvedValue([]);
    fake.client.listDirectory.mockResolvedValue({ path: null, parent: null, entries: [{ name: 'lab', path: '/lab', kind: 'directory' }] });
    fake.client.createFromTemplate.mockResolvedValue(graph);
    fake.client.createProject.mockRejectedValue(new LabError('PROJECT_EXISTS', `Expected no existing project folder. Received: path="${existing}"`, { path: existing }));
    fake.client.openProject.mockResolvedValue(project(existing));
    fake.client.downloadBuiltinDataset.mockResolvedValue({ info: sampleInfo, report: { skipped: [] } });
    const store = useProjectStore();
    await store.startup();
    expect(store.startupState).toBe('ready');
    expect(fake.client.openProject).toHaveBeenCalledWith({ dir: existing });
    expect(useProjectStore().dir).toBe(existing);
  });

  it('keeps a graph already on the canvas when it creates the sample project', async () => {
    fake.client.listRecentProjects.mockResolvedValue([]);
    fake.client.listDirectory.mockResolvedValue({ path: null, parent: null, entries: [{ name: 'lab', path: '/lab', kind: 'directory' }] });
    fake.client.createFromTemplate.mockResolvedValue(graph);
    fake.client.createProject.mockImplementation(async (input: { parentDir: string; name: string }) => project(`${input.parentDir}/${input.name}.modellab`));
    fake.client.downloadBuiltinDataset.mockResolvedValue({ info: sampleInfo, report: { skipped: [] } });
    const graphStore = useGraphStore();
    graphStore.addLayer('Input', { x: 0, y: 0 }, { shape: [8, 8, 1] });
    await useProjectStore().startup();
    expect(graphStore.graph.nodes.map((node) => node.type)).toEqual(['Input']);
    expect(fake.client.createProject.mock.calls[0]?.[0].graph.nodes).toHaveLength(1);
    expect(useProjectStore().dir).toBe('/lab/Fashion-MNIST starter.modellab');
  });

  it('reopens the most recent existing project on later starts, with its settings', async () => {
    fake.client.listRecentProjects.mockResolvedValue([
      { dir: '/gone.modellab', name: 'gone', openedAt: '', exists: false },
      { dir: '/kept.modellab', name: 'kept', openedAt: '', exists: true },
    ]);
    fake.client.openProject.mockResolvedValue(project('/kept.modellab'));
    const store = useProjectStore();
    await store.startup();
    expect(fake.client.openProject).toHaveBeenCalledWith({ dir: '/kept.modellab' });
    expect(fake.client.createProject).not.toHaveBeenCalled();
    expect(useProjectStore().dir).toBe('/kept.modellab');
    expect(useTrainingStore().form.epochs).toBe(7);
    expect(store.onboardingStep).toBeNull();
  });

  it('says why when the startup project cannot be opened', async () => {
    fake.client.listRecentProjects.mockRejectedValue(new Error('Expected a readable recent list. Received: path=/x'));
    const store = useProjectStore();
    await store.startup();
    expect(store.startupState).toBe('failed');
    expect(store.startupError).toContain('Received: path=/x');
  });
});

describe('the guided path', () => {
  it('walks Design, Data, Train, Evaluate, Export and is remembered as done', () => {
    const store = useProjectStore();
    expect(ONBOARDING_STEPS.map((step) => step.view)).toEqual(['design', 'data', 'train', 'evaluate', 'export']);
    store.onboardingStep = 0;
    for (let i = 0; i < ONBOARDING_STEPS.length - 1; i++) store.nextOnboardingStep();
    expect(store.onboardingStep).toBe(4);
    store.nextOnboardingStep();
    expect(store.onboardingStep).toBeNull();
    expect(localStorage.getItem(ONBOARDING_DONE_KEY)).not.toBeNull();
  });
});

describe('the project owns its folder and its saving', () => {
  const run = { id: 'r1', name: 'first', createdAt: '', status: 'completed', epochsCompleted: 1, best: null, endReason: null, epochs: 1, optimizer: 'adam', datasetName: 'fm', finalLogs: null };

  it('opening a project loads its runs with it', async () => {
    fake.client.openProject.mockResolvedValue(project('/kept.modellab'));
    fake.client.listRuns.mockImplementation(async ({ projectDir }: { projectDir?: string }) => (projectDir === '/kept.modellab' ? [run] : []));
    await useProjectStore().open('/kept.modellab');
    expect(useRunsStore().runs.map((entry) => entry.id)).toEqual(['r1']);
    expect(useRunsStore().projectDir).toBe('/kept.modellab');
  });

  it("a slower listing started before the project opened does not replace the project's runs", async () => {
    let answerEarly: (runs: unknown[]) => void = () => undefined;
    fake.client.listRuns.mockImplementationOnce(() => new Promise((resolve) => (answerEarly = resolve)));
    const early = useRunsStore().refresh();
    fake.client.openProject.mockResolvedValue(project('/kept.modellab'));
    fake.client.listRuns.mockResolvedValue([run]);
    await useProjectStore().open('/kept.modellab');
    answerEarly([]);
    await early;
    expect(useRunsStore().runs.map((entry) => entry.id)).toEqual(['r1']);
  });

  it('an autosave writes the edited graph and the settings into project.json itself, and keeps a rotating copy', async () => {
    fake.client.openProject.mockResolvedValue(project('/kept.modellab'));
    const store = useProjectStore();
    await store.open('/kept.modellab');
    useGraphStore().renameModel('edited');
    useTrainingStore().form = { ...useTrainingStore().form, epochs: 3 };
    await store.autosaveNow();
    const writes = fake.client.saveProject.mock.calls.map(([input]) => input as { dir: string; graph?: { name: string }; settings?: { hyperparameters: { epochs: number } }; autosave?: boolean });
    const projectJson = writes.find((input) => !input.autosave);
    expect(projectJson).toMatchObject({ dir: '/kept.modellab', graph: { name: 'edited' }, settings: { hyperparameters: { epochs: 3 } } });
    expect(writes.some((input) => input.autosave === true && input.graph?.name === 'edited')).toBe(true);
    expect(store.autosave).toMatchObject({ kind: 'saved', target: 'project' });
    expect(store.project?.project.graph?.name).toBe('edited');
  });

  it('calls an edit saved only once project.json holds it: while it waits for its quiet time the status says so', async () => {
    fake.client.openProject.mockResolvedValue(project('/kept.modellab'));
    const store = useProjectStore();
    await store.open('/kept.modellab');
    await store.save();
    expect(store.autosave).toMatchObject({ kind: 'saved', target: 'project' });
    useGraphStore().renameModel('edited');
    store.graphEdited();
    expect(store.autosave).toEqual({ kind: 'pending' });
    await store.flushAutosave();
    expect(fake.client.saveProject.mock.calls.at(-2)?.[0]).toMatchObject({ dir: '/kept.modellab', graph: { name: 'edited' } });
    expect(store.autosave).toMatchObject({ kind: 'saved', target: 'project' });
  });

  it("opening another project first writes the current project's pending edits into it", async () => {
    fake.client.openProject.mockImplementation(async ({ dir }: { dir: string }) => project(dir));
    const store = useProjectStore();
    await store.open('/first.modellab');
    useGraphStore().renameModel('edited_first');
    store.graphEdited();
    await store.open('/second.modellab');
    expect(fake.client.saveProject.mock.calls.map(([input]) => input)).toContainEqual(expect.objectContaining({ dir: '/first.modellab', graph: expect.objectContaining({ name: 'edited_first' }) as unknown }));
    expect(fake.client.saveProject.mock.calls.some(([input]) => (input as { dir: string }).dir === '/second.modellab')).toBe(false);
  });

  it('writes one at a time, so a settings save cannot interleave with a graph autosave', async () => {
    fake.client.openProject.mockResolvedValue(project('/kept.modellab'));
    const store = useProjectStore();
    await store.open('/kept.modellab');
    let inFlight = 0;
    let most = 0;
    fake.client.saveProject.mockImplementation(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { savedAt: '', path: '' };
    });
    useGraphStore().renameModel('edited');
    await Promise.all([store.autosaveNow(), store.saveSettings({ activeDataset: 'fm' })]);
    expect(most).toBe(1);
    expect(store.project?.project.settings.activeDataset).toBe('fm');
  });
});
