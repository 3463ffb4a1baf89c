import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { applyFix } from '../../../../common/graph/edits';
import type { GraphProblem } from '../../../../common/graph/problems';
import { graphAnalysisSchema } from '../../../../common/graph/problems';
import { getTemplate } from '../../../../common/templates';
import { LAYER_CATALOG } from '../../../../common/catalog';
import { formatSummary } from '../../../../common/graph/summary';
import type { GraphEdge, GraphNode } from '../../../../common/graph/schema';
import { chain, edge, graphOf, mnistCnn, node } from './graphFixtures';

function only(problems: GraphProblem[], code: GraphProblem['code']): GraphProblem {
  const matching = problems.filter((p) => p.code === code);
  expect(matching, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return matching[0] as GraphProblem;
}

describe('analyzeGraph: valid graphs', () => {
  it('infers Keras shapes and parameter counts of the MNIST CNN', () => {
    const analysis = analyzeGraph(mnistCnn());
    expect(analysis.valid).toBe(true);
    expect(analysis.problems).toEqual([]);
    expect(analysis.order).toEqual(['input_1', 'conv2d', 'max_pooling2d', 'flatten', 'dense']);
    expect(analysis.shapes).toEqual({
      input_1: [null, 28, 28, 1],
      conv2d: [null, 26, 26, 32],
      max_pooling2d: [null, 13, 13, 32],
      flatten: [null, 5408],
      dense: [null, 10],
    });
    expect(analysis.params['conv2d']).toEqual({ trainable: 320, nonTrainable: 0 });
    expect(analysis.params['dense']).toEqual({ trainable: 54090, nonTrainable: 0 });
    expect(analysis.totals).toEqual({ total: 54410, trainable: 54410, nonTrainable: 0 });
    expect(analysis.inputs).toEqual(['input_1']);
    expect(analysis.outputs).toEqual(['dense']);
    expect(graphAnalysisSchema.safeParse(analysis).success).toBe(true);
  });

  it('accepts two inputs and two chosen outputs and reports both', () => {
    const nodes = [
      node('image', 'Input', { shape: [8] }),
      node('meta', 'Input', { shape: [4] }),
      node('concat', 'Concatenate'),
      node('hidden', 'Dense', { units: 16 }),
      node('class_out', 'Dense', { units: 3 }),
      node('score_out', 'Dense', { units: 1 }),
    ];
    const edges = [edge('image', 'concat', 0), edge('meta', 'concat', 1), edge('concat', 'hidden'), edge('hidden', 'class_out'), edge('hidden', 'score_out')];
    const analysis = analyzeGraph({ ...graphOf(nodes, edges), outputs: ['class_out', 'score_out'] });
    expect(analysis.valid).toBe(true);
    expect(analysis.inputs).toEqual(['image', 'meta']);
    expect(analysis.outputs).toEqual(['class_out', 'score_out']);
    expect(analysis.shapes['concat']).toEqual([null, 12]);
    expect(analysis.totals.total).toBe(12 * 16 + 16 + 16 * 3 + 3 + 16 + 1);
  });

  it('counts frozen layers and BatchNormalization statistics as non-trainable', () => {
    const nodes = [
      node('input_1', 'Input', { shape: [8, 8, 3] }),
      node('frozen_conv', 'Conv2D', { filters: 4, kernel_size: [3, 3] }, { trainable: false }),
      node('bn', 'BatchNormalization'),
      node('flatten', 'Flatten'),
      node('head', 'Dense', { units: 2 }),
    ];
    const analysis = analyzeGraph(graphOf(nodes, chain(nodes)));
    expect(analysis.valid).toBe(true);
    expect(analysis.params['frozen_conv']).toEqual({ trainable: 0, nonTrainable: 3 * 3 * 3 * 4 + 4 });
    expect(analysis.params['bn']).toEqual({ trainable: 8, nonTrainable: 8 });
    expect(analysis.totals).toEqual({ total: 112 + 16 + (6 * 6 * 4 * 2 + 2), trainable: 8 + 290, nonTrainable: 112 + 8 });
  });
});

describe('analyzeGraph: structure problems', () => {
  it('names the layers of a cycle and offers to cut it', () => {
    const nodes = [node('input_1', 'Input', { shape: [4] }), node('a', 'Dense', { units: 4 }), node('b', 'Dense', { units: 4 }), node('c', 'Dense', { units: 4 })];
    const edges = [edge('input_1', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'a', 1)];
    const graph = graphOf(nodes, edges);
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(false);
    expect(analysis.order).toEqual([]);
    const cycle = only(analysis.problems, 'GRAPH_CYCLE');
    expect(cycle.message).toContain('a → b → c → a');
    expect(cycle.fix?.edits).toEqual([{ kind: 'removeEdge', edgeId: 'c->a:1' }]);
    const fixed = analyzeGraph(applyFix(graph, cycle.fix!));
    expect(fixed.problems).toEqual([]);
    expect(fixed.order).toEqual(['input_1', 'a', 'b', 'c']);
  });

  it('reports a self-loop as a cycle', () => {
    const nodes = [node('input_1', 'Input', { shape: [4] }), node('add', 'Add')];
    const analysis = analyzeGraph(graphOf(nodes, [edge('input_1', 'add', 0), edge('add', 'add', 1)]));
    expect(only(analysis.problems, 'GRAPH_CYCLE').message).toContain('add → add');
  });

  it('reports an edge to a missing node and removes it as the fix', () => {
    const graph = mnistCnn();
    graph.edges.push(edge('dense', 'ghost'));
    const analysis = analyzeGraph(graph);
    const bad = only(analysis.problems, 'GRAPH_BAD_EDGE');
    expect(bad.edgeId).toBe('dense->ghost:0');
    expect(bad.message).toContain('dense (Dense)');
    expect(bad.message).toContain('"ghost"');
    expect(analyzeGraph(applyFix(graph, bad.fix!)).valid).toBe(true);
  });

  it('reports duplicate ids and names', () => {
    const graph = mnistCnn();
    graph.nodes.push(node('dense', 'Dense', { units: 3 }, { name: 'other' }));
    graph.nodes.push(node('extra', 'Dense', { units: 3 }, { name: 'conv2d' }));
    const problems = analyzeGraph(graph).problems.filter((p) => p.code === 'GRAPH_DUPLICATE');
    expect(problems.map((p) => p.field).sort()).toEqual(['id', 'name']);
    expect(problems.find((p) => p.field === 'name')?.message).toContain('"conv2d"');
    const sharedEdgeId = mnistCnn();
    sharedEdgeId.edges.push(edge('conv2d', 'dense', 1, 'input_1->conv2d:0'));
    const duplicateEdge = only(analyzeGraph(sharedEdgeId).problems, 'GRAPH_DUPLICATE');
    expect(duplicateEdge).toMatchObject({ edgeId: 'input_1->conv2d:0', field: 'id' });
    expect(duplicateEdge.message).toContain('from conv2d to dense');
  });

  it('reports a layer with no input and the layers fed only by it', () => {
    const graph = mnistCnn();
    graph.nodes.push(node('orphan', 'Dense', { units: 5 }), node('after_orphan', 'Dense', { units: 2 }));
    graph.edges.push(edge('orphan', 'after_orphan'));
    const analysis = analyzeGraph(graph);
    const dangling = only(analysis.problems, 'GRAPH_DANGLING');
    expect(dangling.nodeId).toBe('orphan');
    expect(dangling.message).toContain('orphan (Dense) has no input');
    const unreachable = only(analysis.problems, 'GRAPH_UNREACHABLE');
    expect(unreachable.nodeId).toBe('after_orphan');
    expect(analysis.outputs).toEqual(['dense']);
  });

  it('offers to delete an isolated layer', () => {
    const graph = mnistCnn();
    graph.nodes.push(node('lonely', 'Dropout', { rate: 0.5 }));
    const dangling = only(analyzeGraph(graph).problems, 'GRAPH_DANGLING');
    expect(analyzeGraph(applyFix(graph, dangling.fix!)).valid).toBe(true);
  });

  it('requires an Input layer', () => {
    const nodes = [node('dense', 'Dense', { units: 2 })];
    expect(only(analyzeGraph(graphOf(nodes, [])).problems, 'GRAPH_NO_INPUT').severity).toBe('error');
    expect(only(analyzeGraph(graphOf([], [])).problems, 'GRAPH_NO_INPUT').message).toContain('empty');
  });

  it('names unknown layer types and bad params with their field', () => {
    const graph = mnistCnn();
    graph.nodes[1] = node('conv2d', 'Conv2D', { filters: 0, kernel_size: [3, 3] });
    graph.nodes[2] = node('max_pooling2d', 'MaxPool9D');
    const analysis = analyzeGraph(graph);
    const unknown = only(analysis.problems, 'LAYER_UNKNOWN_TYPE');
    expect(unknown).toMatchObject({ nodeId: 'max_pooling2d', field: 'type' });
    expect(unknown.message).toContain('"MaxPool9D"');
    const bad = only(analysis.problems, 'LAYER_BAD_PARAM');
    expect(bad).toMatchObject({ nodeId: 'conv2d', field: 'filters' });
    expect(bad.message).toMatch(/^conv2d \(Conv2D\): /);
  });

  it('checks the number of inputs against the layer arity', () => {
    const nodes = [node('input_1', 'Input', { shape: [4] }), node('input_2', 'Input', { shape: [4] }), node('dense', 'Dense', { units: 2 }), node('add', 'Add')];
    const edges = [edge('input_1', 'dense', 0), edge('input_2', 'dense', 1), edge('dense', 'add', 0)];
    const problems = analyzeGraph(graphOf(nodes, edges)).problems.filter((p) => p.code === 'GRAPH_INVALID');
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.nodeId === 'dense')).toMatchObject({ edgeId: 'input_2->dense:1', inputIndex: 1 });
    expect(problems.find((p) => p.nodeId === 'add')?.message).toContain('needs at least 2 inputs');
  });

  it('refuses a connection into an Input layer', () => {
    const graph = mnistCnn();
    graph.edges.push(edge('dense', 'input_1'));
    const problems = analyzeGraph(graph).problems;
    const bad = problems.find((p) => p.code === 'GRAPH_BAD_EDGE');
    expect(bad?.message).toContain('input_1 (Input)');
    expect(analyzeGraph(applyFix(graph, bad!.fix!)).valid).toBe(true);
  });

  it('flags a branch whose output is connected to nothing, at the node, with connect, delete and make-an-output fixes', () => {
    const nodes = [
      node('input_1', 'Input', { shape: [8, 8, 4] }),
      node('conv2d', 'Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }),
      node('add', 'Add'),
      node('flatten', 'Flatten'),
      node('dense_1', 'Dense', { units: 3 }),
    ];
    // The residual Add was drawn but the head is still fed by conv2d: add's output goes nowhere.
    const edges = [edge('input_1', 'conv2d'), edge('input_1', 'add', 0), edge('conv2d', 'add', 1), edge('conv2d', 'flatten'), edge('flatten', 'dense_1')];
    const graph = graphOf(nodes, edges);
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(false);
    expect(analysis.outputs).toEqual(['dense_1']);
    const dangling = only(analysis.problems, 'GRAPH_DANGLING');
    expect(dangling).toMatchObject({ severity: 'error', nodeId: 'add' });
    expect(dangling.message).toBe("add (Add)'s output is connected to nothing, so it would become a second output of the model beside dense_1. Connect it to the next layer, delete it, or make it an output.");
    const fixes = [dangling.fix!, ...(dangling.alternatives ?? [])];
    expect(fixes.map((fix) => fix.label)).toEqual(['Connect add to flatten in place of conv2d', 'Delete add', 'Make add an output of the model']);
    const connected = analyzeGraph(applyFix(graph, fixes[0]!));
    expect(connected.problems).toEqual([]);
    expect(connected.outputs).toEqual(['dense_1']);
    const deleted = analyzeGraph(applyFix(graph, fixes[1]!));
    expect(deleted.problems).toEqual([]);
    const twoOutputs = analyzeGraph(applyFix(graph, fixes[2]!));
    expect(twoOutputs.problems).toEqual([]);
    expect(twoOutputs.outputs).toEqual(['dense_1', 'add']);
  });

  it('deletes a whole dangling branch up to where it forks off', () => {
    const nodes = [
      node('input_1', 'Input', { shape: [6] }),
      node('hidden', 'Dense', { units: 8 }),
      node('side_a', 'Dense', { units: 4 }),
      node('side_b', 'Dense', { units: 2 }),
      node('head', 'Dense', { units: 3 }),
    ];
    const graph = { ...graphOf(nodes, [edge('input_1', 'hidden'), edge('hidden', 'side_a'), edge('side_a', 'side_b'), edge('hidden', 'head')]), outputs: ['head'] };
    const dangling = only(analyzeGraph(graph).problems, 'GRAPH_DANGLING');
    expect(dangling.nodeId).toBe('side_b');
    const remove = [dangling.fix!, ...(dangling.alternatives ?? [])].find((fix) => fix.label.startsWith('Delete'));
    expect(remove?.label).toBe('Delete the branch side_a → side_b');
    const fixed = applyFix(graph, remove!);
    expect(fixed.nodes.map((n) => n.id)).toEqual(['input_1', 'hidden', 'head']);
    expect(fixed.outputs).toEqual(['head']);
    expect(analyzeGraph(fixed).problems).toEqual([]);
  });

  it("says which input of a merge is missing rather than asking for positions '0 to 0'", () => {
    const nodes = [node('input_1', 'Input', { shape: [4] }), node('dense', 'Dense', { units: 4 }), node('add', 'Add')];
    const graph = graphOf(nodes, [edge('input_1', 'dense'), edge('dense', 'add', 1)]);
    const problems = analyzeGraph(graph).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'GRAPH_INVALID', severity: 'error', nodeId: 'add' });
    expect(problems[0]?.message).toBe('add (Add) needs at least 2 inputs: input 0 is not connected (input 1 comes from dense). Connect a layer to input 0.');
    expect(JSON.stringify(problems)).not.toContain('0 to 0');
  });

  it('rejects duplicate merge input positions and warns about gaps, renumbering as the fix', () => {
    const nodes = [node('a', 'Input', { shape: [4] }), node('b', 'Input', { shape: [6] }), node('concat', 'Concatenate')];
    const duplicate = graphOf(nodes, [edge('a', 'concat', 1), edge('b', 'concat', 1)]);
    const dup = only(analyzeGraph(duplicate).problems, 'GRAPH_INVALID');
    expect(dup.severity).toBe('error');
    expect(dup.message).toContain('position 1');
    const fixed = analyzeGraph(applyFix(duplicate, dup.fix!));
    expect(fixed.valid).toBe(true);
    expect(fixed.shapes['concat']).toEqual([null, 10]);

    const gap = graphOf(nodes, [edge('a', 'concat', 0), edge('b', 'concat', 3)]);
    const gapProblem = only(analyzeGraph(gap).problems, 'GRAPH_INVALID');
    expect(gapProblem.severity).toBe('warning');
    expect(analyzeGraph(applyFix(gap, gapProblem.fix!)).problems).toEqual([]);
  });
});

