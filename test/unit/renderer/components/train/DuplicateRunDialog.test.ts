// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hyperparametersSchema } from '../../../../../common/training/hyperparameters';
import type { RunSpec } from '../../../../../common/training/runSpec';
import { buildTemplate } from '../../../../../common/templates';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const DuplicateRunDialog = (await import('../../../../../renderer/components/train/DuplicateRunDialog.vue')).default;
const { useGraphStore } = await import('../../../../../renderer/stores/graphStore');
const { useTrainingStore } = await import('../../../../../renderer/stores/trainingStore');
const { useUiStore } = await import('../../../../../renderer/stores/uiStore');

const runGraph = { ...buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 }), name: 'bars_cnn' };

function source(): RunSpec {
  return {
    schemaVersion: 1, id: 'r1', name: 'first', createdAt: '', graph: runGraph, status: 'completed', epochsCompleted: 1, best: null, last: null, endReason: null, updatedAt: '',
    dataset: { id: 'ds1', name: 'bars', cacheDir: '/c', fingerprint: 'f', classes: ['a'], imageShape: [28, 28, 1] },
    hyperparameters: hyperparametersSchema.parse({ batchSize: 8, epochs: 1 }), backendPreference: null, backend: null,
  };
}

function mountDialog() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(DuplicateRunDialog, { props: { source: source() }, global: { plugins: [pinia] }, attachTo: document.body });
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  fake.client.listRuns.mockResolvedValue([]);
});

describe('DuplicateRunDialog', () => {
  it("shows the run's model with its parameter count and that it is the graph in Design", async () => {
    const wrapper = mountDialog();
    useGraphStore().openGraph(structuredClone(runGraph));
    await flushPromises();
    expect(wrapper.get('[data-testid="duplicate-graph-name"]').text()).toBe('bars_cnn');
    // Keras: 320 + 18,496 + 102,464 + 650 for the MNIST CNN on 28×28×1 with 10 classes.
    expect(wrapper.get('[data-testid="duplicate-params"]').text()).toBe('121,930 parameters');
    expect(wrapper.find('[data-testid="duplicate-design-same"]').exists()).toBe(true);
    expect((wrapper.get('[data-testid="duplicate-name"]').element as HTMLInputElement).value).toBe('first (copy)');
    wrapper.unmount();
  });

  it('says where the Design graph differs', async () => {
    const wrapper = mountDialog();
    const changed = structuredClone(runGraph);
    const dense = changed.nodes.find((node) => node.type === 'Dense');
    if (dense) dense.params = { ...dense.params, units: 32 };
    useGraphStore().openGraph(changed);
    await flushPromises();
    expect(wrapper.get('[data-testid="duplicate-design-differs"]').text()).toContain('1 difference');
    await wrapper.get('[data-testid="duplicate-design-differs"] button').trigger('click');
    expect(wrapper.get('[data-testid="duplicate-differences"]').text()).toContain(`layer ${dense?.name ?? ''}.units`);
    wrapper.unmount();
  });

  it("edits its own copy of the hyperparameters and starts the run's graph on its dataset with them", async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r2', runDir: '/r2' });
    const wrapper = mountDialog();
    const training = useTrainingStore();
    const trainForm: unknown = JSON.parse(JSON.stringify(training.form));
    expect((wrapper.get('[data-testid="hp-batch-size"]').element as HTMLInputElement).value).toBe('8');
    await wrapper.get('[data-testid="hp-learning-rate"]').setValue('0.01');
    await wrapper.get('[data-testid="duplicate-name"]').setValue('first, lr 0.01');
    expect(training.form).toEqual(trainForm);
    await wrapper.get('[data-testid="duplicate-start"]').trigger('click');
    await flushPromises();
    const request = fake.client.startRun.mock.calls[0]?.[0];
    expect(request).toMatchObject({ graph: runGraph, dataset: 'ds1', name: 'first, lr 0.01', hyperparameters: { batchSize: 8, epochs: 1, optimizer: { name: 'adam', learningRate: 0.01 } } });
    expect(wrapper.emitted('started')).toEqual([['r2']]);
    expect(training.form).toEqual(trainForm);
    wrapper.unmount();
  });

  it('blocks Start on an invalid value or while a run trains, and shows a failed start', async () => {
    fake.client.startRun.mockRejectedValue(new Error('Expected the dataset. Received: dataset=ds1'));
    const wrapper = mountDialog();
    const start = () => wrapper.get('[data-testid="duplicate-start"]');
    await wrapper.get('[data-testid="hp-batch-size"]').setValue('0');
    expect(wrapper.find('[data-testid="hp-error-batch-size"]').exists()).toBe(true);
    expect(start().attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="hp-batch-size"]').setValue('4');
    expect(start().attributes('disabled')).toBeUndefined();
    useTrainingStore().status = 'running';
    await flushPromises();
    expect(start().attributes('disabled')).toBeDefined();
    useTrainingStore().status = 'idle';
    await flushPromises();
    await start().trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="duplicate-error"]').text()).toContain('Received: dataset=ds1');
    expect(wrapper.emitted('started')).toBeUndefined();
    wrapper.unmount();
  });

  it("opens the run's model in Design as one undoable edit and closes", async () => {
    const wrapper = mountDialog();
    const graphs = useGraphStore();
    const drawn = buildTemplate('mlp', { inputShape: [28, 28, 1], classes: 10 });
    graphs.openGraph(drawn);
    await wrapper.get('[data-testid="duplicate-open-design"]').trigger('click');
    expect(graphs.graph).toEqual(runGraph);
    expect(useUiStore().activeView).toBe('design');
    expect(wrapper.emitted('close')).toHaveLength(1);
    graphs.undo();
    expect(graphs.graph).toBe(drawn);
    wrapper.unmount();
  });

  it('closes on Escape and on Cancel', async () => {
    const wrapper = mountDialog();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await wrapper.get('[data-testid="duplicate-cancel"]').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(2);
    wrapper.unmount();
  });
});
