// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { buildTemplate } from '../../../../../common/templates';
import { buildTransferGraph } from '../../../../../main/transfer/transferGraph';
import { createFakeLabClient } from '../../views/fakeLabClient';
import { projectAt } from '../../stores/projectFixture';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const TransferLauncher = (await import('../../../../../renderer/components/transfer/TransferLauncher.vue')).default;
const PathPickerHost = (await import('../../../../../renderer/components/data/PathPickerHost.vue')).default;
const { useGraphStore } = await import('../../../../../renderer/stores/graphStore');
const { useDatasetStore } = await import('../../../../../renderer/stores/datasetStore');
const { useTrainingStore } = await import('../../../../../renderer/stores/trainingStore');
const { useProjectStore } = await import('../../../../../renderer/stores/projectStore');

const sourceGraph = buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 });

async function mountLauncher() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const datasets = useDatasetStore();
  datasets.datasets = [{ id: 'ds', classes: ['a', 'b', 'c', 'd'] } as never];
  datasets.activeId = 'ds';
  useProjectStore().project = projectAt('/p/demo.modellab');
  // The window's one in-page picker sits beside the dialog, as in App.vue.
  const Host = defineComponent({ render: () => h('div', [h(TransferLauncher), h(PathPickerHost)]) });
  const wrapper = mount(Host, { global: { plugins: [pinia] }, attachTo: document.body });
  await wrapper.get('[data-testid="open-transfer"]').trigger('click');
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  fake.client.listRuns.mockResolvedValue([{ id: 'run-a', name: 'cnn 10:02', createdAt: '', status: 'completed', epochsCompleted: 1, best: null, epochs: 1, optimizer: 'adam', datasetName: 'bars', finalLogs: { val_accuracy: 0.5 } }]);
  fake.client.getRun.mockResolvedValue({ spec: { graph: sourceGraph }, history: [], evaluation: null, runDir: '/p/runs/run-a' });
  fake.client.createTransferGraph.mockImplementation(async (input: { cutAt?: string; classes: number; freeze?: 'all' | 'none' | number; headDropout?: number }) =>
    buildTransferGraph(sourceGraph, { cutAt: input.cutAt, classes: input.classes, freeze: input.freeze ?? 'all', headDropout: input.headDropout }));
});

