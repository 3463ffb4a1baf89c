// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTemplate } from '../../../../../common/templates';
import { describeTransferSource } from '../../../../../renderer/components/transfer/transferSourceLabel';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const HyperparameterForm = (await import('../../../../../renderer/components/train/HyperparameterForm.vue')).default;
const InitialWeightsReport = (await import('../../../../../renderer/components/transfer/InitialWeightsReport.vue')).default;
const { useTrainingStore } = await import('../../../../../renderer/stores/trainingStore');
const { useRunsStore } = await import('../../../../../renderer/stores/runsStore');
const { useGraphStore } = await import('../../../../../renderer/stores/graphStore');

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

describe('initial weights in the Train view', () => {
  it('describes a source as a run with its checkpoint or a model file name', () => {
    expect(describeTransferSource({ runId: 'run-1' })).toBe('run run-1, best checkpoint');
    expect(describeTransferSource({ runId: 'run-1', checkpoint: 'last' }, new Map([['run-1', 'cnn 10:02']]))).toBe('run cnn 10:02, last checkpoint');
    expect(describeTransferSource({ modelPath: '/models/base.h5' })).toBe('base.h5');
    expect(describeTransferSource({ modelPath: 'C:\\models\\base.keras' })).toBe('base.keras');
  });

  it('the hyperparameter form shows the initial weights with a button that clears them', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const training = useTrainingStore();
    useRunsStore().runs = [{ id: 'run-1', name: 'cnn 10:02' } as never];
    const wrapper = mount(HyperparameterForm, { props: { disabled: false }, global: { plugins: [pinia] } });
    expect(wrapper.find('[data-testid="hp-initial-weights"]').exists()).toBe(false);
    training.form = { ...training.form, initialWeights: { runId: 'run-1', checkpoint: 'best' } };
    await flushPromises();
    expect(wrapper.get('[data-testid="hp-initial-weights"]').text()).toContain('Initial weights: run cnn 10:02, best checkpoint');
    await wrapper.get('[data-testid="hp-initial-weights-clear"]').trigger('click');
    expect(training.form.initialWeights).toBeUndefined();
    expect(training.formValid).toBe(true);
    expect(wrapper.find('[data-testid="hp-initial-weights"]').exists()).toBe(false);
  });

  it('the form says which initial weights another model on the canvas dropped, until dismissed', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const training = useTrainingStore();
    useRunsStore().runs = [{ id: 'run-1', name: 'cnn 10:02' } as never];
    training.form = { ...training.form, initialWeights: { runId: 'run-1', checkpoint: 'best' } };
    const wrapper = mount(HyperparameterForm, { props: { disabled: false }, global: { plugins: [pinia] } });
    useGraphStore().openModel(buildTemplate('lenet5', { inputShape: [28, 28, 1], classes: 10 }), 'open template LeNet-5');
    await flushPromises();
    expect(wrapper.find('[data-testid="hp-initial-weights"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="hp-initial-weights-cleared"]').text()).toContain('Initial weights from run cnn 10:02, best checkpoint were dropped');
    await wrapper.get('[data-testid="hp-initial-weights-dismiss"]').trigger('click');
    expect(wrapper.find('[data-testid="hp-initial-weights-cleared"]').exists()).toBe(false);
  });

  it('the report shows the initialised and skipped layers of the active run once it trains', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const training = useTrainingStore();
    training.form = { ...training.form, initialWeights: { runId: 'run-1' } };
    fake.client.getRun.mockResolvedValue({
      spec: { hyperparameters: { initialWeights: { runId: 'run-1' } }, initialWeights: { initialised: ['conv2d', 'conv2d_1'], skipped: [{ layer: 'dense_2', reason: 'no layer of that name in the source' }] } },
      history: [], evaluation: null, runDir: '/r',
    });
    const wrapper = mount(InitialWeightsReport, { global: { plugins: [pinia] } });
    training.activeRunId = 'run-2';
    training.status = 'queued';
    await flushPromises();
    expect(fake.client.getRun).not.toHaveBeenCalled();
    training.status = 'running';
    await flushPromises();
    expect(fake.client.getRun).toHaveBeenCalledWith({ runId: 'run-2', projectDir: undefined });
    expect(wrapper.get('[data-testid="initial-weights-loaded"]').text()).toBe('loaded into 2 layers (conv2d, conv2d_1)');
    expect(wrapper.get('[data-testid="initial-weights-skipped"]').text()).toContain('dense_2 (no layer of that name in the source)');
    expect(wrapper.text()).toContain('Initial weights from run run-1, best checkpoint');
    training.activeRunId = 'run-3';
    training.form = { ...training.form, initialWeights: undefined };
    await flushPromises();
    expect(wrapper.find('[data-testid="initial-weights-report"]').exists()).toBe(false);
  });
});
