import { findLayerSpec } from '../catalog';
import type { GraphAnalysis } from './problems';
import type { GraphNode, ModelGraph } from './schema';
import { formatShape, type Shape } from './shape';
import { analyzeGraph, entryById } from './analysis';
import { kerasModelLayout } from './kerasOrder';

/**
 * Keras's `model.summary()` for a functional model: the tf.keras 2.x table (Layer
 * (type) | Output Shape | Param # | Connected to, 98 columns; a plain chain drops
 * Connected to and takes 65 columns, as tf.keras does) followed by Keras 3's totals with
 * thousands separators and float32 sizes.
 */

/** One row of the summary, structured for the UI. */
export interface SummaryRow {
  nodeId: string;
  name: string;
  /** Keras class name as the table shows it (`InputLayer` for an `Input` node). */
  className: string;
  /** Output shape with `null` batch; `null` when it could not be inferred. */
  outputShape: Shape | null;
  /** The Output Shape cell: `(None, 26, 26, 32)`, `[(None, 28, 28, 1)]` for inputs, `?` when unknown. */
  outputShapeText: string;
  /** Total parameters of the layer; `null` when unknown. */
  params: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  trainable: boolean;
  /** The Connected to cell's entries: `input_1[0][0]`, in input order. */
  connectedTo: string[];
  /** False for layers outside the model (unreachable, on a cycle); they are listed last. */
  inModel: boolean;
}

/** Bytes of one float32 weight: Keras sizes summaries by dtype. */
const FLOAT32_BYTES = 4;
/** The table's shape: tf.keras 2.x prints chains narrower and without the Connected to column. */
interface TableLayout {
  lineLength: number;
  /** Right edge of each column. */
  positions: readonly number[];
  header: readonly string[];
}

/** tf.keras 2.x for a functional model with branches: 98 columns at `[.3, .6, .7, 1.]`. */
const FUNCTIONAL_LAYOUT: TableLayout = { lineLength: 98, positions: [29, 58, 68, 98], header: ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] };
/** tf.keras 2.x for a "sequential-like" model (one layer per depth, one input each): 65 columns at `[.45, .85, 1.]`. */
const SEQUENTIAL_LAYOUT: TableLayout = { lineLength: 65, positions: [29, 55, 65], header: ['Layer (type)', 'Output Shape', 'Param #'] };

/** Which table `formatSummary` prints. */
export interface SummaryOptions {
  /**
   * `auto` (default) does what tf.keras 2.x does: a plain chain gets the three-column
   * table, anything with branches or merges the four-column one with Connected to.
   * `functional` always prints the Connected to column.
   */
  layout?: 'auto' | 'functional';
}