describe('TransferDialog', () => {
  it('lists the chosen run\'s layers with the default cut, previews parameters and creates the model', async () => {
    const wrapper = await mountLauncher();
    expect(wrapper.find('[data-testid="transfer-dialog"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="transfer-run-select"]').text()).toContain('cnn 10:02 · 1 epoch · val_accuracy 0.500');
    expect((wrapper.get('[data-testid="transfer-classes"]').element as HTMLInputElement).value).toBe('4');
    expect(wrapper.get('[data-testid="transfer-create"]').attributes('disabled')).toBeDefined();

    await wrapper.get('[data-testid="transfer-run-select"]').setValue('run-a');
    await flushPromises();
    expect(wrapper.findAll('[data-testid^="transfer-layer-"]')).toHaveLength(8);
    expect(wrapper.get('[data-testid="transfer-layer-max_pooling2d_1"]').text()).toContain('default cut');
    expect((wrapper.get('[data-testid="transfer-cut-max_pooling2d_1"]').element as HTMLInputElement).checked).toBe(true);
    expect(wrapper.get('[data-testid="transfer-layer-conv2d"]').classes()).toContain('frozen');
    expect(wrapper.get('[data-testid="transfer-layer-dense"]').classes()).toContain('dropped');
    // Two frozen convolutions (320 + 18,496) and a new Dense(4) on 64 features (260).
    expect(wrapper.get('[data-testid="transfer-non-trainable"]').text()).toBe('18,816');
    expect(wrapper.get('[data-testid="transfer-trainable"]').text()).toBe('260');

    await wrapper.get('[data-testid="transfer-freeze"]').setValue('some');
    await flushPromises();
    expect(wrapper.get('[data-testid="transfer-layer-max_pooling2d_1"]').classes()).toContain('trainable');
    expect(wrapper.get('[data-testid="transfer-layer-conv2d_1"]').classes()).toContain('frozen');
    await wrapper.get('[data-testid="transfer-freeze-count"]').setValue('2');
    await flushPromises();
    expect(wrapper.get('[data-testid="transfer-layer-conv2d_1"]').classes()).toContain('trainable');
    expect(wrapper.get('[data-testid="transfer-layer-conv2d"]').classes()).toContain('frozen');
    await wrapper.get('[data-testid="transfer-cut-conv2d_1"]').setValue(true);
    await flushPromises();
    expect(wrapper.get('[data-testid="transfer-layer-max_pooling2d_1"]').classes()).toContain('dropped');

    await wrapper.get('[data-testid="transfer-create"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="transfer-dialog"]').exists()).toBe(false);
    expect(useGraphStore().graph.nodes.find((node) => node.name === 'conv2d')?.trainable).toBe(false);
    expect(useTrainingStore().form.initialWeights).toEqual({ runId: 'run-a', checkpoint: 'best', projectDir: '/p/demo.modellab' });
    wrapper.unmount();
  });

  it('one click creates the model right after a field is edited, with the edited value', async () => {
    const wrapper = await mountLauncher();
    await wrapper.get('[data-testid="transfer-run-select"]').setValue('run-a');
    await flushPromises();
    // The field commits when it loses focus to the button: its preview is still on its way when the click lands.
    let answer: () => void = () => undefined;
    const preview = buildTransferGraph(sourceGraph, { classes: 4, freeze: 'all', headDropout: 0.3 });
    fake.client.createTransferGraph.mockImplementationOnce(() => new Promise((resolve) => (answer = () => resolve(preview))));
    const dropout = wrapper.get('[data-testid="transfer-head-dropout"]');
    (dropout.element as HTMLInputElement).value = '0.3';
    await dropout.trigger('change');
    await wrapper.get('[data-testid="transfer-create"]').trigger('click');
    answer();
    await flushPromises();
    expect(wrapper.find('[data-testid="transfer-dialog"]').exists()).toBe(false);
    const head = useGraphStore().graph.nodes.find((node) => node.type === 'Dropout');
    expect(head?.params['rate']).toBe(0.3);
    wrapper.unmount();
  });

  it('chooses a model file with the native dialog and shows the lab\'s error for it', async () => {
    fake.client.showOpenDialog.mockResolvedValue({ status: 'selected', paths: ['/models/base.h5'] });
    fake.client.importModel.mockRejectedValue(new Error('Expected a Keras HDF5 file. Received: path="/models/base.h5"'));
    const wrapper = await mountLauncher();
    await wrapper.get('[data-testid="transfer-source-file"]').setValue(true);
    await wrapper.get('[data-testid="transfer-choose-file"]').trigger('click');
    await flushPromises();
    expect(fake.client.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ directory: false, filters: [{ name: 'Files', extensions: ['h5', 'hdf5', 'keras', 'json'] }] }));
    expect(fake.client.importModel).toHaveBeenCalledWith({ path: '/models/base.h5' });
    expect(wrapper.get('[data-testid="transfer-error"]').text()).toContain('Received: path="/models/base.h5"');
    expect(wrapper.get('[data-testid="transfer-create"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="transfer-cancel"]').trigger('click');
    expect(wrapper.find('[data-testid="transfer-dialog"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('in browser mode picks the model file with the in-page picker and previews it', async () => {
    fake.client.showOpenDialog.mockResolvedValue({ status: 'unsupported', reason: 'browser mode', roots: ['/models'] });
    fake.client.listDirectory.mockResolvedValue({ path: '/models', parent: null, entries: [{ name: 'base.h5', path: '/models/base.h5', kind: 'file' }] });
    fake.client.importModel.mockResolvedValue({ format: 'h5', graph: sourceGraph, hasWeights: true, modelCard: null });
    const wrapper = await mountLauncher();
    await wrapper.get('[data-testid="transfer-source-file"]').setValue(true);
    await wrapper.get('[data-testid="transfer-choose-file"]').trigger('click');
    await flushPromises();
    expect(fake.client.listDirectory).toHaveBeenCalledWith({ path: undefined, extensions: ['h5', 'hdf5', 'keras', 'json'] });
    await wrapper.get('[data-testid="picker-entry-base.h5"]').trigger('click');
    await wrapper.get('[data-testid="picker-select"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="path-picker"]').exists()).toBe(false);
    expect(fake.client.importModel).toHaveBeenCalledWith({ path: '/models/base.h5' });
    expect(wrapper.get('[data-testid="transfer-non-trainable"]').text()).toBe('18,816');
    await wrapper.get('[data-testid="transfer-create"]').trigger('click');
    expect(useTrainingStore().form.initialWeights).toEqual({ modelPath: '/models/base.h5' });
    wrapper.unmount();
  });

  it('offers a template with ImageNet weights from a Keras weights file and shows the lab\'s refusal of a wrong file', async () => {
    fake.client.showOpenDialog.mockResolvedValue({ status: 'selected', paths: ['/w/resnet50_notop.h5'] });
    fake.client.createFromTemplate.mockImplementation(async (request: { id: string; inputShape?: number[]; includeTop?: boolean }) => buildTemplate(request.id, request));
    fake.client.createTransferGraph.mockRejectedValue(new Error('Expected a weights file for VGG16; resnet50_notop.h5 does not fit it: its layer 1 with weights, conv1_conv, does not fit layer 1 here, block1_conv1'));
    const wrapper = await mountLauncher();
    await wrapper.get('[data-testid="transfer-source-weights"]').setValue(true);
    expect(wrapper.get('[data-testid="transfer-base-template"]').text()).toContain('InceptionV3');
    expect(wrapper.get('[data-testid="transfer-base-preprocessing"]').text()).toContain('vgg16.preprocess_input (caffe)');
    await wrapper.get('[data-testid="transfer-base-shape"]').setValue('32, 32, 3');
    await wrapper.get('[data-testid="transfer-base-pooling"]').setValue('avg');
    await wrapper.get('[data-testid="transfer-choose-weights"]').trigger('click');
    await flushPromises();
    expect(fake.client.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ filters: [{ name: 'Files', extensions: ['h5', 'hdf5'] }] }));
    expect(fake.client.createFromTemplate).toHaveBeenCalledWith({ id: 'vgg16', inputShape: [32, 32, 3], includeTop: false, pooling: 'avg' });
    expect(fake.client.createTransferGraph).toHaveBeenCalledWith(expect.objectContaining({ source: { weightsPath: '/w/resnet50_notop.h5', template: { id: 'vgg16', inputShape: [32, 32, 3], includeTop: false, pooling: 'avg' } } }));
    expect(wrapper.get('[data-testid="transfer-error"]').text()).toContain('conv1_conv');
    expect(wrapper.get('[data-testid="transfer-create"]').attributes('disabled')).toBeDefined();
    wrapper.unmount();
  });

  it('says so when the project has no finished run', async () => {
    fake.client.listRuns.mockResolvedValue([]);
    const wrapper = await mountLauncher();
    expect(wrapper.get('[data-testid="transfer-no-runs"]').text()).toContain('No finished runs yet');
    wrapper.unmount();
  });
});
