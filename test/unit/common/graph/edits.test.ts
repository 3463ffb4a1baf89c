import { describe, expect, it } from 'vitest';
import { applyFix, applyGraphEdit, applyGraphEdits, connect, createNode, newGraphId, removeNodes, uniqueLayerName } from '../../../../common/graph/edits';
import { LabError } from '../../../../common/errors';
import { edge, graphOf, mnistCnn, node } from './graphFixtures';

describe('uniqueLayerName', () => {
  it('counts up Keras-style from the catalog base name', () => {
    const graph = graphOf([], []);
    expect(uniqueLayerName(graph, 'Conv2D')).toBe('conv2d');
    const one = graphOf([node('a', 'Conv2D', {}, { name: 'conv2d' })], []);
    expect(uniqueLayerName(one, 'Conv2D')).toBe('conv2d_1');
    const two = graphOf([node('a', 'Conv2D', {}, { name: 'conv2d' }), node('b', 'Conv2D', {}, { name: 'conv2d_1' })], []);
    expect(uniqueLayerName(two, 'Conv2D')).toBe('conv2d_2');
    expect(uniqueLayerName(graph, 'BatchNormalization')).toBe('batch_normalization');
    expect(uniqueLayerName(graph, 'GlobalAveragePooling2D')).toBe('global_average_pooling2d');
  });

  it('snake-cases types the catalog does not know', () => {
    expect(uniqueLayerName(graphOf([], []), 'MyCustomLayer')).toBe('my_custom_layer');
  });
});

describe('newGraphId', () => {
  it('never repeats', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newGraphId()));
    expect(ids.size).toBe(1000);
  });
});

describe('createNode, removeNodes, connect', () => {
  it('adds a node with a unique name without touching the original graph', () => {
    const graph = mnistCnn();
    const before = JSON.stringify(graph);
    const { graph: next, node: created } = createNode(graph, 'Conv2D', { filters: 8 }, { x: 10, y: 20 });
    expect(created).toMatchObject({ type: 'Conv2D', name: 'conv2d_1', params: { filters: 8 }, trainable: true, position: { x: 10, y: 20 } });
    expect(next.nodes).toHaveLength(graph.nodes.length + 1);
    expect(JSON.stringify(graph)).toBe(before);
  });

  it('removes nodes with every edge touching them', () => {
    const next = removeNodes(mnistCnn(), ['max_pooling2d']);
    expect(next.nodes.map((n) => n.id)).toEqual(['input_1', 'conv2d', 'flatten', 'dense']);
    expect(next.edges.map((e) => e.id)).toEqual(['input_1->conv2d:0', 'flatten->dense:0']);
  });

  it('replaces the input of a single-input layer and appends to a merge', () => {
    const nodes = [node('a', 'Input', { shape: [4] }), node('b', 'Input', { shape: [4] }), node('dense', 'Dense'), node('add', 'Add')];
    let graph = graphOf(nodes, [edge('a', 'dense')]);
    graph = connect(graph, 'b', 'dense');
    expect(graph.edges.filter((e) => e.target === 'dense').map((e) => e.source)).toEqual(['b']);
    graph = connect(connect(graph, 'a', 'add'), 'b', 'add');
    expect(graph.edges.filter((e) => e.target === 'add').map((e) => [e.source, e.targetIndex])).toEqual([['a', 0], ['b', 1]]);
    expect(connect(graph, 'a', 'add', 0)).toBe(graph);
  });

  it('refuses to connect a node that does not exist', () => {
    expect(() => connect(mnistCnn(), 'dense', 'nowhere')).toThrow(LabError);
    try {
      connect(mnistCnn(), 'dense', 'nowhere');
    } catch (error) {
      expect((error as LabError).code).toBe('GRAPH_BAD_EDGE');
    }
  });
});

describe('applyGraphEdit', () => {
  it('inserts a node on an edge, keeping the input index and placing it between its neighbours', () => {
    const nodes = [node('a', 'Input', { shape: [4] }, { position: { x: 0, y: 0 } }), node('b', 'Input', { shape: [4] }), node('add', 'Add', {}, { position: { x: 100, y: 200 } })];
    const graph = graphOf(nodes, [edge('b', 'add', 0), edge('a', 'add', 1, 'a_to_add')]);
    const next = applyGraphEdit(graph, { kind: 'insertNodeOnEdge', edgeId: 'a_to_add', node: { type: 'Dense', params: { units: 4 } } });
    const inserted = next.nodes.find((n) => n.type === 'Dense');
    expect(inserted).toMatchObject({ name: 'dense', params: { units: 4 }, position: { x: 50, y: 100 } });
    expect(next.edges.some((e) => e.id === 'a_to_add')).toBe(false);
    expect(next.edges.find((e) => e.source === 'a')).toMatchObject({ target: inserted?.id, targetIndex: 0 });
    expect(next.edges.find((e) => e.source === inserted?.id)).toMatchObject({ target: 'add', targetIndex: 1 });
    expect(graph.edges).toHaveLength(2);
  });

  it('sets a param, and removes it when the value is undefined', () => {
    const set = applyGraphEdit(mnistCnn(), { kind: 'setParam', nodeId: 'conv2d', field: 'padding', value: 'same' });
    expect(set.nodes[1]?.params['padding']).toBe('same');
    const cleared = applyGraphEdit(set, { kind: 'setParam', nodeId: 'conv2d', field: 'padding', value: undefined });
    expect('padding' in (cleared.nodes[1]?.params ?? {})).toBe(false);
  });

  it('removes edges and nodes and adds edges', () => {
    const graph = mnistCnn();
    const edits = [
      { kind: 'removeNode', nodeId: 'max_pooling2d' },
      { kind: 'addEdge', source: 'conv2d', target: 'flatten', targetIndex: 0 },
      { kind: 'removeEdge', edgeId: 'flatten->dense:0' },
    ] as const;
    const next = applyGraphEdits(graph, [...edits]);
    expect(next.nodes).toHaveLength(4);
    expect(next.edges.map((e) => [e.source, e.target])).toEqual([['input_1', 'conv2d'], ['conv2d', 'flatten']]);
  });

  it('throws GRAPH_BAD_EDGE for an edit naming a missing edge or node', () => {
    for (const edit of [{ kind: 'removeEdge', edgeId: 'missing' }, { kind: 'setParam', nodeId: 'missing', field: 'units', value: 1 }] as const) {
      try {
        applyGraphEdit(mnistCnn(), edit);
        expect.unreachable('the edit should have been refused');
      } catch (error) {
        expect((error as LabError).code).toBe('GRAPH_BAD_EDGE');
      }
    }
  });

  it('applies a fix as its list of edits', () => {
    const fixed = applyFix(mnistCnn(), { label: 'Set padding', edits: [{ kind: 'setParam', nodeId: 'conv2d', field: 'padding', value: 'same' }, { kind: 'setParam', nodeId: 'conv2d', field: 'filters', value: 8 }] });
    expect(fixed.nodes[1]?.params).toMatchObject({ padding: 'same', filters: 8 });
  });
});
