import { describe, expect, it } from 'vitest';
import { kerasModelLayout } from '../../../../common/graph/kerasOrder';
import { edge, graphOf, mnistCnn, node } from './graphFixtures';

describe('kerasModelLayout', () => {
  it('keeps a chain in order and calls it sequential-like', () => {
    expect(kerasModelLayout(mnistCnn())).toEqual({ order: ['input_1', 'conv2d', 'max_pooling2d', 'flatten', 'dense'], sequentialLike: true });
  });

  it('orders by depth then walk order, inputs of a merge in index order', () => {
    // input -> a -> b -> add[1]; input -> c -> add[0]: c and b share a depth, and the walk reaches c first.
    const nodes = [node('input', 'Input', { shape: [4] }), node('a', 'Dense', { units: 4 }), node('b', 'Dense', { units: 4 }), node('c', 'Dense', { units: 4 }), node('add', 'Add')];
    const graph = graphOf(nodes, [edge('input', 'a'), edge('a', 'b'), edge('b', 'add', 1), edge('input', 'c'), edge('c', 'add', 0)]);
    expect(kerasModelLayout(graph)).toEqual({ order: ['input', 'a', 'c', 'b', 'add'], sequentialLike: false });
  });

  it('leaves out layers that do not lead to an output of the model', () => {
    const graph = mnistCnn();
    graph.nodes.push(node('stray', 'Dense', { units: 2 }));
    expect(kerasModelLayout(graph).order).not.toContain('stray');
  });
});
