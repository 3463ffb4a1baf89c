// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTemplate } from '../../../../../common/templates';
import { buildTransferGraph } from '../../../../../main/transfer/transferGraph';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const HyperparameterForm = (await import('../../../../../renderer/components/train/HyperparameterForm.vue')).default;
const { useTrainingStore } = await import('../../../../../renderer/stores/trainingStore');
const { useGraphStore } = await import('../../../../../renderer/stores/graphStore');

beforeEach(() => {
  fake.client = createFakeLabClient();
});

describe('the fine-tuning section of the hyperparameter form', () => {
  it('offers the frozen base\'s blocks, last first, and sets a second phase at 1e-5', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const base = buildTemplate('vgg16', { includeTop: false, inputShape: [32, 32, 3] });
    useGraphStore().openGraph(buildTransferGraph(base, { cutAt: 'block5_pool', classes: 2, freeze: 'all' }).graph);
    const training = useTrainingStore();
    training.form = { ...training.form, epochs: 3 };
    const wrapper = mount(HyperparameterForm, { props: { disabled: false }, global: { plugins: [pinia] } });
    expect(wrapper.find('[data-testid="hp-fine-tune-from"]').exists()).toBe(false);
    await wrapper.get('[data-testid="hp-fine-tune-enabled"]').setValue(true);
    await flushPromises();
    expect(training.form.fineTune).toEqual({ fromLayer: 'block5_conv1', epochs: 3, learningRate: 1e-5 });
    const options = wrapper.get('[data-testid="hp-fine-tune-from"]').findAll('optgroup[label="Blocks"] option').map((option) => option.text());
    expect(options).toEqual(['block5 and after (block5_conv1)', 'block4 and after (block4_conv1)', 'block3 and after (block3_conv1)', 'block2 and after (block2_conv1)', 'block1 and after (block1_conv1)']);
    await wrapper.get('[data-testid="hp-fine-tune-from"]').setValue('block4_conv1');
    await wrapper.get('[data-testid="hp-fine-tune-epochs"]').setValue('0');
    expect(training.form.fineTune?.fromLayer).toBe('block4_conv1');
    expect(training.formErrors['fineTune.epochs']).toBeDefined();
    expect(training.formValid).toBe(false);
    await wrapper.get('[data-testid="hp-fine-tune-enabled"]').setValue(false);
    expect(training.form.fineTune).toBeNull();
    expect(training.formValid).toBe(true);
  });

  it('cannot be turned on without a frozen layer to unfreeze', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    useGraphStore().openGraph(buildTemplate('mnist-cnn'));
    const wrapper = mount(HyperparameterForm, { props: { disabled: false }, global: { plugins: [pinia] } });
    expect(wrapper.get('[data-testid="hp-fine-tune-enabled"]').attributes('disabled')).toBeDefined();
  });
});
