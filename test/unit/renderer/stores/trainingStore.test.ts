// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabEvent } from '../../../../common/api/events';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import { LabError } from '../../../../common/errors';
import { createFakeLabClient } from '../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { BATCH_POINT_LIMIT, useTrainingStore, validateHyperparameters } = await import('../../../../renderer/stores/trainingStore');

const backend = { chosen: 'wasm' as const, device: 'CPU (WebAssembly)', candidates: [], overridden: false };
const graph = { schemaVersion: 1, name: 'm', nodes: [], edges: [], groups: [], metadata: {} } as never;

function started(runId: string, initialEpoch = 1): LabEvent {
  return { type: 'run.started', runId, backend, hyperparameters: hyperparametersSchema.parse({ epochs: 3 }), totalParams: 100, trainExamples: 64, validationExamples: 16, stepsPerEpoch: 4, initialEpoch };
}
function batch(runId: string, epoch: number, index: number, loss: number): LabEvent {
  return { type: 'run.batch', runId, epoch, batch: index, batches: 4, logs: { loss, accuracy: 1 - loss }, imagesPerSecond: 500, etaSeconds: 3 };
}
function epochEvent(runId: string, epoch: number, learningRate: number): LabEvent {
  return {
    type: 'run.epoch', runId, epochs: 3,
    record: { epoch, logs: { loss: 1 / epoch, accuracy: 0.5, val_loss: 1.2 / epoch, val_accuracy: 0.4 }, learningRate, seconds: 1, imagesPerSecond: 500, time: new Date().toISOString() },
    diagnosis: epoch === 2 ? [{ kind: 'overfitting', severity: 'warning', message: 'gap', evidence: 'val_loss rose', suggestions: ['dropout'] }] : [],
  };
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

describe('trainingStore', () => {
  it('starts a run with the form parsed by the schema (Keras defaults filled)', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    store.form = { epochs: 2, optimizer: { name: 'sgd' } };
    await store.start({ graph, dataset: 'd1', projectDir: '/p' });
    const input = fake.client.startRun.mock.calls[0]?.[0];
    expect(input.hyperparameters.optimizer).toEqual({ name: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false });
    expect(input.hyperparameters.batchSize).toBe(32);
    expect(input.projectDir).toBe('/p');
    expect(store.activeRunId).toBe('r1');
    expect(store.status).toBe('queued');
  });

  it('turns run events into progress, batch and epoch curves, markers and the diagnosis', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    fake.client.emit(started('r1'));
    expect(store.status).toBe('running');
    expect(store.startInfo?.backend.device).toBe('CPU (WebAssembly)');
    for (let i = 1; i <= 4; i++) fake.client.emit(batch('r1', 1, i, 1 / i));
    expect(store.batchSeries['loss']?.map((point) => point.x)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(store.progress).toMatchObject({ epoch: 1, epochs: 3, batch: 4, batches: 4, imagesPerSecond: 500 });
    fake.client.emit(epochEvent('r1', 1, 0.001));
    fake.client.emit({ type: 'run.checkpoint', runId: 'r1', kind: 'best', epoch: 1, monitor: 'val_loss', value: 1.2 });
    fake.client.emit(epochEvent('r1', 2, 0.0001));
    expect(store.epochSeries['val_loss']?.map((point) => point.x)).toEqual([1, 2]);
    expect(store.epochSeries['lr']?.map((point) => point.y)).toEqual([0.001, 0.0001]);
    expect(store.markers.map((marker) => marker.kind)).toEqual(['checkpoint', 'phase']);
    expect(store.markers[1]?.label).toContain('LR');
    expect(store.diagnosis[0]?.kind).toBe('overfitting');
    fake.client.emit({ type: 'run.done', runId: 'r1', reason: 'completed', epochsCompleted: 2, best: null, message: 'Trained 2 epochs' });
    expect(store.status).toBe('completed');
    expect(store.endMessage?.text).toBe('Trained 2 epochs');
  });

  it('draws one chart for both fine-tuning phases, with a marker where phase 2 starts', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    const hyperparameters = hyperparametersSchema.parse({ epochs: 2, fineTune: { fromLayer: 'block5_conv1', epochs: 2, learningRate: 1e-5 } });
    fake.client.emit({ ...(started('r1') as Extract<LabEvent, { type: 'run.started' }>), hyperparameters });
    expect(store.progress?.epochs).toBe(4);
    const phased = (epoch: number, phase: 1 | 2, learningRate: number): LabEvent => {
      const event = epochEvent('r1', epoch, learningRate) as Extract<LabEvent, { type: 'run.epoch' }>;
      return { ...event, epochs: 4, record: { ...event.record, phase } };
    };
    fake.client.emit(phased(1, 1, 0.001));
    fake.client.emit(phased(2, 1, 0.001));
    fake.client.emit(phased(3, 2, 1e-5));
    fake.client.emit(phased(4, 2, 1e-5));
    expect(store.epochSeries['loss']?.map((point) => point.x)).toEqual([1, 2, 3, 4]);
    expect(store.markers).toEqual([{ x: 2, label: 'fine-tuning (LR 1.0e-5)', kind: 'phase' }]);
  });

  it('ignores events of other runs', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    fake.client.emit(batch('other', 1, 1, 0.5));
    expect(store.batchEvents).toBe(0);
    expect(store.batchSeries['loss']).toBeUndefined();
  });

  it('bounds the batch curves of a long run', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    for (let i = 0; i < BATCH_POINT_LIMIT * 5; i++) store.handleEvent(batch('r1', 1 + Math.floor(i / 4), (i % 4) + 1, 0.5));
    expect(store.batchSeries['loss']?.length).toBeLessThanOrEqual(BATCH_POINT_LIMIT);
  });

  it('marks a resume and reports a failure with the last saved epoch', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    fake.client.resumeRunFromCheckpoint.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    fake.client.emit({ type: 'run.done', runId: 'r1', reason: 'stopped', epochsCompleted: 1, best: null, message: 'Stopped' });
    expect(store.status).toBe('stopped');
    await store.resumeFromCheckpoint();
    fake.client.emit(started('r1', 2));
    expect(store.markers.at(-1)).toMatchObject({ kind: 'phase', label: 'resumed', x: 1 });
    fake.client.emit({ type: 'run.failed', runId: 'r1', code: 'TRAIN_OOM', reason: 'Out of memory', lastGoodEpoch: 1 });
    expect(store.status).toBe('failed');
    expect(store.endMessage?.text).toContain('last saved epoch 1');
  });

  it('names no saved epoch when a run fails before its first checkpoint', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    fake.client.emit({ type: 'run.failed', runId: 'r1', code: 'TRAIN_NAN', reason: 'Expected a finite loss.', lastGoodEpoch: 0 });
    expect(store.endMessage?.text).not.toContain('epoch 0');
    expect(store.endMessage?.text).toContain('no epoch saved');
  });
});

