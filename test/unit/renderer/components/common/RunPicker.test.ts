// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../../../common/api/methods/runs';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const RunPicker = (await import('../../../../../renderer/components/common/RunPicker.vue')).default;
const { useRunsStore } = await import('../../../../../renderer/stores/runsStore');

function summary(id: string, epochsCompleted: number): RunSummary {
  return { id, name: `run ${id}`, createdAt: '', status: 'completed', epochsCompleted, best: null, endReason: null, epochs: 2, optimizer: 'adam', datasetName: 'bars', finalLogs: null };
}

async function mountPicker(runs: RunSummary[]) {
  fake.client.listRuns.mockResolvedValue(runs);
  const pinia = createPinia();
  setActivePinia(pinia);
  await useRunsStore().refresh();
  const wrapper = mount(RunPicker, { props: { runId: 'b', checkpoint: 'best', emptyText: 'Nothing trained yet.', runTestId: 'pick-run', checkpointTestId: 'pick-checkpoint' }, global: { plugins: [pinia] } });
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  fake.client = createFakeLabClient();
});

describe('RunPicker', () => {
  it('lists the runs with a saved epoch and reports the chosen run and checkpoint', async () => {
    const wrapper = await mountPicker([summary('a', 0), summary('b', 1), summary('c', 2)]);
    const options = wrapper.findAll('[data-testid="pick-run"] option');
    expect(options.map((option) => option.text())).toEqual(['run b (completed, 1 epoch)', 'run c (completed, 2 epochs)']);
    expect((wrapper.get('[data-testid="pick-run"]').element as HTMLSelectElement).value).toBe('b');
    await wrapper.get('[data-testid="pick-run"]').setValue('c');
    await wrapper.get('[data-testid="pick-checkpoint"]').setValue('last');
    expect(wrapper.emitted('update:runId')).toEqual([['c']]);
    expect(wrapper.emitted('update:checkpoint')).toEqual([['last']]);
    expect(wrapper.text()).not.toContain('Nothing trained yet.');
  });

  it('says so when no run has a saved epoch', async () => {
    const wrapper = await mountPicker([summary('a', 0)]);
    expect(wrapper.findAll('[data-testid="pick-run"] option')).toHaveLength(0);
    expect(wrapper.text()).toContain('Nothing trained yet.');
  });
});
