// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hyperparametersSchema } from '../../../../common/training/hyperparameters';
import type { RunSpec } from '../../../../common/training/runSpec';
import { GRAPH_SCHEMA_VERSION, type ModelGraph } from '../../../../common/graph/schema';
import { withDropout } from '../../../../common/training/gridSearch';
import { createFakeLabClient } from '../views/fakeLabClient';
import { projectAt } from './projectFixture';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { diffGraphs, diffRuns, useRunsStore } = await import('../../../../renderer/stores/runsStore');
const { useTrainingStore } = await import('../../../../renderer/stores/trainingStore');
const { useProjectStore } = await import('../../../../renderer/stores/projectStore');
const { useGraphStore } = await import('../../../../renderer/stores/graphStore');
const { useUiStore } = await import('../../../../renderer/stores/uiStore');

const graph: ModelGraph = {
  schemaVersion: GRAPH_SCHEMA_VERSION,
  name: 'm',
  nodes: [
    { id: 'a', type: 'Input', name: 'input', params: { shape: [28, 28, 1] }, trainable: true, position: { x: 0, y: 0 } },
    { id: 'b', type: 'Dropout', name: 'dropout', params: { rate: 0.5 }, trainable: true, position: { x: 0, y: 0 } },
  ],
  edges: [{ id: 'e', source: 'a', target: 'b', targetIndex: 0 }],
  groups: [],
  metadata: {},
};

function spec(changes: Partial<RunSpec>): RunSpec {
  return {
    schemaVersion: 1, id: 'r', name: 'r', createdAt: '', graph, status: 'completed', epochsCompleted: 1, best: null, last: null, endReason: null, updatedAt: '',
    dataset: { id: 'd', name: 'digits', cacheDir: '/c', fingerprint: 'f', classes: ['a'], imageShape: [28, 28, 1] },
    hyperparameters: hyperparametersSchema.parse({}), backendPreference: null, backend: null,
    ...changes,
  };
}

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

describe('diffRuns', () => {
  it('lists the hyperparameters and layer arguments that differ', () => {
    const left = spec({});
    const right = spec({ graph: withDropout(graph, 0.3), hyperparameters: hyperparametersSchema.parse({ batchSize: 64 }) });
    expect(diffRuns(left, right)).toEqual([
      { path: 'hyperparameters.batchSize', left: '32', right: '64' },
      { path: 'layer dropout.rate', left: '0.5', right: '0.3' },
    ]);
  });
});

describe('diffGraphs', () => {
  it('ignores positions and ids but sees arguments and wiring', () => {
    const moved: ModelGraph = { ...graph, nodes: graph.nodes.map((node) => ({ ...node, id: `${node.id}2`, position: { x: 50, y: 90 } })), edges: [{ id: 'x', source: 'a2', target: 'b2', targetIndex: 0 }] };
    expect(diffGraphs(graph, moved)).toEqual([]);
    const unwired: ModelGraph = { ...graph, edges: [] };
    expect(diffGraphs(graph, unwired)).toEqual([{ path: 'layer dropout.inputs', left: '["input"]', right: '[]' }]);
    const extra: ModelGraph = { ...graph, nodes: [...graph.nodes, { id: 'c', type: 'Flatten', name: 'flatten', params: {}, trainable: true, position: { x: 0, y: 0 } }] };
    expect(diffGraphs(graph, extra).map((difference) => [difference.path, difference.left])).toEqual([['layer flatten.type', '—'], ['layer flatten.trainable', '—'], ['layer flatten.inputs', '—']]);
  });
});

function summary(id: string, epochsCompleted: number) {
  return { id, name: id, createdAt: '', status: 'completed', epochsCompleted, best: null, endReason: null, epochs: 1, optimizer: 'adam', datasetName: 'digits', finalLogs: null };
}

describe('duplicate with changes and open in Design', () => {
  it("starts the run's own graph on its dataset with the edited hyperparameters and name", async () => {
    fake.client.startRun.mockResolvedValue({ runId: 'copy', runDir: '/copy' });
    fake.client.listRuns.mockResolvedValue([]);
    const runs = useRunsStore();
    useProjectStore().project = projectAt('/project');
    await runs.refresh();
    useGraphStore().openGraph({ ...graph, name: 'other', nodes: graph.nodes.slice(0, 1), edges: [] });
    const source = spec({ id: 'r1', name: 'first', hyperparameters: hyperparametersSchema.parse({ batchSize: 16 }) });
    const runId = await runs.duplicateRun(source, { name: 'first, lr 0.01', hyperparameters: { ...source.hyperparameters, optimizer: { name: 'adam', learningRate: 0.01 } } });
    expect(runId).toBe('copy');
    const request = fake.client.startRun.mock.calls[0]?.[0];
    expect(request).toMatchObject({ graph, dataset: 'd', projectDir: '/project', name: 'first, lr 0.01', hyperparameters: { batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } } });
    expect(useTrainingStore().activeRunId).toBe('copy');
    expect(fake.client.listRuns).toHaveBeenCalledTimes(2);
  });

  it("puts the run's graph on the canvas as one undoable edit and shows Design", () => {
    const graphs = useGraphStore();
    const drawn: ModelGraph = { ...graph, name: 'drawn', nodes: graph.nodes.slice(0, 1), edges: [] };
    graphs.openGraph(drawn);
    useUiStore().select(['a']);
    useRunsStore().openInDesign(spec({ name: 'first' }));
    expect(graphs.graph).toEqual(graph);
    expect(graphs.undoLabel).toBe('open the model of run first');
    expect(useUiStore().activeView).toBe('design');
    expect(useUiStore().selectedNodeIds).toEqual([]);
    graphs.undo();
    expect(graphs.graph).toBe(drawn);
    expect(graphs.canUndo).toBe(false);
  });

  it('picks the trained run to evaluate or export: the current one, else the active one, else the newest', async () => {
    fake.client.listRuns.mockResolvedValue([summary('new', 0), summary('mid', 2), summary('old', 1)]);
    const runs = useRunsStore();
    useProjectStore().project = projectAt('/project');
    await runs.refresh();
    expect(runs.trainedRuns.map((run) => run.id)).toEqual(['mid', 'old']);
    expect(runs.pickTrainedRun('old')).toBe('old');
    expect(runs.pickTrainedRun('new')).toBe('mid');
    expect(runs.pickTrainedRun(null)).toBe('mid');
    useTrainingStore().activeRunId = 'old';
    expect(runs.pickTrainedRun('gone')).toBe('old');
    fake.client.listRuns.mockResolvedValue([summary('new', 0)]);
    useProjectStore().project = projectAt('/project');
    await runs.refresh();
    expect(runs.pickTrainedRun('mid')).toBeNull();
  });
});
