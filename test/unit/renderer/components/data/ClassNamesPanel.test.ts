// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatasetInfo } from '../../../../../common/api/methods/datasets';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const ClassNamesPanel = (await import('../../../../../renderer/components/data/ClassNamesPanel.vue')).default;
const { useDatasetStore } = await import('../../../../../renderer/stores/datasetStore');

const info = {
  id: 'ds1', name: 'digits', source: { kind: 'idx', path: '/data/digits' }, classes: ['0', '1', '2'], imageShape: [28, 28, 1],
  preprocessing: { targetSize: [28, 28], colorMode: 'grayscale', resizeMode: 'squash', scale: 1 / 255, offset: 0 },
  splits: { train: 8, validation: 1, test: 1 }, classCounts: { train: [3, 3, 2], validation: [1, 0, 0], test: [0, 1, 0] },
  fingerprint: 'f', createdAt: '', cacheDir: '/cache/ds1', skipped: [], knownDataset: { id: 'mnist', name: 'MNIST', match: 'size-and-header' },
} satisfies DatasetInfo;

async function mountPanel() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const store = useDatasetStore();
  await store.refresh();
  await store.select('ds1');
  const wrapper = mount(ClassNamesPanel, { props: { info }, global: { plugins: [pinia] } });
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  fake.client.listDatasets.mockResolvedValue([info]);
  fake.client.listBuiltinDatasets.mockResolvedValue([]);
  fake.client.getDatasetStats.mockResolvedValue({ id: 'ds1' });
  fake.client.getSampleGrid.mockResolvedValue({ classes: [] });
});

describe('ClassNamesPanel', () => {
  it('renames the classes of the dataset, trimmed, and reloads its statistics and samples', async () => {
    const renamed = { ...info, classes: ['zero', '1', 'two'] };
    fake.client.renameClasses.mockResolvedValue(renamed);
    const wrapper = await mountPanel();
    expect(wrapper.get('[data-testid="known-dataset"]').text()).toBe('Recognised as MNIST by its file sizes and headers.');
    expect(wrapper.get('[data-testid="class-names-save"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="class-name-0"]').setValue(' zero ');
    await wrapper.get('[data-testid="class-name-2"]').setValue('two');
    await wrapper.get('[data-testid="class-names-save"]').trigger('click');
    await flushPromises();
    expect(fake.client.renameClasses).toHaveBeenCalledWith({ id: 'ds1', classes: ['zero', '1', 'two'] });
    expect(useDatasetStore().active?.classes).toEqual(['zero', '1', 'two']);
    expect(fake.client.getDatasetStats).toHaveBeenCalledTimes(2);
  });

  it('will not save an empty or repeated name, and shows a refusal from the lab', async () => {
    fake.client.renameClasses.mockRejectedValue(new Error('Expected 3 class names for digits, one per label.'));
    const wrapper = await mountPanel();
    await wrapper.get('[data-testid="class-name-1"]').setValue('0');
    expect(wrapper.text()).toContain('"0" names two classes.');
    expect(wrapper.get('[data-testid="class-names-save"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="class-name-1"]').setValue(' ');
    expect(wrapper.text()).toContain('Class 1 needs a name.');
    await wrapper.get('[data-testid="class-name-1"]').setValue('one');
    await wrapper.get('[data-testid="class-names-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="class-names-error"]').text()).toContain('Expected 3 class names');
  });
});
