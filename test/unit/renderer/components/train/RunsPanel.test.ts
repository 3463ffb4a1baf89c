// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../../../common/api/methods/runs';
import { hyperparametersSchema } from '../../../../../common/training/hyperparameters';
import type { RunSpec } from '../../../../../common/training/runSpec';
import { buildTemplate } from '../../../../../common/templates';
import { createFakeLabClient } from '../../views/fakeLabClient';
import { projectAt } from '../../stores/projectFixture';

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
const { useProjectStore } = await import('../../../../../renderer/stores/projectStore');

const row: RunSummary = { id: 'r1', name: 'first', createdAt: '', status: 'completed', epochsCompleted: 1, best: null, endReason: null, epochs: 1, optimizer: 'adam', datasetName: 'bars', finalLogs: { loss: 0.5 } };
const spec: RunSpec = {
  schemaVersion: 1, id: 'r1', name: 'first', createdAt: '', graph: buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 }), status: 'completed', epochsCompleted: 1, best: null, last: null, endReason: null, updatedAt: '',
  dataset: { id: 'ds1', name: 'bars', cacheDir: '/c', fingerprint: 'f', classes: ['a'], imageShape: [28, 28, 1] },
  hyperparameters: hyperparametersSchema.parse({ batchSize: 8 }), backendPreference: null, backend: null,
};

async function mountPanel() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useProjectStore().project = projectAt('/project');
  await useRunsStore().refresh();
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
  it('shows each run\'s learning rate, batch size, non-constant schedule, initial weights and final metrics', async () => {
    const tuned: RunSummary = {
      ...row, id: 'r2', name: 'second', optimizer: 'sgd', learningRate: 0.0003, batchSize: 16, lrSchedule: 'reduce_on_plateau',
      initialWeights: { runId: 'r1', checkpoint: 'last' }, finalLogs: { loss: 0.25, accuracy: 0.9, val_loss: 0.3125, val_accuracy: 0.875 },
    };
    const fromFile: RunSummary = { ...row, id: 'r3', name: 'third', learningRate: 0.001, batchSize: 32, lrSchedule: 'constant', initialWeights: { modelPath: '/models/base/mobilenet.h5' } };
    fake.client.listRuns.mockResolvedValue([tuned, fromFile, row]);
    const wrapper = await mountPanel();
    const hyperparameters = (id: string) => wrapper.get(`[data-testid="run-hparams-${id}"]`);
    expect(hyperparameters('r2').text()).toBe('sgd · lr 0.0003 · batch 16 · reduce on plateau schedule · from run first, last checkpoint');
    expect(hyperparameters('r3').text()).toBe('adam · lr 0.001 · batch 32 · from mobilenet.h5');
    expect(hyperparameters('r3').get('.from').attributes('title')).toBe('Initial weights from /models/base/mobilenet.h5');
    expect(hyperparameters('r1').text()).toBe('adam');
    const cells = wrapper.get('[data-testid="run-row-r2"]').findAll('td.num').map((cell) => cell.text());
    expect(cells).toEqual(['1/1', '0.2500', '0.9000', '0.3125', '0.8750']);
    wrapper.unmount();
  });

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
