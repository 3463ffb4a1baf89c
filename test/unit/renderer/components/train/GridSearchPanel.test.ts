// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../../../common/api/methods/runs';
import { buildTemplate } from '../../../../../common/templates';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const GridSearchPanel = (await import('../../../../../renderer/components/train/GridSearchPanel.vue')).default;
const { useTrainingStore } = await import('../../../../../renderer/stores/trainingStore');

const graph = buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 });

function summary(id: string, logs: Record<string, number>): RunSummary {
  return { id, name: id, createdAt: '', status: 'completed', epochsCompleted: 1, best: null, endReason: null, epochs: 1, optimizer: 'adam', datasetName: 'bars', finalLogs: logs };
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

describe('GridSearchPanel', () => {
  it('queues every combination from the Train form, then sorts the results by a clicked metric with the best highlighted', async () => {
    let counter = 0;
    fake.client.startRun.mockImplementation(async () => ({ runId: `g${++counter}`, runDir: '/g' }));
    fake.client.listRuns.mockResolvedValue([]);
    useTrainingStore().form = { ...useTrainingStore().form, epochs: 1 };
    const wrapper = mount(GridSearchPanel, { props: { graph, dataset: 'ds1', disabled: false } });
    await wrapper.get('[data-testid="grid-lr"]').setValue('0.01, 0.001');
    await wrapper.get('[data-testid="grid-batch"]').setValue('8, 16');
    expect(wrapper.text()).toMatch(/4 runs × 1 epoch(?!s)/);
    await wrapper.get('[data-testid="grid-start"]').trigger('click');
    await flushPromises();
    expect(fake.client.startRun).toHaveBeenCalledTimes(1);
    expect(fake.client.startRun.mock.calls[0]?.[0]).toMatchObject({ graph, dataset: 'ds1', name: 'grid adam lr=0.01 bs=8', hyperparameters: { epochs: 1, batchSize: 8 } });
    expect(wrapper.get('[data-testid="grid-drop-queued"]').text()).toBe('Drop 3 queued');

    fake.client.listRuns.mockResolvedValue([summary('g1', { loss: 0.9, accuracy: 0.5 }), summary('other', { loss: 0.1, accuracy: 0.99 })]);
    fake.client.emit({ type: 'run.done', runId: 'g1', reason: 'completed', epochsCompleted: 1, best: null, message: 'done' });
    await vi.waitFor(() => expect(fake.client.startRun).toHaveBeenCalledTimes(2));
    fake.client.listRuns.mockResolvedValue([summary('g1', { loss: 0.9, accuracy: 0.5 }), summary('g2', { loss: 0.4, accuracy: 0.4 })]);
    fake.client.emit({ type: 'run.done', runId: 'g2', reason: 'completed', epochsCompleted: 1, best: null, message: 'done' });
    await vi.waitFor(() => expect(fake.client.startRun).toHaveBeenCalledTimes(3));
    await wrapper.get('[data-testid="grid-drop-queued"]').trigger('click');
    await flushPromises();

    const rows = () => wrapper.findAll('[data-testid^="grid-row-"]').map((row) => [row.attributes('data-testid'), row.classes().includes('best')]);
    await wrapper.get('[data-testid="grid-sort-loss"]').trigger('click');
    expect(rows()).toEqual([['grid-row-g2', true], ['grid-row-g1', false]]);
    await wrapper.get('[data-testid="grid-sort-accuracy"]').trigger('click');
    expect(rows()).toEqual([['grid-row-g1', true], ['grid-row-g2', false]]);
    expect(wrapper.get('[data-testid="grid-row-g1"]').text()).toContain('best');
    expect(wrapper.get('[data-testid="grid-row-g2"]').text()).not.toContain('best');
  });
});