describe('analyzeGraph: shape problems and their fixes', () => {
  it('attaches an Add mismatch to the offending input edge and fixes it with a strided 1x1 projection', () => {
    const nodes = [
      node('input_1', 'Input', { shape: [32, 32, 16] }),
      node('conv_a', 'Conv2D', { filters: 32, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }),
      node('add', 'Add'),
      node('pool', 'GlobalAveragePooling2D'),
    ];
    const edges = [edge('input_1', 'conv_a'), edge('input_1', 'add', 0, 'shortcut'), edge('conv_a', 'add', 1), edge('add', 'pool')];
    const graph = graphOf(nodes, edges);
    const analysis = analyzeGraph(graph);
    const mismatch = only(analysis.problems, 'SHAPE_MISMATCH');
    expect(mismatch).toMatchObject({ nodeId: 'add', edgeId: 'shortcut', inputIndex: 0, severity: 'error' });
    expect(mismatch.message).toContain('(None, 32, 32, 16)');
    expect(mismatch.message).toContain('(None, 16, 16, 32)');
    expect(mismatch.fix?.edits).toEqual([
      { kind: 'insertNodeOnEdge', edgeId: 'shortcut', node: { type: 'Conv2D', params: { filters: 32, kernel_size: [1, 1], strides: [2, 2] } } },
    ]);
    const fixedGraph = applyFix(graph, mismatch.fix!);
    const fixed = analyzeGraph(fixedGraph);
    expect(fixed.problems).toEqual([]);
    expect(fixed.shapes['add']).toEqual([null, 16, 16, 32]);
    expect(fixedGraph.nodes.map((n) => n.name)).toContain('conv2d');
  });

  it('projects channels only when the spatial sizes already match', () => {
    const nodes = [node('input_1', 'Input', { shape: [8, 8, 64] }), node('expand', 'Conv2D', { filters: 256, kernel_size: [1, 1] }), node('add', 'Add')];
    const graph = graphOf(nodes, [edge('input_1', 'add', 0, 'shortcut'), edge('input_1', 'expand'), edge('expand', 'add', 1)]);
    const mismatch = only(analyzeGraph(graph).problems, 'SHAPE_MISMATCH');
    expect(mismatch.edgeId).toBe('shortcut');
    expect(analyzeGraph(applyFix(graph, mismatch.fix!)).valid).toBe(true);
  });

  it('fixes a Dense mismatch in a vector Add with a Dense projection', () => {
    const nodes = [node('input_1', 'Input', { shape: [10] }), node('wide', 'Dense', { units: 32 }), node('add', 'Add')];
    const graph = graphOf(nodes, [edge('input_1', 'wide'), edge('wide', 'add', 0), edge('input_1', 'add', 1, 'skip')]);
    const mismatch = only(analyzeGraph(graph).problems, 'SHAPE_MISMATCH');
    expect(mismatch.edgeId).toBe('skip');
    expect(analyzeGraph(applyFix(graph, mismatch.fix!)).valid).toBe(true);
  });

  it('fixes a channel Concatenate of different map sizes with pooling, or a strided projection', () => {
    const nodes = [
      node('input_1', 'Input', { shape: [16, 16, 8] }),
      node('down', 'Conv2D', { filters: 12, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }),
      node('concat', 'Concatenate'),
    ];
    const graph = graphOf(nodes, [edge('input_1', 'down'), edge('down', 'concat', 0), edge('input_1', 'concat', 1, 'skip')]);
    const mismatch = only(analyzeGraph(graph).problems, 'SHAPE_MISMATCH');
    expect(mismatch).toMatchObject({ nodeId: 'concat', edgeId: 'skip', inputIndex: 1 });
    expect(mismatch.message).toContain('except for the channels');
    const pooled = analyzeGraph(applyFix(graph, mismatch.fix!));
    expect(pooled.problems).toEqual([]);
    expect(pooled.shapes['concat']).toEqual([null, 8, 8, 20]);
    const projected = analyzeGraph(applyFix(graph, mismatch.alternatives![0]!));
    expect(projected.problems).toEqual([]);
    expect(projected.shapes['concat']).toEqual([null, 8, 8, 20]);
  });

  it("fixes a spatial mismatch at an Add with padding 'same' on the branch's convolution, or by cropping or padding", () => {
    const nodes = [
      node('input_1', 'Input', { shape: [28, 28, 8] }),
      node('conv_a', 'Conv2D', { filters: 8, kernel_size: [3, 3] }),
      node('add', 'Add'),
      node('pool', 'GlobalAveragePooling2D'),
    ];
    const graph = graphOf(nodes, [edge('input_1', 'conv_a'), edge('conv_a', 'add', 0), edge('input_1', 'add', 1, 'skip'), edge('add', 'pool')]);
    const mismatch = only(analyzeGraph(graph).problems, 'SHAPE_MISMATCH');
    expect(mismatch.message).toContain('(None, 26, 26, 8)');
    const fixes = [mismatch.fix!, ...(mismatch.alternatives ?? [])];
    expect(fixes.map((fix) => fix.label)).toEqual([
      "Set padding of conv_a to 'same'",
      'Insert Cropping2D (cropping [[1,1],[1,1]]) after input_1',
      'Insert ZeroPadding2D (padding [[1,1],[1,1]]) after conv_a',
    ]);
    const same = analyzeGraph(applyFix(graph, fixes[0]!));
    expect(same.problems).toEqual([]);
    expect(same.shapes['add']).toEqual([null, 28, 28, 8]);
    const cropped = analyzeGraph(applyFix(graph, fixes[1]!));
    expect(cropped.problems).toEqual([]);
    expect(cropped.shapes['add']).toEqual([null, 26, 26, 8]);
    const padded = analyzeGraph(applyFix(graph, fixes[2]!));
    expect(padded.problems).toEqual([]);
    expect(padded.shapes['add']).toEqual([null, 28, 28, 8]);
  });

  it('fixes an odd spatial mismatch at a Concatenate by cropping the larger map or zero-padding the smaller one', () => {
    const nodes = [
      node('input_1', 'Input', { shape: [9, 9, 2] }),
      node('pool', 'MaxPooling2D', { pool_size: [2, 2], strides: [1, 1], padding: 'same' }),
      node('crop', 'Cropping2D', { cropping: [[0, 1], [0, 1]] }),
      node('concat', 'Concatenate'),
    ];
    const graph = graphOf(nodes, [edge('input_1', 'pool'), edge('pool', 'crop'), edge('crop', 'concat', 0), edge('input_1', 'concat', 1, 'skip')]);
    const mismatch = only(analyzeGraph(graph).problems, 'SHAPE_MISMATCH');
    const fixes = [mismatch.fix!, ...(mismatch.alternatives ?? [])];
    const labels = fixes.map((fix) => fix.label);
    expect(labels).toContain('Insert Cropping2D (cropping [[0,1],[0,1]]) after input_1');
    expect(labels).toContain('Insert ZeroPadding2D (padding [[0,1],[0,1]]) after crop');
    for (const fix of fixes) expect(analyzeGraph(applyFix(graph, fix)).problems, fix.label).toEqual([]);
  });

  it('offers to drop a Flatten that sits before a convolution', () => {
    const nodes = [
      node('input_1', 'Input', { shape: [12, 12, 3] }),
      node('flatten', 'Flatten'),
      node('conv2d', 'Conv2D', { filters: 4, kernel_size: [3, 3] }),
    ];
    const graph = graphOf(nodes, chain(nodes));
    const rank = only(analyzeGraph(graph).problems, 'SHAPE_RANK');
    expect(rank.fix?.label).toBe('Remove flatten so conv2d receives the (None, 12, 12, 3) feature map');
    const fixed = analyzeGraph(applyFix(graph, rank.fix!));
    expect(fixed.problems).toEqual([]);
    expect(fixed.shapes['conv2d']).toEqual([null, 10, 10, 4]);
  });

  it('warns about Dense on a feature map and offers Flatten, or global pooling as the alternative', () => {
    const nodes = [node('input_1', 'Input', { shape: [28, 28, 1] }), node('conv2d', 'Conv2D', { filters: 8, kernel_size: [3, 3] }), node('dense', 'Dense', { units: 10 })];
    const graph = graphOf(nodes, chain(nodes));
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.shapes['dense']).toEqual([null, 26, 26, 10]);
    const warning = only(analysis.problems, 'SHAPE_RANK');
    expect(warning).toMatchObject({ severity: 'warning', nodeId: 'dense', edgeId: 'conv2d->dense:0' });
    expect(warning.message).toContain('dense (Dense)');
    const flattened = analyzeGraph(applyFix(graph, warning.fix!));
    expect(flattened.problems).toEqual([]);
    expect(flattened.shapes['dense']).toEqual([null, 10]);
    expect(flattened.params['dense']).toEqual({ trainable: 26 * 26 * 8 * 10 + 10, nonTrainable: 0 });
    const pooled = analyzeGraph(applyFix(graph, warning.alternatives![0]!));
    expect(pooled.problems).toEqual([]);
    expect(pooled.params['dense']).toEqual({ trainable: 8 * 10 + 10, nonTrainable: 0 });
  });

  it("offers padding 'same' when a window does not fit the input", () => {
    const nodes = [node('input_1', 'Input', { shape: [3, 3, 1] }), node('conv2d', 'Conv2D', { filters: 4, kernel_size: [5, 5] })];
    const graph = graphOf(nodes, chain(nodes));
    const invalid = only(analyzeGraph(graph).problems, 'SHAPE_INVALID_OUTPUT');
    expect(invalid.message).toMatch(/^conv2d \(Conv2D\): /);
    expect(invalid.fix?.edits).toEqual([{ kind: 'setParam', nodeId: 'conv2d', field: 'padding', value: 'same' }]);
    const fixed = analyzeGraph(applyFix(graph, invalid.fix!));
    expect(fixed.valid).toBe(true);
    expect(fixed.shapes['conv2d']).toEqual([null, 3, 3, 4]);
  });

  it('reports a rank error from the catalog by layer name without cascading', () => {
    const nodes = [node('input_1', 'Input', { shape: [10] }), node('conv2d', 'Conv2D', { filters: 4, kernel_size: [3, 3] }), node('flatten', 'Flatten')];
    const analysis = analyzeGraph(graphOf(nodes, chain(nodes)));
    expect(analysis.problems).toHaveLength(1);
    expect(analysis.problems[0]).toMatchObject({ code: 'SHAPE_RANK', nodeId: 'conv2d' });
    expect(analysis.shapes['flatten']).toBeUndefined();
  });
});