/** `25636712` -> `25,636,712`, as Keras 3 prints counts. */
export function formatCount(count: number): string {
  return String(Math.trunc(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras 3's `readable_memory_size`: `97.80 MB`, powers of 1024, two decimals. */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return `${size.toFixed(2)} PB`;
}

/**
 * The summary's rows, in Keras's order. Layers outside the model (when the graph has
 * problems) follow in graph order with `inModel: false`.
 *
 * @param analysis The graph's analysis, computed when omitted.
 */
export function summaryRows(graph: ModelGraph, analysis: GraphAnalysis = analyzeGraph(graph)): SummaryRow[] {
  const nodesById = new Map<string, GraphNode>(graph.nodes.map((node) => [node.id, node]));
  const order = analysis.order.length > 0 ? kerasModelLayout(graph, analysis).order : [];
  const inModel = new Set(order);
  const rest = graph.nodes.filter((node) => !inModel.has(node.id)).map((node) => node.id);
  const connections = new Map<string, string[]>();
  for (const edge of [...graph.edges].sort((a, b) => a.targetIndex - b.targetIndex)) {
    const source = nodesById.get(edge.source);
    if (!source) continue;
    const list = connections.get(edge.target) ?? [];
    list.push(`${source.name}[0][0]`);
    connections.set(edge.target, list);
  }
  return [...order, ...rest].flatMap((id) => {
    const node = nodesById.get(id);
    if (!node) return [];
    const spec = findLayerSpec(node.type);
    const shape = entryById(analysis.shapes, id) ?? null;
    const count = entryById(analysis.params, id);
    const isInput = spec !== undefined && spec.arity.max === 0;
    const shapeText = shape === null ? '?' : isInput ? `[${formatShape(shape)}]` : formatShape(shape);
    return [{
      nodeId: id,
      name: node.name,
      className: spec?.kerasClassName ?? node.type,
      outputShape: shape,
      outputShapeText: shapeText,
      params: count ? count.trainable + count.nonTrainable : null,
      trainableParams: count ? count.trainable : null,
      nonTrainableParams: count ? count.nonTrainable : null,
      trainable: node.trainable,
      connectedTo: connections.get(id) ?? [],
      inModel: inModel.has(id),
    }];
  });
}

/** Python's `str()` of a list of strings: `['a[0][0]', 'b[0][0]']`. */
function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}

/**
 * tf.keras 2.x `print_row`: each field is cut to its column, breaking after `),`, `],`
 * or `',` where possible, and the row continues on further lines until every field is
 * printed.
 */
function formatRow(fields: readonly string[], layout: TableLayout): string[] {
  const { positions } = layout;
  const left = [...fields];
  const lines: string[] = [];
  while (left.some((field) => field.length > 0)) {
    let line = '';
    for (let col = 0; col < left.length; col++) {
      const start = col > 0 ? (positions[col - 1] as number) : 0;
      const end = positions[col] as number;
      const last = col === positions.length - 1;
      const space = last ? 0 : 2;
      let cutoff = end - start - space - (last ? 0 : 1);
      const text = left[col] as string;
      let fit = text.slice(0, cutoff);
      const breaks = ['),', '},', '],', "',"].map((mark) => fit.indexOf(mark)).filter((at) => at >= 0).map((at) => at + 2);
      if (breaks.length > 0) {
        cutoff = Math.min(...breaks);
        fit = fit.slice(0, cutoff);
      }
      if (col === 0) line += ' ';
      line += fit + ' '.repeat(space);
      left[col] = text.slice(cutoff);
      line += ' '.repeat(Math.max(0, end - line.length));
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The text Keras's `model.summary()` prints for this graph:
 *
 * ```
 * Model: "resnet50"
 * ____________________________________________________________________________________
 *  Layer (type)                Output Shape                 Param #   Connected to
 * ====================================================================================
 *  conv1_conv (Conv2D)         (None, 112, 112, 64)         9472      ['conv1_pad[0][0]']
 * ...
 * Total params: 25,636,712 (97.80 MB)
 * ```
 *
 * Unknown shapes and counts (a graph with problems) print as `?`.
 *
 * @param analysis The graph's analysis, computed when omitted.
 * @param options `layout: 'functional'` keeps the Connected to column for plain chains too.
 */
export function formatSummary(graph: ModelGraph, analysis: GraphAnalysis = analyzeGraph(graph), options: SummaryOptions = {}): string {
  const rows = summaryRows(graph, analysis);
  const sequentialLike = analysis.order.length > 0 && rows.every((row) => row.inModel) && kerasModelLayout(graph, analysis).sequentialLike;
  const layout = sequentialLike && options.layout !== 'functional' ? SEQUENTIAL_LAYOUT : FUNCTIONAL_LAYOUT;
  const width = layout.lineLength;
  const lines: string[] = [`Model: "${graph.name}"`, '_'.repeat(width), ...formatRow(layout.header, layout), '='.repeat(width)];
  for (const row of rows) {
    const fields = [`${row.name} (${row.className})`, row.outputShapeText, row.params === null ? '?' : String(row.params)];
    if (layout.header.length === 4) fields.push(pythonList(row.connectedTo));
    lines.push(...formatRow(fields, layout));
    // tf.keras 2.x separates every layer, the last one included, with a blank line.
    lines.push(' '.repeat(width));
  }
  lines.push('='.repeat(width));
  const { total, trainable, nonTrainable } = analysis.totals;
  lines.push(
    `Total params: ${formatCount(total)} (${readableMemorySize(total * FLOAT32_BYTES)})`,
    `Trainable params: ${formatCount(trainable)} (${readableMemorySize(trainable * FLOAT32_BYTES)})`,
    `Non-trainable params: ${formatCount(nonTrainable)} (${readableMemorySize(nonTrainable * FLOAT32_BYTES)})`,
    '_'.repeat(width),
  );
  return `${lines.join('\n')}\n`;
}
