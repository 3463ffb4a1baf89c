import { describe, expect, it } from 'vitest';
import { LabError } from '../../../../common/errors';
import { analyzeGraph } from '../../../../common/graph/analysis';
import type { ModelGraph } from '../../../../common/graph/schema';
import { buildTemplate } from '../../../../common/templates';
import { buildTransferGraph } from '../../../../main/transfer/transferGraph';

function nodeNamed(graph: ModelGraph, name: string) {
  const node = graph.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no layer ${name}`);
  return node;
}

/** Layer names from input to output along the single chain. */
function chainNames(graph: ModelGraph): string[] {
  const analysis = analyzeGraph(graph);
  return analysis.order.map((id) => graph.nodes.find((n) => n.id === id)?.name ?? id);
}

describe('buildTransferGraph', () => {
  const source = buildTemplate('mnist-cnn');

  it('cuts before the Flatten + Dense head and adds pooling and a new softmax classifier', () => {
    const { graph, baseLayers, frozen } = buildTransferGraph(source, { classes: 5, freeze: 'all', headDropout: 0.3 });
    expect(baseLayers).toEqual(['input_1', 'conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1']);
    expect(frozen).toEqual(['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1']);
    // Head names avoid the source's `dense`/`dense_1` so weights loaded by name never reach it.
    expect(chainNames(graph)).toEqual([...baseLayers, 'global_average_pooling2d', 'dropout', 'dense_2']);
    const classifier = nodeNamed(graph, 'dense_2');
    expect(classifier.params).toMatchObject({ units: 5, activation: 'softmax' });
    expect(nodeNamed(graph, 'dropout').params).toMatchObject({ rate: 0.3 });
    expect(graph.nodes.filter((n) => n.trainable).map((n) => n.name).sort()).toEqual(['dense_2', 'dropout', 'global_average_pooling2d', 'input_1']);

    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.shapes[classifier.id]).toEqual([null, 5]);
    // conv2d 3*3*1*32+32 and conv2d_1 3*3*32*64+64 frozen; Dense 64*5+5 trains.
    expect(analysis.totals).toEqual({ total: 320 + 18_496 + 325, trainable: 325, nonTrainable: 320 + 18_496 });
  });

  it('keeps the last N base layers trainable and freezes nothing with none', () => {
    const lastTwo = buildTransferGraph(source, { classes: 3, freeze: 2 });
    expect(lastTwo.frozen).toEqual(['conv2d', 'max_pooling2d']);
    expect(analyzeGraph(lastTwo.graph).totals).toEqual({ total: 320 + 18_496 + 195, trainable: 18_496 + 195, nonTrainable: 320 });

    const none = buildTransferGraph(source, { classes: 3, freeze: 'none' });
    expect(none.frozen).toEqual([]);
    expect(analyzeGraph(none.graph).totals.nonTrainable).toBe(0);
    expect(none.graph.nodes.find((n) => n.name === 'dropout')).toBeUndefined();
  });

  it('cuts at a named layer; a 2-D cut output needs no pooling', () => {
    const { graph, baseLayers } = buildTransferGraph(source, { cutAt: 'dense', classes: 4, freeze: 'all' });
    expect(baseLayers.at(-1)).toBe('dense');
    expect(chainNames(graph)).toEqual([...baseLayers, 'dense_2']);
    expect(analyzeGraph(graph).valid).toBe(true);

    const mlp = buildTransferGraph(buildTemplate('mlp'), { classes: 2, freeze: 'all' });
    expect(analyzeGraph(mlp.graph).valid).toBe(true);
    expect(mlp.graph.nodes.at(-1)?.params).toMatchObject({ units: 2, activation: 'softmax' });
    expect(mlp.baseLayers).not.toContain(buildTemplate('mlp').nodes.at(-1)?.name);
  });

  it('leaves the source graph untouched', () => {
    const before = JSON.stringify(source);
    buildTransferGraph(source, { classes: 5, freeze: 'all' });
    expect(JSON.stringify(source)).toBe(before);
  });

  it('rejects a cutAt that is not a layer of the source, naming it', () => {
    const call = (): unknown => buildTransferGraph(source, { cutAt: 'conv2d_9', classes: 5, freeze: 'all' });
    expect(call).toThrow(LabError);
    expect(call).toThrow(/cutAt.*Received: cutAt="conv2d_9"/);
    try {
      call();
    } catch (error) {
      expect((error as LabError).code).toBe('TRAIN_BAD_CONFIG');
    }
  });

  it('rejects a bad freeze count and class count', () => {
    expect(() => buildTransferGraph(source, { classes: 5, freeze: -1 })).toThrow(/Received: freeze=-1/);
    expect(() => buildTransferGraph(source, { classes: 0, freeze: 'all' })).toThrow(/Received: classes=0/);
  });
});
