// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeLabClient } from '../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { exportPathFor, useExportStore } = await import('../../../../renderer/stores/exportStore');

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

describe('exportPathFor', () => {
  it.each([
    ['/out/model', 'onnx', '/out/model.onnx'],
    ['/out/model.onnx', 'tfjs', '/out/model-tfjs'],
    ['/out/model-tfjs', 'h5', '/out/model.h5'],
    ['/out/model.h5', 'keras', '/out/model.keras'],
    ['/out/model', 'keras-script', '/out/model.py'],
  ] as const)('%s as %s is %s', (base, format, expected) => {
    expect(exportPathFor(base, format)).toBe(expected);
  });
});

describe('exportStore', () => {
  it('exports each format in turn, follows progress, and keeps a failure beside a success', async () => {
    const store = useExportStore();
    store.basePath = '/out/cnn';
    store.selectedFormats = ['tfjs', 'onnx'];
    const verification = { runtime: 'tf.loadLayersModel', samples: 4, inputs: 'test-split', maxAbsDiff: 1e-7, tolerance: 1e-4 };
    fake.client.exportModel.mockImplementation(async (input: { format: string; outPath: string }) => {
      expect(store.running).toBe(true);
      fake.client.emit({ type: 'export.progress', format: input.format as 'tfjs', outPath: input.outPath, stage: 'writing', fraction: 0.5, message: 'Writing' });
      expect(store.jobs.find((job) => job.outPath === input.outPath)).toMatchObject({ stage: 'writing', fraction: 0.5 });
      if (input.format === 'onnx') throw new Error('Expected a supported layer. Received: type=Foo');
      return { format: input.format, files: [`${input.outPath}/model.json`], modelCardPath: 'card', verification };
    });
    await store.exportRun({ runId: 'r1', checkpoint: 'best' });
    expect(fake.client.exportModel.mock.calls.map((call) => call[0].outPath)).toEqual(['/out/cnn-tfjs', '/out/cnn.onnx']);
    expect(store.jobs.map((job) => job.stage)).toEqual(['done', 'failed']);
    expect(store.jobs[0]?.result?.verification?.maxAbsDiff).toBe(1e-7);
    expect(store.jobs[1]?.error).toContain('type=Foo');
    expect(store.running).toBe(false);
  });
});
