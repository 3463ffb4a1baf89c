import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../common/templates/builder';
import { thrownCode } from './thrownCode';
import { modelGraphSchema } from '../../../../common/graph/schema';
import { analyzeGraph } from '../../../../common/graph/analysis';

describe('GraphBuilder', () => {
  it('builds a schema-valid chain with Keras automatic names', () => {
    const b = new GraphBuilder('tiny', 'a tiny model');
    let x = b.input([28, 28, 1]);
    x = b.layer('Conv2D', { filters: 8, kernel_size: [3, 3] }, x);
    x = b.layer('Conv2D', { filters: 8, kernel_size: [3, 3] }, x);
    x = b.layer('BatchNormalization', {}, x);
    x = b.layer('Flatten', {}, x);
    b.layer('Dense', { units: 10 }, x);
    const graph = b.build('tiny-template');

    expect(modelGraphSchema.parse(graph)).toEqual(graph);
    expect(graph.name).toBe('tiny');
    expect(graph.metadata).toEqual({ description: 'a tiny model', template: 'tiny-template' });
    expect(graph.nodes.map((n) => n.name)).toEqual(['input_1', 'conv2d', 'conv2d_1', 'batch_normalization', 'flatten', 'dense']);
    expect(graph.nodes[0]?.params).toEqual({ shape: [28, 28, 1] });
    expect(analyzeGraph(graph).valid).toBe(true);
  });

  it('skips automatic names a given name already took', () => {
    const b = new GraphBuilder('names');
    const x = b.input([4]);
    const first = b.layer('Dense', { units: 2 }, x, 'dense');
    b.layer('Dense', { units: 2 }, first);
    expect(b.build().nodes.map((n) => n.name)).toEqual(['input_1', 'dense', 'dense_1']);
  });

  it('wires merge inputs in the order given and keeps the frozen flag', () => {
    const b = new GraphBuilder('merge');
    const x = b.input([8]);
    const left = b.layer('Dense', { units: 4 }, x, 'left', { trainable: false });
    const right = b.layer('Dense', { units: 4 }, x, 'right');
    b.layer('Concatenate', {}, [right, left], 'joined');
    const graph = b.build();
    const id = (name: string): string => graph.nodes.find((n) => n.name === name)?.id ?? '';
    const into = graph.edges.filter((e) => e.target === id('joined')).sort((a, b2) => a.targetIndex - b2.targetIndex);
    expect(into.map((e) => e.source)).toEqual([id('right'), id('left')]);
    expect(graph.nodes.find((n) => n.name === 'left')?.trainable).toBe(false);
    expect(graph.nodes.find((n) => n.name === 'right')?.trainable).toBe(true);
  });

  it('lays out top to bottom with a column per branch', () => {
    const b = new GraphBuilder('branches');
    const x = b.input([8, 8, 3]);
    const a = b.layer('Conv2D', { filters: 4, kernel_size: [1, 1] }, x, 'a');
    const c = b.layer('Conv2D', { filters: 4, kernel_size: [1, 1] }, x, 'c');
    const c2 = b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }, c, 'c2');
    b.layer('Add', {}, [a, c2], 'sum');
    const position = (name: string) => b.build().nodes.find((n) => n.name === name)?.position;
    expect(position('input_1')).toEqual({ x: 0, y: 0 });
    expect(position('a')?.x).toBe(0);
    expect(position('c')?.x).toBeGreaterThan(0);
    expect(position('c2')?.x).toBe(position('c')?.x);
    // The merge sits one row below the deeper of its two branches, back in the first column.
    expect(position('sum')?.x).toBe(0);
    expect(position('sum')?.y).toBe((position('c2')?.y ?? 0) + (position('a')?.y ?? 0));
  });

  it('gives a second Input and a late branch their own columns', () => {
    const b = new GraphBuilder('two_inputs');
    const left = b.input([4], 'left');
    const right = b.input([4], 'right');
    const hidden = b.layer('Dense', { units: 4 }, left, 'hidden');
    const joined = b.layer('Concatenate', {}, [hidden, right], 'joined');
    b.layer('Dense', { units: 1 }, left, 'skip');
    b.layer('Dense', { units: 1 }, joined, 'out');
    const graph = b.build();
    const position = (name: string) => graph.nodes.find((n) => n.name === name)?.position;
    expect(position('left')).toEqual({ x: 0, y: 0 });
    expect(position('right')?.y).toBe(0);
    expect(position('right')?.x).toBeGreaterThan(0);
    const positions = new Set(graph.nodes.map((n) => `${n.position.x},${n.position.y}`));
    expect(positions.size).toBe(graph.nodes.length);
  });

  it('refuses a duplicate layer name with GRAPH_DUPLICATE', () => {
    const b = new GraphBuilder('dup');
    const x = b.input([4], 'features');
    expect(thrownCode(() => b.layer('Dense', { units: 1 }, x, 'features'))).toBe('GRAPH_DUPLICATE');
  });
});
