// @vitest-environment jsdom
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTemplate } from '../../../../common/templates';
import { createFakeLabClient } from './fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const TrainView = (await import('../../../../renderer/views/TrainView.vue')).default;
const { useGraphStore } = await import('../../../../renderer/stores/graphStore');
const { useDatasetStore } = await import('../../../../renderer/stores/datasetStore');
const { useTrainingStore } = await import('../../../../renderer/stores/trainingStore');

const dataset = {
  id: 'ds1', name: 'bars', source: { kind: 'folder', path: '/bars' }, classes: Array.from({ length: 10 }, (_, i) => `c${i}`), imageShape: [28, 28, 1],
  preprocessing: { targetSize: [28, 28], colorMode: 'grayscale', resizeMode: 'squash', scale: 1 / 255, offset: 0 },
  splits: { train: 8, validation: 1, test: 1 }, classCounts: { train: [], validation: [], test: [] }, fingerprint: 'f', createdAt: '', cacheDir: '/c', skipped: [],
};

async function mountView() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useGraphStore().openGraph(buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 }));
  const datasets = useDatasetStore();
  datasets.datasets = [dataset as never];
  datasets.activeId = 'ds1';
  const wrapper = mount(TrainView, { global: { plugins: [pinia], stubs: { LiveCharts: true } } });
  await flushPromises();
  // A view left mounted by an earlier test may make its own Pinia the active one again
  // (useStore in a component does), so the test reaches this view's stores through its Pinia.
  return Object.assign(wrapper, { pinia });
}

// A view left mounted by an earlier test re-renders and makes its own Pinia the active one again.
enableAutoUnmount(afterEach);

beforeEach(() => {
  fake.client = createFakeLabClient();
  fake.client.listRuns.mockResolvedValue([]);
});

