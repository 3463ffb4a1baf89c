// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelGraph } from '../../../../common/graph/schema';
import { buildTemplate } from '../../../../common/templates';
import { buildTransferGraph } from '../../../../main/transfer/transferGraph';
import { createFakeLabClient } from '../views/fakeLabClient';
import { projectAt } from './projectFixture';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { useTransferStore, sourceLayersOf } = await import('../../../../renderer/stores/transferStore');
const { useGraphStore } = await import('../../../../renderer/stores/graphStore');
const { useDatasetStore } = await import('../../../../renderer/stores/datasetStore');
const { useTrainingStore } = await import('../../../../renderer/stores/trainingStore');
const { useProjectStore } = await import('../../../../renderer/stores/projectStore');

const sourceGraph = buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 });
const runSummary = (id: string, status: string, epochsCompleted: number): Record<string, unknown> => ({
  id, name: `cnn ${id}`, createdAt: '', status, epochsCompleted, best: null, epochs: 1, optimizer: 'adam', datasetName: 'bars', finalLogs: null,
});

/** The lab's createTransferGraph on `graph`, the way main builds it. */
function programTransfer(graph: ModelGraph): void {
  fake.client.createTransferGraph.mockImplementation(async (input: { cutAt?: string; classes: number; freeze?: 'all' | 'none' | number; headDropout?: number }) =>
    buildTransferGraph(graph, { cutAt: input.cutAt, classes: input.classes, freeze: input.freeze ?? 'all', headDropout: input.headDropout }));
}

beforeEach(() => {
  setActivePinia(createPinia());
  fake.client = createFakeLabClient();
  fake.client.listRuns.mockResolvedValue([runSummary('run-a', 'completed', 1), runSummary('run-b', 'running', 0), runSummary('run-c', 'stopped', 2)]);
  fake.client.getRun.mockResolvedValue({ spec: { graph: sourceGraph }, history: [], evaluation: null, runDir: '/p/runs/run-a' });
  programTransfer(sourceGraph);
  const datasets = useDatasetStore();
  datasets.datasets = [{ id: 'ds', classes: ['a', 'b', 'c'] } as never];
  datasets.activeId = 'ds';
  useProjectStore().project = projectAt('/p/demo.modellab');
});