describe('analyzeGraph: performance', () => {
  it('analyses ResNet50 the same way every time and prints the cost', () => {
    const graph = getTemplate('resnet50').build();
    const first = analyzeGraph(graph);
    expect(first.valid).toBe(true);
    expect(first.totals).toEqual({ total: 25_636_712, trainable: 25_583_592, nonTrainable: 53_120 });
    // The editor analyses the same code path over and over, so measure it warmed up.
    for (let i = 0; i < 10; i++) analyzeGraph(graph);
    const runs = 30;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      analyzeGraph(graph);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(runs / 2)] as number;
    console.log(`analyzeGraph(ResNet50, ${graph.nodes.length} layers): median ${median.toFixed(2)} ms, fastest ${(times[0] as number).toFixed(2)} ms, slowest ${(times[runs - 1] as number).toFixed(2)} ms over ${runs} runs`);
    // Timings are printed, not asserted: the budget is tracked where it can be compared, the
    // test asserts that repeated analysis gives the same answer.
    expect(analyzeGraph(graph).totals).toEqual(first.totals);
  });
});

describe('analyzeGraph: arbitrary graphs', () => {
  it('never throws, always matches its schema, and offers only fixes that apply', () => {
    // A fixed-seed LCG so a failure reproduces.
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const types = [...LAYER_CATALOG.map((spec) => spec.type), 'NotALayer'];
    for (let round = 0; round < 300; round++) {
      const nodes: GraphNode[] = [node('in0', 'Input', { shape: pick([[8], [6, 6, 2], [5, 5, 3]]) })];
      const count = 1 + Math.floor(random() * 10);
      for (let i = 1; i <= count; i++) nodes.push(node(`n${i}`, pick(types), random() < 0.1 ? { units: -1, filters: 0 } : {}));
      const edges: GraphEdge[] = [];
      const edgeCount = Math.floor(random() * (count + 4));
      for (let i = 0; i < edgeCount; i++) {
        const source = random() < 0.05 ? 'ghost' : pick(nodes).id;
        edges.push(edge(source, pick(nodes).id, Math.floor(random() * 3), `e${i}`));
      }
      const graph = graphOf(nodes, edges);
      const analysis = analyzeGraph(graph);
      expect(graphAnalysisSchema.safeParse(analysis).success).toBe(true);
      expect(analysis.valid).toBe(analysis.problems.every((p) => p.severity === 'warning'));
      for (const p of analysis.problems) {
        if (p.nodeId !== undefined) expect(nodes.some((n) => n.id === p.nodeId)).toBe(true);
        for (const fix of [p.fix, ...(p.alternatives ?? [])]) if (fix) analyzeGraph(applyFix(graph, fix));
      }
      expect(formatSummary(graph, analysis)).toContain('Total params:');
    }
  });
});

