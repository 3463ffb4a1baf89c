import { describe, expect, it } from 'vitest';
import type { ModelGraph } from '../../../../common/graph/schema';
import { GraphBuilder } from '../../../../common/templates/builder';
import { expandGrid, withDropout } from '../../../../common/training/gridSearch';

/** Input -> Dropout(0.5) -> Dense. */
function dropoutGraph(): ModelGraph {
  const b = new GraphBuilder('m');
  b.layer('Dense', { units: 2 }, b.layer('Dropout', { rate: 0.5 }, b.input([4], 'input'), 'dropout'), 'dense');
  return b.build();
}

describe('expandGrid', () => {
  it('makes one run per combination, each named after its values', () => {
    const runs = expandGrid({ epochs: 3 }, { learningRate: [0.01, 0.001], batchSize: [16, 32], dropout: [0.2], optimizer: ['adam', 'sgd'] });
    expect(runs).toHaveLength(8);
    expect(runs[0]?.name).toBe('grid adam lr=0.01 bs=16 drop=0.2');
    expect(runs[0]?.hyperparameters).toMatchObject({ epochs: 3, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } });
    expect(runs.at(-1)?.hyperparameters.optimizer).toEqual({ name: 'sgd', learningRate: 0.001 });
  });

  it('keeps the base values of an empty axis', () => {
    const runs = expandGrid({ batchSize: 64, optimizer: { name: 'rmsprop' } }, { learningRate: [], batchSize: [], dropout: [], optimizer: [] });
    expect(runs).toEqual([{ name: 'grid rmsprop bs=64', hyperparameters: { batchSize: 64, optimizer: { name: 'rmsprop' } }, dropout: null }]);
  });
});

describe('withDropout', () => {
  it('sets every Dropout rate and leaves other layers alone', () => {
    const graph = dropoutGraph();
    const changed = withDropout(graph, 0.1);
    expect(changed.nodes.map((node) => [node.name, node.params['rate']])).toEqual([['input', undefined], ['dropout', 0.1], ['dense', undefined]]);
    expect(changed.nodes.find((node) => node.name === 'dense')?.params).toEqual(graph.nodes.find((node) => node.name === 'dense')?.params);
    expect(withDropout(graph, null)).toBe(graph);
  });
});
