import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { formatCount, formatSummary, readableMemorySize, summaryRows } from '../../../../common/graph/summary';
import { getTemplate } from '../../../../common/templates';
import { edge, graphOf, mnistCnn, node } from './graphFixtures';

/** Pads a table line to tf.keras's width (98 columns with Connected to, 65 without), as `print_row` does. */
const row = (text: string, width = 98): string => text.padEnd(width);
const blank = ' '.repeat(98);

describe('formatSummary', () => {
  it("prints a plain chain as tf.keras 2.x does: three columns, 65 wide, Keras 3 totals", () => {
    const narrow = (text: string): string => row(text, 65);
    const expected = [
      'Model: "mnist_cnn"',
      '_'.repeat(65),
      narrow(' Layer (type)                Output Shape              Param #'),
      '='.repeat(65),
      narrow(' input_1 (InputLayer)        [(None, 28, 28, 1)]       0'),
      ' '.repeat(65),
      narrow(' conv2d (Conv2D)             (None, 26, 26, 32)        320'),
      ' '.repeat(65),
      narrow(' max_pooling2d (MaxPooling2  (None, 13, 13, 32)        0'),
      narrow(' D)'),
      ' '.repeat(65),
      narrow(' flatten (Flatten)           (None, 5408)              0'),
      ' '.repeat(65),
      narrow(' dense (Dense)               (None, 10)                54090'),
      ' '.repeat(65),
      '='.repeat(65),
      'Total params: 54,410 (212.54 KB)',
      'Trainable params: 54,410 (212.54 KB)',
      'Non-trainable params: 0 (0.00 B)',
      '_'.repeat(65),
      '',
    ].join('\n');
    expect(formatSummary(mnistCnn())).toBe(expected);
  });

  it("prints tf.keras 2.x's functional table with Connected to when asked, or when the model branches", () => {
    const expected = [
      'Model: "mnist_cnn"',
      '_'.repeat(98),
      row(' Layer (type)                Output Shape                 Param #   Connected to'),
      '='.repeat(98),
      row(' input_1 (InputLayer)        [(None, 28, 28, 1)]          0         []'),
      blank,
      row(" conv2d (Conv2D)             (None, 26, 26, 32)           320       ['input_1[0][0]']"),
      blank,
      row(" max_pooling2d (MaxPooling2  (None, 13, 13, 32)           0         ['conv2d[0][0]']"),
      row(' D)'),
      blank,
      row(" flatten (Flatten)           (None, 5408)                 0         ['max_pooling2d[0][0]']"),
      blank,
      row(" dense (Dense)               (None, 10)                   54090     ['flatten[0][0]']"),
      blank,
      '='.repeat(98),
      'Total params: 54,410 (212.54 KB)',
      'Trainable params: 54,410 (212.54 KB)',
      'Non-trainable params: 0 (0.00 B)',
      '_'.repeat(98),
      '',
    ].join('\n');
    expect(formatSummary(mnistCnn(), undefined, { layout: 'functional' })).toBe(expected);
    const twoHeads = mnistCnn();
    twoHeads.nodes.push(node('aux', 'Dense', { units: 2 }));
    twoHeads.edges.push(edge('flatten', 'aux'));
    expect(formatSummary(twoHeads)).toContain("['flatten[0][0]']");
  });

  it('wraps a long Connected to list after each entry, as print_row breaks on "\',"', () => {
    const nodes = [node('input_1', 'Input', { shape: [4] }), node('branch_a', 'Dense', { units: 4 }), node('branch_b', 'Dense', { units: 4 }), node('sum', 'Add')];
    const graph = graphOf(nodes, [edge('input_1', 'branch_a'), edge('input_1', 'branch_b'), edge('branch_a', 'sum', 0), edge('branch_b', 'sum', 1), edge('input_1', 'sum', 2)]);
    const lines = formatSummary(graph).split('\n');
    const at = lines.findIndex((line) => line.startsWith(' sum (Add)'));
    expect(lines[at]).toBe(row(" sum (Add)                   (None, 4)                    0         ['branch_a[0][0]',"));
    expect(lines[at + 1]).toBe(row("                                                                     'branch_b[0][0]',"));
    expect(lines[at + 2]).toBe(row("                                                                     'input_1[0][0]']"));
  });

  it('prints ResNet50 in Keras order with its published totals', () => {
    const text = formatSummary(getTemplate('resnet50').build());
    expect(text).toContain('Total params: 25,636,712 (97.80 MB)\n');
    expect(text).toContain('Trainable params: 25,583,592 (97.59 MB)\n');
    expect(text).toContain('Non-trainable params: 53,120 (207.50 KB)\n');
    // Keras lists layers deepest first, ties in walk order: the shortcut's conv0 before conv3.
    const names = summaryRows(getTemplate('resnet50').build()).map((r) => r.name);
    const position = (name: string): number => names.indexOf(name);
    expect(position('conv2_block1_2_relu')).toBeLessThan(position('conv2_block1_0_conv'));
    expect(position('conv2_block1_0_conv')).toBeLessThan(position('conv2_block1_3_conv'));
    expect(position('conv2_block1_3_conv')).toBeLessThan(position('conv2_block1_0_bn'));
    expect(position('conv2_block1_0_bn')).toBeLessThan(position('conv2_block1_3_bn'));
    expect(names[names.length - 1]).toBe('predictions');
  });

  it("prints '?' for what a broken graph leaves unknown", () => {
    const graph = mnistCnn();
    graph.nodes[1] = node('conv2d', 'Conv2D', { filters: 32, kernel_size: [30, 30] });
    const text = formatSummary(graph);
    expect(text).toContain(row(' conv2d (Conv2D)             ?                         ?', 65));
  });
});

describe('summaryRows', () => {
  it('gives structured rows with trainable and non-trainable counts', () => {
    const graph = mnistCnn();
    graph.nodes[1] = { ...(graph.nodes[1] as (typeof graph.nodes)[number]), trainable: false };
    const rows = summaryRows(graph, analyzeGraph(graph));
    expect(rows.map((r) => r.name)).toEqual(['input_1', 'conv2d', 'max_pooling2d', 'flatten', 'dense']);
    expect(rows[1]).toMatchObject({
      className: 'Conv2D', outputShape: [null, 26, 26, 32], outputShapeText: '(None, 26, 26, 32)',
      params: 320, trainableParams: 0, nonTrainableParams: 320, trainable: false, connectedTo: ['input_1[0][0]'], inModel: true,
    });
    expect(rows[0]?.outputShapeText).toBe('[(None, 28, 28, 1)]');
  });

  it('lists layers outside the model last', () => {
    const graph = mnistCnn();
    graph.nodes.unshift(node('stray', 'Dense', { units: 2 }));
    const rows = summaryRows(graph);
    expect(rows.map((r) => [r.name, r.inModel])).toEqual([
      ['input_1', true], ['conv2d', true], ['max_pooling2d', true], ['flatten', true], ['dense', true], ['stray', false],
    ]);
  });
});

describe('number formatting', () => {
  it('formats counts with thousands separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(25636712)).toBe('25,636,712');
  });

  it("sizes like Keras 3's readable_memory_size", () => {
    expect(readableMemorySize(0)).toBe('0.00 B');
    expect(readableMemorySize(1023)).toBe('1023.00 B');
    expect(readableMemorySize(1024)).toBe('1.00 KB');
    expect(readableMemorySize(25636712 * 4)).toBe('97.80 MB');
    expect(readableMemorySize(5 * 1024 ** 3)).toBe('5.00 GB');
  });
});