describe('resuming a stopped run', () => {
  it('resumes a stopped run from its checkpoint', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    fake.client.resumeRunFromCheckpoint.mockResolvedValueOnce({ runId: 'r1', runDir: '/runs/r1' });
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    fake.client.emit({ type: 'run.done', runId: 'r1', reason: 'stopped', epochsCompleted: 1, best: null, message: 'Stopped' });
    await store.resumeFromCheckpoint();
    expect(fake.client.resumeRunFromCheckpoint).toHaveBeenCalledTimes(1);
    expect(store.status).toBe('queued');
  });

  it('reports a failed resume and keeps the stopped status', async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'r1', runDir: '/runs/r1' });
    fake.client.resumeRunFromCheckpoint.mockRejectedValue(new LabError('IO_NOT_FOUND', 'Expected a last checkpoint. Received: runId="r1"'));
    const store = useTrainingStore();
    await store.start({ graph, dataset: 'd1' });
    fake.client.emit({ type: 'run.done', runId: 'r1', reason: 'stopped', epochsCompleted: 0, best: null, message: 'Stopped' });
    await expect(store.resumeFromCheckpoint()).rejects.toMatchObject({ code: 'IO_NOT_FOUND' });
    expect(fake.client.resumeRunFromCheckpoint).toHaveBeenCalledTimes(1);
    expect(store.status).toBe('stopped');
  });
});

describe('validateHyperparameters', () => {
  it('accepts the Keras defaults', () => {
    expect(validateHyperparameters({})).toEqual({});
  });

  it('names each bad field by its path', () => {
    const errors = validateHyperparameters({ batchSize: 0, epochs: 1.5, optimizer: { name: 'adam', learningRate: -1 } });
    expect(Object.keys(errors).sort()).toEqual(['batchSize', 'epochs', 'optimizer.learningRate']);
  });

  it('refuses an empty number field (NaN) instead of defaulting it', () => {
    expect(Object.keys(validateHyperparameters({ epochs: Number.NaN }))).toEqual(['epochs']);
  });
});