describe('transferStore', () => {
  it('opens with the finished runs of the project and the dataset class count', async () => {
    const transfer = useTransferStore();
    await transfer.openDialog();
    expect(transfer.dialogOpen).toBe(true);
    expect(fake.client.listRuns).toHaveBeenCalledWith({ projectDir: '/p/demo.modellab' });
    expect(transfer.runs.map((run) => run.id)).toEqual(['run-a', 'run-c']);
    expect(transfer.classes).toBe(3);
  });

  it('lists a run\'s layers, cuts before its classifier head by default and previews frozen parameters', async () => {
    const transfer = useTransferStore();
    await transfer.openDialog();
    await transfer.chooseRun('run-a');
    expect(fake.client.getRun).toHaveBeenCalledWith({ runId: 'run-a', projectDir: '/p/demo.modellab' });
    expect(transfer.source).toEqual({ runId: 'run-a', checkpoint: 'best', projectDir: '/p/demo.modellab' });
    expect(transfer.layers.map((layer) => layer.name)).toEqual(['input_1', 'conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense', 'dense_1']);
    expect(transfer.layers[1]).toEqual({ name: 'conv2d', type: 'Conv2D', shape: '(None, 26, 26, 32)', params: 320 });
    expect(transfer.defaultCut).toBe('max_pooling2d_1');
    expect(transfer.cutAt).toBe('max_pooling2d_1');
    // Both convolutions frozen: 320 + 18,496; the new Dense(3) on 64 pooled features: 64 × 3 + 3.
    expect(transfer.preview?.totals).toEqual({ total: 19011, trainable: 195, nonTrainable: 18816 });
    expect(transfer.canCreate).toBe(true);
  });

  it('previews again when the cut, freeze, classes or dropout change, and rejects a bad class count without asking the lab', async () => {
    const transfer = useTransferStore();
    await transfer.openDialog();
    await transfer.chooseRun('run-a');
    await transfer.setOptions({ cutAt: 'conv2d_1', freeze: 'none', classes: 5, headDropout: 0.5 });
    expect(fake.client.createTransferGraph).toHaveBeenLastCalledWith(expect.objectContaining({ cutAt: 'conv2d_1', freeze: 'none', classes: 5, headDropout: 0.5 }));
    expect(transfer.preview?.baseLayers.at(-1)).toBe('conv2d_1');
    expect(transfer.preview?.totals.nonTrainable).toBe(0);
    expect(transfer.preview?.graph.nodes.map((node) => node.type).slice(-3)).toEqual(['GlobalAveragePooling2D', 'Dropout', 'Dense']);
    await transfer.setOptions({ freeze: 1 });
    expect(transfer.preview?.frozen).toEqual(['conv2d', 'max_pooling2d']);

    const calls = fake.client.createTransferGraph.mock.calls.length;
    await transfer.setOptions({ classes: 0 });
    expect(fake.client.createTransferGraph.mock.calls.length).toBe(calls);
    expect(transfer.error).toMatch(/Received: classes=0/);
    expect(transfer.canCreate).toBe(false);
  });

  it('shows the lab\'s error and keeps no preview when the source cannot be cut there', async () => {
    const transfer = useTransferStore();
    await transfer.openDialog();
    await transfer.chooseRun('run-a');
    fake.client.createTransferGraph.mockRejectedValueOnce(new Error('Expected cutAt to name a layer after the Input. Received: cutAt="input_1"'));
    await transfer.setOptions({ cutAt: 'input_1' });
    expect(transfer.preview).toBeNull();
    expect(transfer.error).toContain('cutAt="input_1"');
  });

  it('creates the model as one undoable edit and makes the run the Train form\'s initial weights', async () => {
    const graphStore = useGraphStore();
    const before = buildTemplate('lenet5', { inputShape: [28, 28, 1], classes: 10 });
    graphStore.openGraph(before);
    const transfer = useTransferStore();
    await transfer.openDialog();
    await transfer.chooseRun('run-a', 'last');
    await transfer.create();
    expect(transfer.dialogOpen).toBe(false);
    expect(graphStore.graph.nodes.map((node) => [node.name, node.trainable])).toEqual([
      ['input_1', true], ['conv2d', false], ['max_pooling2d', false], ['conv2d_1', false], ['max_pooling2d_1', false], ['global_average_pooling2d', true], ['dense_2', true],
    ]);
    expect(graphStore.undoLabel).toBe('start from run run-a');
    expect(useTrainingStore().form.initialWeights).toEqual({ runId: 'run-a', checkpoint: 'last', projectDir: '/p/demo.modellab' });
    graphStore.undo();
    expect(graphStore.graph).toBe(before);
  });

  it('initial weights belong to the model they were chosen for: edits keep them, another model on the canvas drops them and says so', async () => {
    const graphStore = useGraphStore();
    const transfer = useTransferStore();
    const training = useTrainingStore();
    await transfer.openDialog();
    await transfer.chooseRun('run-a');
    await transfer.create();
    const chosen = { runId: 'run-a', checkpoint: 'best', projectDir: '/p/demo.modellab' };
    expect(training.form.initialWeights).toEqual(chosen);
    graphStore.renameModel('still_the_transfer_model');
    graphStore.addLayer('Dropout', { x: 0, y: 0 });
    expect(training.form.initialWeights).toEqual(chosen);
    graphStore.openModel(buildTemplate('lenet5', { inputShape: [28, 28, 1], classes: 10 }), 'open template LeNet-5');
    expect(training.form.initialWeights).toBeUndefined();
    expect(training.clearedInitialWeights).toEqual(chosen);
    // A new transfer chooses weights for its own model again.
    await transfer.chooseRun('run-a', 'last');
    await transfer.create();
    expect(training.form.initialWeights).toEqual({ ...chosen, checkpoint: 'last' });
  });

  it('builds on a model file; one without weights is not used as initial weights', async () => {
    fake.client.importModel.mockResolvedValue({ format: 'keras-json', graph: sourceGraph, hasWeights: false, modelCard: null });
    const transfer = useTransferStore();
    await transfer.openDialog();
    await transfer.chooseFile('/models/arch.json');
    expect(fake.client.importModel).toHaveBeenCalledWith({ path: '/models/arch.json' });
    expect(transfer.sourceHasWeights).toBe(false);
    expect(transfer.preview).not.toBeNull();
    await transfer.create();
    expect(useTrainingStore().form.initialWeights).toBeUndefined();
    expect(useGraphStore().graph.name).toBe(`${sourceGraph.name}_transfer`);
  });

  it('builds on a Keras Applications template filled from a weights file, showing what the file fills', async () => {
    const template = { id: 'vgg16', inputShape: [32, 32, 3], includeTop: false, pooling: null };
    const base = buildTemplate('vgg16', template);
    fake.client.createFromTemplate.mockResolvedValue(base);
    const report = { initialised: ['block1_conv1'], skipped: [{ layer: 'dense', reason: 'not in vgg16.h5: a new layer' }], matchedBy: 'name' as const };
    fake.client.createTransferGraph.mockImplementation(async (input: { cutAt?: string; classes: number }) =>
      ({ ...buildTransferGraph(base, { cutAt: input.cutAt ?? 'block5_pool', classes: input.classes, freeze: 'all' }), weights: report }));
    const transfer = useTransferStore();
    await transfer.openDialog();
    await transfer.chooseWeights('/w/vgg16.h5', template);
    expect(fake.client.createFromTemplate).toHaveBeenCalledWith(template);
    expect(transfer.layers.at(-1)?.name).toBe('block5_pool');
    expect(transfer.preview?.weights).toEqual(report);
    await transfer.create();
    expect(useGraphStore().undoLabel).toBe('start from vgg16 with a weights file');
    expect(useTrainingStore().form.initialWeights).toEqual({ weightsPath: '/w/vgg16.h5', template });
    expect(useGraphStore().graph.metadata['inputPreprocessing']).toEqual({ module: 'vgg16', mode: 'caffe' });
  });

  it('drops a preview answer that arrives after a newer request', async () => {
    const transfer = useTransferStore();
    await transfer.openDialog();
    await transfer.chooseRun('run-a');
    let releaseSlow: () => void = () => undefined;
    const slow = buildTransferGraph(sourceGraph, { classes: 7, freeze: 'all' });
    fake.client.createTransferGraph.mockImplementationOnce(() => new Promise((resolve) => {
      releaseSlow = () => resolve(slow);
    }));
    const first = transfer.setOptions({ classes: 7 });
    await transfer.setOptions({ classes: 4 });
    releaseSlow();
    await first;
    expect(transfer.preview?.graph.nodes.at(-1)?.params['units']).toBe(4);
  });
});

describe('sourceLayersOf', () => {
  it('lists layers in model order even when the graph stores them otherwise', () => {
    const reversed: ModelGraph = { ...sourceGraph, nodes: [...sourceGraph.nodes].reverse() };
    expect(sourceLayersOf(reversed).map((layer) => layer.name)).toEqual(['input_1', 'conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense', 'dense_1']);
  });
});
