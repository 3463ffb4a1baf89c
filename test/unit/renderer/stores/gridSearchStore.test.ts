// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GridSearchSummary } from '../../../../common/api/methods/gridSearch';
import { buildTemplate } from '../../../../common/templates';
import { createFakeLabClient } from '../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { useGridSearchStore } = await import('../../../../renderer/stores/gridSearchStore');
const { useTrainingStore } = await import('../../../../renderer/stores/trainingStore');
const { useUiStore } = await import('../../../../renderer/stores/uiStore');

const graph = buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 });
const axes = { learningRate: [0.1, 0.01, 0.001], batchSize: [8], dropout: [], optimizer: ['adam' as const] };

function gridSummary(runIds: string[], overrides: Partial<GridSearchSummary> = {}): GridSearchSummary {
  return { id: 'grid1', projectDir: null, createdAt: '', status: 'running', total: 3, queued: 3 - runIds.length, runIds, endReason: null, ...overrides };
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  fake.client.listRuns.mockResolvedValue([]);
  setActivePinia(createPinia());
});

describe('the grid search store', () => {
  it('passes a failure to start on, with nothing queued', async () => {
    fake.client.startGridSearch.mockRejectedValueOnce(new Error('Expected input layer input_1 to take the images. Received: shape=[28,28,1]'));
    const grids = useGridSearchStore();
    await expect(grids.start({ graph, dataset: 'd', base: { epochs: 1 }, axes })).rejects.toThrow('Received: shape');
    expect(grids.queued).toBe(0);
    expect(useTrainingStore().activeRunId).toBeNull();
  });

  it('says why when the grid stops because a later run could not start', async () => {
    fake.client.startGridSearch.mockResolvedValueOnce(gridSummary(['g1']));
    const grids = useGridSearchStore();
    await grids.start({ graph, dataset: 'd', base: { epochs: 1 }, axes });
    expect(grids.queued).toBe(2);
    fake.client.emit({ type: 'grid.progress', grid: gridSummary(['g1'], { status: 'failed', queued: 0, endReason: 'Expected the dataset. Received: dataset=d' }) });
    expect(useUiStore().notice?.text).toBe('Grid search stopped: Expected the dataset. Received: dataset=d');
    expect(grids.queued).toBe(0);
  });

  it('ignores the progress of other grid searches', async () => {
    fake.client.startGridSearch.mockResolvedValueOnce(gridSummary(['g1']));
    const grids = useGridSearchStore();
    await grids.start({ graph, dataset: 'd', base: { epochs: 1 }, axes });
    fake.client.emit({ type: 'grid.progress', grid: gridSummary(['x1', 'x2'], { id: 'grid2' }) });
    expect(grids.grid?.id).toBe('grid1');
    expect(useTrainingStore().activeRunId).toBe('g1');
  });
});
