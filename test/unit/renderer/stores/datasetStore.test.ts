// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatasetInfo } from '../../../../common/api/methods/datasets';
import { createFakeLabClient } from '../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { useDatasetStore } = await import('../../../../renderer/stores/datasetStore');

const info = {
  id: 'ds1', name: 'bars', source: { kind: 'folder', path: '/data/bars' }, classes: ['a', 'b'], imageShape: [28, 28, 1],
  preprocessing: { targetSize: [28, 28], colorMode: 'grayscale', resizeMode: 'squash', scale: 1 / 255, offset: 0 },
  splits: { train: 8, validation: 1, test: 1 }, classCounts: { train: [4, 4], validation: [1, 0], test: [0, 1] },
  fingerprint: 'f', createdAt: '', cacheDir: '/cache/ds1', skipped: [],
} satisfies DatasetInfo;
const report = { importId: 'x', reused: false, decoded: 10, reusedRecords: 0, skipped: [{ path: '/data/bars/a/bad.png', reason: 'not an image' }], warnings: [], durationMs: 10, rate: 1000 };

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
  fake.client.listDatasets.mockResolvedValue([info]);
  fake.client.listBuiltinDatasets.mockResolvedValue([]);
  fake.client.getDatasetStats.mockResolvedValue({ id: 'ds1' });
  fake.client.getSampleGrid.mockResolvedValue({ classes: [{ name: 'a', index: 0, records: [3, 5], images: ['i', 'j'] }] });
});

describe('datasetStore', () => {
  it('shows the progress of its own import, then the report, the selection and the first sample', async () => {
    let finish: (value: unknown) => void = () => undefined;
    fake.client.importDataset.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const store = useDatasetStore();
    const done = store.importPath('/data/bars', 'folder', { targetSize: [28, 28] });
    const { importId } = fake.client.importDataset.mock.calls[0]?.[0] as { importId: string };
    expect(fake.client.importDataset.mock.calls[0]?.[0]).toMatchObject({ path: '/data/bars', kind: 'folder', options: { targetSize: [28, 28] } });
    fake.client.emit({ type: 'dataset.progress', importId: 'someone-else', phase: 'decode', done: 99, total: 100, rate: 1, etaSeconds: 1 });
    fake.client.emit({ type: 'dataset.progress', importId, phase: 'decode', done: 4, total: 10, rate: 2, etaSeconds: 3 });
    expect(store.importing).toMatchObject({ phase: 'decode', done: 4, total: 10, etaSeconds: 3 });
    finish({ info, report });
    expect(await done).toEqual(info);
    expect(store.importing).toBeNull();
    expect(store.lastReport?.report.skipped[0]?.reason).toBe('not an image');
    expect(store.activeId).toBe('ds1');
    expect(store.previewRecord).toBe(3);
  });

  it('keeps the error of a failed import and clears the progress', async () => {
    fake.client.importDataset.mockRejectedValue(new Error('Expected image files. Received: files=0'));
    const store = useDatasetStore();
    expect(await store.importPath('/empty')).toBeNull();
    expect(store.importError).toContain('Received: files=0');
    expect(store.importing).toBeNull();
  });

  it('previews augmentation of the chosen record with the current settings and a new seed on request', async () => {
    fake.client.previewAugmentation.mockResolvedValue({ original: 'o', images: ['v'] });
    const store = useDatasetStore();
    await store.select('ds1');
    store.augmentation.horizontalFlip = true;
    await store.loadPreview(true);
    expect(fake.client.previewAugmentation).toHaveBeenCalledWith(expect.objectContaining({ id: 'ds1', record: 3, seed: 1, augmentation: expect.objectContaining({ horizontalFlip: true }) }));
    expect(store.preview).toEqual({ original: 'o', images: ['v'] });
  });
});
