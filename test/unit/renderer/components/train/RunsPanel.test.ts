// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hyperparametersSchema, type RunSpec, type RunSummary } from '../../../../../common/api/methods/runs';
import { buildTemplate } from '../../../../../common/templates';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const RunsPanel = (await import('../../../../../renderer/components/train/RunsPanel.vue')).default;
const { useRunsStore } = await import('../../../../../renderer/stores/runsStore');
const { useTrainingStore } = await import('../../../../../renderer/stores/trainingStore');

const row: RunSummary = { id: 'r1', name: 'first', createdAt: '', status: 'completed', epochsCompleted: 1, best: null, endReason: null, epochs: 1, optimizer: 'adam', datasetName: 'bars', finalLogs: { loss: 0.5 } };
const spec: RunSpec = {
  schemaVersion: 1, id: 'r1', name: 'first', createdAt: '', graph: buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 }), status: 'completed', epochsCompleted: 1, best: null, last: null, endReason: null, updatedAt: '',
  dataset: { id: 'ds1', name: 'bars', cacheDir: '/c', fingerprint: 'f', classes: ['a'], imageShape: [28, 28, 1] },
  hyperparameters: hyperparametersSchema.parse({ batchSize: 8 }), backendPreference: null, backend: null,
};

async function mountPanel() {
  const pinia = createPinia();
  setActivePinia(pinia);
  await useRunsStore().refresh('/project');
  const wrapper = mount(RunsPanel, { global: { plugins: [pinia], stubs: { MetricChart: true } }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  fake.client.listRuns.mockResolvedValue([row]);
  fake.client.getRun.mockResolvedValue({ spec, history: [], evaluation: null, runDir: '/r1' });
});

describe('RunsPanel', () => {
  it('Duplicate opens the dialog on the run itself, leaving the Train form alone', async () => {
    const wrapper = await mountPanel();
    const trainForm: unknown = JSON.parse(JSON.stringify(useTrainingStore().form));
    await wrapper.get('[data-testid="run-duplicate-r1"]').trigger('click');
    await flushPromises();
    expect(fake.client.getRun).toHaveBeenCalledWith({ projectDir: '/project', runId: 'r1' });
    expect(wrapper.get('[data-testid="duplicate-dialog"]').text()).toContain('first');
    expect(JSON.parse(JSON.stringify(useTrainingStore().form))).toEqual(trainForm);
    await wrapper.get('[data-testid="duplicate-cancel"]').trigger('click');
    expect(wrapper.find('[data-testid="duplicate-dialog"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('a started duplicate closes the dialog and shows the live curves', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r2', runDir: '/r2' });
    const wrapper = await mountPanel();
    await wrapper.get('[data-testid="run-duplicate-r1"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="duplicate-start"]').trigger('click');
    await flushPromises();
    expect(fake.client.startRun.mock.calls[0]?.[0]).toMatchObject({ graph: spec.graph, dataset: 'ds1', projectDir: '/project', name: 'first (copy)' });
    expect(wrapper.find('[data-testid="duplicate-dialog"]').exists()).toBe(false);
    expect(wrapper.emitted('opened')).toHaveLength(1);
    wrapper.unmount();
  });
});