describe('node ids that are names of Object.prototype members', () => {
  const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
  const build = (denseUnits: unknown): ReturnType<typeof graphOf> => {
    const nodes = [
      node(ids[0] as string, 'Input', { shape: [28, 28, 1] }, { name: 'input_1' }),
      node(ids[1] as string, 'Flatten', {}, { name: 'flatten' }),
      node(ids[2] as string, 'Dense', { units: denseUnits }, { name: 'dense' }),
      node(ids[3] as string, 'Dense', { units: 10 }, { name: 'dense_1' }),
      node(ids[4] as string, 'Activation', { activation: 'softmax' }, { name: 'activation' }),
    ];
    return graphOf(nodes, chain(nodes));
  };

  it('are analysed like any other id', () => {
    const analysis = analyzeGraph(build(32));
    expect(analysis.valid).toBe(true);
    expect(analysis.order).toEqual(ids);
    expect(Object.keys(analysis.shapes)).toEqual(ids);
    expect(Object.keys(analysis.params)).toEqual(ids);
    expect(analysis.params['__proto__']).toEqual({ trainable: 0, nonTrainable: 0 });
    expect(analysis.shapes['__proto__']).toEqual([null, 28, 28, 1]);
    expect(analysis.shapes['constructor']).toEqual([null, 784]);
    expect(analysis.params['toString']).toEqual({ trainable: 784 * 32 + 32, nonTrainable: 0 });
    expect(analysis.totals.total).toBe(784 * 32 + 32 + 33 * 10);
    // What a transport sends: the entries survive JSON.
    expect(Object.keys((JSON.parse(JSON.stringify(analysis)) as typeof analysis).shapes)).toEqual(ids);
  });

  it('leave no inherited member where a shape or count is unknown', () => {
    const analysis = analyzeGraph(build(0));
    expect(analysis.valid).toBe(false);
    expect(analysis.shapes['toString']).toBeUndefined();
    expect(analysis.params['hasOwnProperty']).toBeUndefined();
    expect(analysis.shapes['valueOf']).toBeUndefined();
    const summary = formatSummary(build(0));
    expect(summary).toContain('dense (Dense)');
    expect(summary).toMatch(/dense \(Dense\) +\?/);
  });
});