describe('TrainView', () => {
  it('validates the form inline with the run schema and blocks Start until it is fixed', async () => {
    const wrapper = await mountView();
    const start = wrapper.get('[data-testid="train-start"]');
    expect(start.attributes('disabled')).toBeUndefined();
    await wrapper.get('[data-testid="hp-batch-size"]').setValue('0');
    expect(wrapper.get('[data-testid="hp-error-batch-size"]').text()).toMatch(/0|greater|>/);
    expect(wrapper.get('[data-testid="train-start"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="hp-learning-rate"]').setValue('');
    expect(wrapper.find('[data-testid="hp-error-learning-rate"]').exists()).toBe(true);
    await wrapper.get('[data-testid="hp-batch-size"]').setValue('16');
    await wrapper.get('[data-testid="hp-learning-rate"]').setValue('0.01');
    expect(wrapper.find('[data-testid="hp-error-batch-size"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="train-start"]').attributes('disabled')).toBeUndefined();
  });

  it('a branch left dangling disables Start with the reason Design gives, and so does a second output', async () => {
    const wrapper = await mountView();
    const graphStore = useGraphStore();
    const conv = graphStore.graph.nodes.find((node) => node.type === 'Conv2D');
    const head = graphStore.graph.nodes.at(-1);
    // A residual Add drawn beside the path, its output wired to nothing.
    const addId = graphStore.addLayer('Add', { x: 400, y: 0 });
    graphStore.connectNodes(conv!.id, addId, 0);
    graphStore.connectNodes(conv!.id, addId, 1);
    await flushPromises();
    const dangling = graphStore.analysis.problems.find((problem) => problem.code === 'GRAPH_DANGLING' && problem.nodeId === addId);
    expect(dangling?.severity).toBe('error');
    expect(wrapper.get('[data-testid="train-start"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="train-blocker"]').text()).toBe(`${dangling?.message} Fix it in Design.`);
    const makeOutput = [dangling!.fix!, ...(dangling!.alternatives ?? [])].find((fix) => fix.label.startsWith('Make'));
    graphStore.applyFix(makeOutput!);
    await flushPromises();
    expect(graphStore.analysis.valid).toBe(true);
    expect(wrapper.get('[data-testid="train-start"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="train-blocker"]').text()).toBe(`Training takes a model with one input and one output; this one has 1 input and 2 outputs (${head?.name}, add).`);
  });

  it('shows a failure to start once', async () => {
    const message = 'Expected input layer input_1 to take the images of bars (28x28x1). Received: shape=[32,32,1]';
    fake.client.startRun.mockRejectedValue(new Error(message));
    const wrapper = await mountView();
    await wrapper.get('[data-testid="train-start"]').trigger('click');
    await flushPromises();
    const shown = wrapper.findAll('p').filter((paragraph) => paragraph.text().includes(message));
    expect(shown).toHaveLength(1);
    expect(wrapper.get('[data-testid="run-status"]').text()).toBe('Failed');
  });

  it('switching the optimizer brings its Keras defaults', async () => {
    const wrapper = await mountView();
    await wrapper.get('[data-testid="hp-optimizer"]').setValue('sgd');
    expect((wrapper.get('[data-testid="hp-learning-rate"]').element as HTMLInputElement).value).toBe('0.01');
    expect(useTrainingStore(wrapper.pinia).form.optimizer).toEqual({ name: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false });
  });

  it('starts a run of the graph on the dataset and shows progress, backend and controls from the events', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/r1' });
    const wrapper = await mountView();
    await wrapper.get('[data-testid="hp-epochs"]').setValue('2');
    await wrapper.get('[data-testid="train-start"]').trigger('click');
    await flushPromises();
    expect(fake.client.startRun.mock.calls[0]?.[0]).toMatchObject({ dataset: 'ds1', hyperparameters: { epochs: 2 } });
    fake.client.emit({
      type: 'run.started', runId: 'r1', backend: { chosen: 'wasm', device: 'CPU (WebAssembly SIMD)', candidates: [], overridden: false },
      hyperparameters: (fake.client.startRun.mock.calls[0]?.[0] as { hyperparameters: never }).hyperparameters, totalParams: 1, trainExamples: 8, validationExamples: 1, stepsPerEpoch: 4, initialEpoch: 1,
    });
    fake.client.emit({ type: 'run.batch', runId: 'r1', epoch: 1, batch: 2, batches: 4, logs: { loss: 1 }, imagesPerSecond: 250, etaSeconds: 75 });
    await flushPromises();
    expect(wrapper.get('[data-testid="run-backend"]').text()).toContain('CPU (WebAssembly SIMD)');
    expect(wrapper.get('[data-testid="run-progress"]').text()).toContain('epoch 1/2');
    expect(wrapper.get('[data-testid="run-progress"]').text()).toContain('250 images/s');
    expect(wrapper.get('[data-testid="run-progress"]').text()).toContain('1m 15s');
    expect(wrapper.find('[data-testid="train-pause"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="train-stop"]').exists()).toBe(true);
  });

  it('warns when the data does not fit the model input and offers the resize / channel adapter', async () => {
    const wrapper = await mountView();
    useDatasetStore(wrapper.pinia).datasets = [{ ...dataset, imageShape: [32, 32, 3] } as never];
    await flushPromises();
    const mismatch = await vi.waitFor(() => wrapper.get('[data-testid="input-mismatch"]'));
    expect(mismatch.text()).toContain('The model takes 28×28×1 images');
    expect(wrapper.get('[data-testid="adapt-dataset"]').text()).toBe('Make a 28×28 grayscale copy');
    expect(wrapper.get('[data-testid="model-preprocessing"]').text()).toContain("the dataset's normalisation");
  });

  it('shows a pretrained base\'s preprocessing and offers an RGB copy of grayscale data at the base\'s size', async () => {
    const wrapper = await mountView();
    useGraphStore().openGraph(buildTemplate('vgg16', { inputShape: [32, 32, 3], classes: 10, includeTop: false, pooling: 'avg' }));
    await flushPromises();
    expect(wrapper.get('[data-testid="model-preprocessing"]').text()).toContain('vgg16.preprocess_input (caffe): RGB → BGR, minus the ImageNet mean');
    expect(wrapper.get('[data-testid="input-mismatch"]').text()).toContain('(three channels from grayscale)');
    expect(wrapper.get('[data-testid="adapt-dataset"]').text()).toBe('Make a 32×32 RGB copy');
  });

  it('the adapter makes a copy of the dataset at the model\'s size and colour mode and trains on it', async () => {
    const wrapper = await mountView();
    const rgb = { ...dataset, imageShape: [32, 32, 3] };
    const copy = { ...dataset, id: 'ds2', name: 'bars at 28×28 grayscale' };
    useDatasetStore().datasets = [rgb as never];
    fake.client.adaptDataset.mockResolvedValue({ info: copy, report: { importId: 'x', reused: false, decoded: 10, reusedRecords: 0, skipped: [], durationMs: 1, rate: 1 } });
    fake.client.listDatasets.mockResolvedValue([rgb, copy]);
    fake.client.listBuiltinDatasets.mockResolvedValue([]);
    fake.client.getDatasetStats.mockResolvedValue({ id: 'ds2' });
    fake.client.getSampleGrid.mockResolvedValue({ classes: [] });
    await flushPromises();
    await wrapper.get('[data-testid="adapt-dataset"]').trigger('click');
    await flushPromises();
    expect(fake.client.adaptDataset.mock.calls[0]?.[0]).toMatchObject({ id: 'ds1', targetSize: [28, 28], colorMode: 'grayscale' });
    expect(useDatasetStore().activeId).toBe('ds2');
    expect(wrapper.find('[data-testid="input-mismatch"]').exists()).toBe(false);
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/r1' });
    await wrapper.get('[data-testid="train-start"]').trigger('click');
    await flushPromises();
    expect(fake.client.startRun.mock.calls[0]?.[0]).toMatchObject({ dataset: 'ds2' });
  });

  it('warns when the model has more outputs than the data has classes, as the engine refuses that too', async () => {
    const wrapper = await mountView();
    useDatasetStore().datasets = [{ ...dataset, classes: ['a', 'b', 'c', 'd'] } as never];
    await flushPromises();
    expect(wrapper.get('[data-testid="fit-warning"]').text()).toContain('the model has 10 outputs for 4 classes');
  });
});
