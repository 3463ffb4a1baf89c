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
    expect(useGraphStore().projectDir).toBe('/lab/Fashion-MNIST starter.modellab');
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
    expect(useGraphStore().projectDir).toBe(existing);
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
    expect(graphStore.projectDir).toBe('/lab/Fashion-MNIST starter.modellab');
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
    expect(useGraphStore().projectDir).toBe('/kept.modellab');
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
