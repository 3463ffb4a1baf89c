// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GridSearchSummary } from '../../../../../common/api/methods/gridSearch';
import type { RunSummary } from '../../../../../common/api/methods/runs';
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

const GridSearchPanel = (await import('../../../../../renderer/components/train/GridSearchPanel.vue')).default;
const { useTrainingStore } = await import('../../../../../renderer/stores/trainingStore');
const { useRunsStore } = await import('../../../../../renderer/stores/runsStore');
const { useProjectStore } = await import('../../../../../renderer/stores/projectStore');

const graph = buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 });

function summary(id: string, logs: Record<string, number>): RunSummary {
  return { id, name: id, createdAt: '', status: 'completed', epochsCompleted: 1, best: null, endReason: null, epochs: 1, optimizer: 'adam', datasetName: 'bars', finalLogs: logs };
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
  useProjectStore().project = projectAt('/project');
});

function gridSummary(runIds: string[], overrides: Partial<GridSearchSummary> = {}): GridSearchSummary {
  return { id: 'grid1', projectDir: '/project', createdAt: '', status: 'running', total: 4, queued: 4 - runIds.length, runIds, endReason: null, ...overrides };
}

describe('GridSearchPanel', () => {
  it('queues every combination from the Train form, follows each run the grid starts, then sorts the results by a clicked metric with the best highlighted', async () => {
    fake.client.listGridSearches.mockResolvedValue([]);
    fake.client.startGridSearch.mockResolvedValue(gridSummary(['g1']));
    fake.client.listRuns.mockResolvedValue([]);
    useTrainingStore().form = { ...useTrainingStore().form, epochs: 1 };
    const wrapper = mount(GridSearchPanel, { props: { graph, dataset: 'ds1', disabled: false } });
    await flushPromises();
    expect(fake.client.listGridSearches).toHaveBeenCalledWith({ projectDir: '/project' });
    await wrapper.get('[data-testid="grid-lr"]').setValue('0.01, 0.001');
    await wrapper.get('[data-testid="grid-batch"]').setValue('8, 16');
    expect(wrapper.text()).toMatch(/4 runs × 1 epoch(?!s)/);
    await wrapper.get('[data-testid="grid-start"]').trigger('click');
    await flushPromises();
    expect(fake.client.startGridSearch).toHaveBeenCalledTimes(1);
    expect(fake.client.startGridSearch.mock.calls[0]?.[0]).toMatchObject({
      graph, dataset: 'ds1', projectDir: '/project', hyperparameters: { epochs: 1 }, axes: { learningRate: [0.01, 0.001], batchSize: [8, 16], dropout: [], optimizer: ['adam'] },
    });
    expect(useTrainingStore().activeRunId).toBe('g1');
    expect(wrapper.get('[data-testid="grid-drop-queued"]').text()).toBe('Drop 3 queued');

    fake.client.listRuns.mockResolvedValue([summary('g1', { loss: 0.9, accuracy: 0.5 }), summary('other', { loss: 0.1, accuracy: 0.99 })]);
    fake.client.emit({ type: 'grid.progress', grid: gridSummary(['g1', 'g2']) });
    await flushPromises();
    expect(useTrainingStore().activeRunId).toBe('g2');
    fake.client.listRuns.mockResolvedValue([summary('g1', { loss: 0.9, accuracy: 0.5 }), summary('g2', { loss: 0.4, accuracy: 0.4 })]);
    fake.client.emit({ type: 'grid.progress', grid: gridSummary(['g1', 'g2', 'g3']) });
    await flushPromises();
    expect(useTrainingStore().activeRunId).toBe('g3');
    fake.client.cancelGridSearch.mockResolvedValue(gridSummary(['g1', 'g2', 'g3'], { status: 'cancelled', queued: 0 }));
    await wrapper.get('[data-testid="grid-drop-queued"]').trigger('click');
    await flushPromises();
    expect(fake.client.cancelGridSearch).toHaveBeenCalledWith({ projectDir: '/project', gridId: 'grid1' });
    expect(wrapper.find('[data-testid="grid-drop-queued"]').exists()).toBe(false);

    const rows = () => wrapper.findAll('[data-testid^="grid-row-"]').map((row) => [row.attributes('data-testid'), row.classes().includes('best')]);
    await wrapper.get('[data-testid="grid-sort-loss"]').trigger('click');
    expect(rows()).toEqual([['grid-row-g2', true], ['grid-row-g1', false]]);
    await wrapper.get('[data-testid="grid-sort-accuracy"]').trigger('click');
    expect(rows()).toEqual([['grid-row-g1', true], ['grid-row-g2', false]]);
    expect(wrapper.get('[data-testid="grid-row-g1"]').text()).toContain('best');
    expect(wrapper.get('[data-testid="grid-row-g2"]').text()).not.toContain('best');
  });

  it("shows the project's newest grid after a reload, and resumes it when it was interrupted", async () => {
    fake.client.listGridSearches.mockResolvedValue([gridSummary(['g1', 'g2'], { status: 'interrupted' })]);
    fake.client.listRuns.mockResolvedValue([summary('g1', { loss: 0.9, accuracy: 0.5 }), summary('g2', { loss: 0.4, accuracy: 0.4 })]);
    await useRunsStore().refresh();
    const wrapper = mount(GridSearchPanel, { props: { graph, dataset: 'ds1', disabled: false } });
    await flushPromises();
    expect(wrapper.findAll('[data-testid^="grid-row-"]')).toHaveLength(2);
    expect(wrapper.find('[data-testid="grid-drop-queued"]').exists()).toBe(false);
    fake.client.resumeGridSearch.mockResolvedValue(gridSummary(['g1', 'g2']));
    await wrapper.get('[data-testid="grid-resume"]').trigger('click');
    await flushPromises();
    expect(fake.client.resumeGridSearch).toHaveBeenCalledWith({ projectDir: '/project', gridId: 'grid1' });
    expect(useTrainingStore().activeRunId).toBe('g2');
    expect(wrapper.find('[data-testid="grid-resume"]').exists()).toBe(false);
  });

  it('follows no grid of a project no longer open, and shows the newest grid of the project that opens', async () => {
    fake.client.listGridSearches.mockResolvedValue([gridSummary(['g1'])]);
    fake.client.listRuns.mockResolvedValue([]);
    const wrapper = mount(GridSearchPanel, { props: { graph, dataset: 'ds1', disabled: false } });
    await flushPromises();
    wrapper.unmount();
    useProjectStore().project = projectAt('/other');
    fake.client.emit({ type: 'grid.progress', grid: gridSummary(['g1', 'g2']) });
    await flushPromises();
    expect(useTrainingStore().activeRunId).toBeNull();
    fake.client.listGridSearches.mockResolvedValue([gridSummary(['o1'], { id: 'grid2', projectDir: '/other', status: 'completed', queued: 0 })]);
    const again = mount(GridSearchPanel, { props: { graph, dataset: 'ds1', disabled: false } });
    await flushPromises();
    expect(fake.client.listGridSearches).toHaveBeenLastCalledWith({ projectDir: '/other' });
    fake.client.emit({ type: 'grid.progress', grid: gridSummary(['g1', 'g2', 'g3']) });
    await flushPromises();
    expect(useTrainingStore().activeRunId).toBeNull();
    expect(again.find('[data-testid="grid-resume"]').exists()).toBe(false);
  });
});
