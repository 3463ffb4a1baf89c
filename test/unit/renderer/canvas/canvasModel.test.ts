import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { connect, createNode } from '../../../../common/graph/edits';
import type { ModelGraph } from '../../../../common/graph/schema';
import { buildCanvasModel, expandCanvasSelection, nextGroupName } from '../../../../renderer/canvas/canvasModel';
import { edgeAtPoint } from '../../../../renderer/canvas/edgeHit';
import { autoLayout } from '../../../../renderer/canvas/layout';
import type { LayerNodeData, GroupCollapsedData } from '../../../../renderer/canvas/types';
import { emptyGraph } from '../../../../renderer/stores/graphStore';

/** Input -> Conv2D -> Add(conv, input) with mismatched channels. */
function residualGraph(): { graph: ModelGraph; ids: Record<string, string> } {
  let graph = emptyGraph();
  const input = createNode(graph, 'Input', { shape: [8, 8, 3] });
  graph = input.graph;
  const conv = createNode(graph, 'Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' });
  graph = conv.graph;
  const add = createNode(graph, 'Add');
  graph = add.graph;
  graph = connect(graph, input.node.id, conv.node.id);
  graph = connect(graph, conv.node.id, add.node.id, 0);
  graph = connect(graph, input.node.id, add.node.id, 1);
  return { graph, ids: { input: input.node.id, conv: conv.node.id, add: add.node.id } };
}

describe('buildCanvasModel', () => {
  it('labels nodes and edges with shapes, parameters and problems', () => {
    const { graph, ids } = residualGraph();
    const model = buildCanvasModel(graph, analyzeGraph(graph));
    const conv = model.nodes.find((node) => node.id === ids.conv)!;
    const data = conv.data as LayerNodeData;
    expect(data.outputShape).toBe('(None, 8, 8, 4)');
    expect(data.paramCount).toBe(3 * 3 * 3 * 4 + 4);
    expect(data.keyParams.map((param) => param.name)).toContain('filters');
    expect(conv.selected).toBeUndefined();
    const add = model.nodes.find((node) => node.id === ids.add)!.data as LayerNodeData;
    expect(add.isMerge).toBe(true);
    expect(add.inputHandles).toBe(3);
    expect(add.problems[0]?.severity).toBe('error');
    expect(model.edges.every((edge) => edge.data?.shape !== null)).toBe(true);
    expect(model.edges.some((edge) => edge.data?.problem)).toBe(true);
  });

  it('draws a collapsed block as one node with edges rerouted to it', () => {
    const { graph, ids } = residualGraph();
    const grouped: ModelGraph = {
      ...graph,
      groups: [{ id: 'g1', name: 'stem', collapsed: true }],
      nodes: graph.nodes.map((node) => (node.id === ids.conv ? { ...node, group: 'g1' } : node)),
    };
    const model = buildCanvasModel(grouped, analyzeGraph(grouped));
    const block = model.nodes.find((node) => node.id === 'group:g1');
    expect((block?.data as GroupCollapsedData).paramCount).toBe(112);
    expect(model.nodes.some((node) => node.id === ids.conv)).toBe(false);
    expect(model.edges.filter((edge) => edge.source === 'group:g1' || edge.target === 'group:g1')).toHaveLength(2);
    expect(expandCanvasSelection(grouped, ['group:g1', 'frame:x'])).toEqual([ids.conv]);
    expect(nextGroupName(grouped)).toBe('block_1');
  });
});

describe('edgeAtPoint and autoLayout', () => {
  it('finds the edge under a point along its curve, and nothing far from it', () => {
    const edges = [{ id: 'a', source: { x: 0, y: 0 }, target: { x: 0, y: 100 } }, { id: 'b', source: { x: 300, y: 0 }, target: { x: 300, y: 100 } }];
    expect(edgeAtPoint(edges, { x: 4, y: 50 }, 10)).toBe('a');
    expect(edgeAtPoint(edges, { x: 296, y: 50 }, 10)).toBe('b');
    expect(edgeAtPoint(edges, { x: 150, y: 50 }, 10)).toBeNull();
  });

  it('lays a chain out top to bottom with no overlap', () => {
    const { graph, ids } = residualGraph();
    const laid = autoLayout(graph);
    const y = (id: string): number => laid.nodes.find((node) => node.id === id)!.position.y;
    expect(y(ids.input!)).toBeLessThan(y(ids.conv!));
    expect(y(ids.conv!)).toBeLessThan(y(ids.add!));
  });
});
