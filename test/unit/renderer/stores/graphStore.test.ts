// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { LabError } from '../../../../common/errors';
import { analyzeGraph } from '../../../../common/graph/analysis';
import type { ModelGraph } from '../../../../common/graph/schema';
import { emptyGraph, useGraphStore } from '../../../../renderer/stores/graphStore';

/** Input(28×28×1) -> Conv2D(8) -> Flatten -> Dense(10), built through the store. */
function buildSmallCnn(store: ReturnType<typeof useGraphStore>): Record<string, string> {
  const input = store.addLayer('Input', { x: 0, y: 0 }, { shape: [28, 28, 1] });
  const conv = store.addLayer('Conv2D', { x: 0, y: 100 }, { filters: 8, kernel_size: [3, 3] });
  const flatten = store.addLayer('Flatten', { x: 0, y: 200 });
  const dense = store.addLayer('Dense', { x: 0, y: 300 }, { units: 10 });
  store.connectNodes(input, conv);
  store.connectNodes(conv, flatten);
  store.connectNodes(flatten, dense);
  return { input, conv, flatten, dense };
}

describe('graphStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('analyses every edit: shapes and Keras parameter counts', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    expect(store.analysis.shapes[ids.conv!]).toEqual([null, 26, 26, 8]);
    // Conv2D: 3*3*1*8 + 8 = 80; Dense: 26*26*8*10 + 10 = 54,090.
    expect(store.analysis.totals.total).toBe(80 + 54090);
    expect(store.analysis.valid).toBe(true);
  });

  it('counts graphs opened as fresh documents (the canvas fits those), not edits, undo or whole-graph replacements', () => {
    const store = useGraphStore();
    buildSmallCnn(store);
    const built = store.graph;
    store.undo();
    store.replaceGraph(built, 'edit JSON');
    expect(store.openCount).toBe(0);
    store.openGraph(built);
    expect(store.openCount).toBe(1);
    expect(store.canUndo).toBe(false);
  });

  it('undoes and redoes every step back to the empty graph and forward again', () => {
    const store = useGraphStore();
    buildSmallCnn(store);
    const full = store.graph;
    let steps = 0;
    while (store.canUndo) {
      store.undo();
      steps += 1;
    }
    expect(steps).toBe(7);
    expect(store.graph.nodes).toHaveLength(0);
    while (store.canRedo) store.redo();
    expect(store.graph).toBe(full);
    expect(store.analysis.totals.total).toBe(54170);
  });

  it('a new edit after undo drops the redo stack', () => {
    const store = useGraphStore();
    store.addLayer('Input', { x: 0, y: 0 });
    store.addLayer('Dense', { x: 0, y: 100 });
    store.undo();
    expect(store.canRedo).toBe(true);
    store.addLayer('Flatten', { x: 0, y: 100 });
    expect(store.canRedo).toBe(false);
    expect(store.graph.nodes.map((node) => node.type)).toEqual(['Input', 'Flatten']);
  });

  it('coalesces consecutive moves of the same nodes into one undo step', () => {
    const store = useGraphStore();
    const id = store.addLayer('Input', { x: 0, y: 0 });
    for (let x = 10; x <= 50; x += 10) store.moveNodes(new Map([[id, { x, y: 0 }]]));
    expect(store.graph.nodes[0]?.position).toEqual({ x: 50, y: 0 });
    store.undo();
    expect(store.graph.nodes[0]?.position).toEqual({ x: 0, y: 0 });
    expect(store.past).toHaveLength(1);
  });

  it('applies an analysis fix in one click and undoes it in one step', () => {
    const store = useGraphStore();
    const input = store.addLayer('Input', { x: 0, y: 0 }, { shape: [8, 8, 3] });
    const a = store.addLayer('Conv2D', { x: 0, y: 100 }, { filters: 16, kernel_size: [1, 1] });
    const add = store.addLayer('Add', { x: 0, y: 200 });
    store.connectNodes(input, a);
    store.connectNodes(a, add, 0);
    store.connectNodes(input, add, 1);
    const problem = store.analysis.problems.find((candidate) => candidate.nodeId === add && candidate.fix);
    expect(problem?.code).toBe('SHAPE_MISMATCH');
    const before = store.graph;
    store.applyFix(problem!.fix!);
    expect(store.analysis.valid).toBe(true);
    expect(store.analysis.shapes[add]).toEqual([null, 8, 8, 16]);
    store.undo();
    expect(store.graph).toBe(before);
  });

  it('copies and pastes nodes with fresh ids and names, keeping the edges among them', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    store.copyNodes([ids.conv!, ids.flatten!]);
    const pasted = store.paste();
    expect(pasted).toHaveLength(2);
    const copies = pasted.map((id) => store.nodesById.get(id)!);
    expect(copies.map((node) => node.name)).toEqual(['conv2d_1', 'flatten_1']);
    expect(copies[0]!.params).toEqual({ filters: 8, kernel_size: [3, 3] });
    expect(copies[0]!.position).toEqual({ x: 40, y: 140 });
    expect(store.graph.edges.filter((edge) => pasted.includes(edge.source) && pasted.includes(edge.target))).toHaveLength(1);
    const second = store.paste();
    expect(store.nodesById.get(second[0]!)!.position).toEqual({ x: 80, y: 180 });
    expect(new Set(store.graph.nodes.map((node) => node.name)).size).toBe(store.graph.nodes.length);
  });

  it('duplicates without touching the clipboard', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    const copies = store.duplicateNodes([ids.dense!]);
    expect(store.nodesById.get(copies[0]!)!.name).toBe('dense_1');
    expect(store.clipboard).toBeNull();
  });

  it('groups a selection into a named block, collapses, expands and ungroups it', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    const groupId = store.groupNodes([ids.conv!, ids.flatten!], 'features');
    expect(store.graph.groups).toEqual([{ id: groupId, name: 'features', collapsed: false }]);
    expect(store.graph.nodes.filter((node) => node.group === groupId)).toHaveLength(2);
    store.setGroupCollapsed(groupId, true);
    expect(store.graph.groups[0]?.collapsed).toBe(true);
    store.setGroupCollapsed(groupId, false);
    store.ungroup(groupId);
    expect(store.graph.groups).toEqual([]);
    expect(store.graph.nodes.every((node) => node.group === undefined)).toBe(true);
    store.undo();
    expect(store.graph.groups).toHaveLength(1);
  });

  it('drops a block whose last layer is deleted', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    store.groupNodes([ids.dense!], 'head');
    store.removeElements([ids.dense!]);
    expect(store.graph.groups).toEqual([]);
    expect(store.graph.edges).toHaveLength(2);
  });

  it('refuses a duplicate or empty name with a LabError code', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    expect(() => store.renameNode(ids.dense!, 'conv2d')).toThrow(expect.objectContaining({ code: 'GRAPH_DUPLICATE' }));
    expect(() => store.renameNode(ids.dense!, '  ')).toThrow(LabError);
    store.renameNode(ids.dense!, 'logits');
    expect(store.nodesById.get(ids.dense!)!.name).toBe('logits');
  });

  it('sets a parameter, coalescing typing into one step, and resets it with undefined', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    const depth = store.past.length;
    store.setParam(ids.conv!, 'filters', 1);
    store.setParam(ids.conv!, 'filters', 16);
    expect(store.past.length).toBe(depth + 1);
    expect(store.analysis.params[ids.conv!]).toEqual({ trainable: 160, nonTrainable: 0 });
    store.setParam(ids.conv!, 'use_bias', undefined);
    expect('use_bias' in store.nodesById.get(ids.conv!)!.params).toBe(false);
  });

  it('freezing moves parameters to non-trainable', () => {
    const store = useGraphStore();
    const ids = buildSmallCnn(store);
    store.setTrainable(ids.dense!, false);
    expect(store.analysis.totals.nonTrainable).toBe(54090);
    expect(store.analysis.totals.trainable).toBe(80);
  });

  it('opening a graph resets the history; auto-layout is undoable', () => {
    const store = useGraphStore();
    buildSmallCnn(store);
    const graph: ModelGraph = store.graph;
    store.openGraph(emptyGraph('fresh'));
    expect(store.canUndo).toBe(false);
    store.openGraph(graph);
    store.layout();
    const ys = store.graph.nodes.map((node) => node.position.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    store.undo();
    expect(store.graph).toBe(graph);
  });

  it('re-analyses a ResNet50-sized graph on every edit and prints the cost', async () => {
    const { buildTemplate } = await import('../../../../common/templates');
    const store = useGraphStore();
    store.openGraph(buildTemplate('resnet50'));
    expect(store.graph.nodes.length).toBeGreaterThan(170);
    const conv = store.graph.nodes.find((node) => node.type === 'Conv2D')!;
    const times: number[] = [];
    for (let filters = 1; filters <= 20; filters += 1) {
      store.setParam(conv.id, 'filters', 60 + filters);
      times.push(store.lastAnalysisMs);
      // Each edit is analysed at once: the node's output shape follows the new filter count.
      expect(store.analysis.shapes[conv.id]?.at(-1)).toBe(60 + filters);
    }
    // The figure is printed, not asserted: tests assert behaviour, timings are for reading.
    console.log(`graphStore edit analysis on ResNet50: fastest ${Math.min(...times).toFixed(2)} ms of ${times.length} edits`);
    expect(analyzeGraph(store.graph).totals.total).toBe(store.analysis.totals.total);
  });
});
