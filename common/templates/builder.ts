import { GRAPH_SCHEMA_VERSION, type GraphEdge, type GraphNode, type ModelGraph } from '../graph/schema';
import { autoLayerName } from '../catalog';
import { LabError, received } from '../errors';

/** A layer's output inside a `GraphBuilder`: what the next layer is called on. */
export interface TensorRef {
  /** Id of the node producing this tensor. */
  readonly nodeId: string;
}

/** Options for one layer beyond its Keras arguments. */
export interface LayerOptions {
  /** False freezes the layer (Keras `trainable=False`). */
  trainable?: boolean;
}

/** Horizontal distance between branch columns on the canvas, in canvas pixels. */
const COLUMN_WIDTH = 240;
/** Vertical distance between consecutive layers of a chain, in canvas pixels. */
const ROW_HEIGHT = 140;

/**
 * Builds a ModelGraph the way Keras's functional API builds a model: each call creates
 * a layer and applies it to earlier outputs, so template code reads like the
 * `keras.applications` source it reproduces.
 *
 * ```ts
 * const b = new GraphBuilder('resnet50');
 * const x = b.input([224, 224, 3]);
 * const y = b.layer('Conv2D', { filters: 64, kernel_size: [7, 7], strides: [2, 2] }, x, 'conv1_conv');
 * const graph = b.build(y);
 * ```
 *
 * Layers left unnamed get Keras's automatic names (`conv2d`, `conv2d_1`, …). Positions
 * are laid out top to bottom, one row per depth, with a column per parallel branch.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly usedNames = new Set<string>();
  /** Column of each node; a branch leaving a node that already continues opens a new column. */
  private readonly columns = new Map<string, number>();
  /** Nodes whose column has already been taken over by a successor. */
  private readonly continued = new Set<string>();
  private readonly rows = new Map<string, number>();
  /** Deepest row taken in each column so far. */
  private readonly columnBottoms: number[] = [];
  private nextId = 0;

  /**
   * @param name Model name (Keras `Model(name=...)`).
   * @param description Shown in the template picker and kept in the graph's metadata.
   */
  constructor(
    private readonly name: string,
    private readonly description?: string,
  ) {}

  /**
   * Adds an `Input` layer.
   * @param shape Input shape without the batch dimension, e.g. `[28, 28, 1]`.
   * @param name Layer name; Keras's automatic name when omitted.
   */
  input(shape: readonly number[], name?: string): TensorRef {
    return this.addNode('Input', { shape: [...shape] }, [], name, {});
  }

  /**
   * Adds a layer applied to one tensor, or to several (merges) in the order given.
   * @param type Catalog type (`Conv2D`).
   * @param params Keras constructor arguments by their snake_case names.
   * @param inputs The tensor(s) the layer is called on.
   * @param name Layer name; Keras's automatic name when omitted.
   * @throws LabError `GRAPH_DUPLICATE` when `name` is already used in this model.
   */
  layer(type: string, params: Record<string, unknown>, inputs: TensorRef | readonly TensorRef[], name?: string, options: LayerOptions = {}): TensorRef {
    const list: readonly TensorRef[] = isTensorRef(inputs) ? [inputs] : inputs;
    return this.addNode(type, params, list, name, options);
  }

  /**
   * Returns the finished graph (a copy: the builder can go on). The model's outputs are
   * the layers no other layer is called on, in the order they were added; with several,
   * they are recorded as the graph's chosen outputs (a multi-output model, on purpose).
   * @param template Id recorded in the graph's metadata.
   */
  build(template?: string): ModelGraph {
    const metadata: ModelGraph['metadata'] = {};
    if (this.description !== undefined) metadata.description = this.description;
    if (template !== undefined) metadata.template = template;
    const fed = new Set(this.edges.map((edge) => edge.source));
    const sinks = this.nodes.filter((node) => node.type !== 'Input' && !fed.has(node.id)).map((node) => node.id);
    return {
      schemaVersion: GRAPH_SCHEMA_VERSION,
      name: this.name,
      nodes: this.nodes.map((node) => ({ ...node, params: { ...node.params }, position: { ...node.position } })),
      edges: this.edges.map((edge) => ({ ...edge })),
      groups: [],
      ...(sinks.length > 1 ? { outputs: sinks } : {}),
      metadata,
    };
  }

  private addNode(type: string, params: Record<string, unknown>, inputs: readonly TensorRef[], name: string | undefined, options: LayerOptions): TensorRef {
    const id = `n${this.nextId++}`;
    const layerName = name ?? this.autoName(type);
    if (this.usedNames.has(layerName)) {
      throw new LabError('GRAPH_DUPLICATE', `Layer names must be unique within a model. ${received('name', layerName)}`, { nodeName: layerName });
    }
    this.usedNames.add(layerName);
    inputs.forEach((input, index) => {
      this.edges.push({ id: `e${this.edges.length}`, source: input.nodeId, target: id, targetIndex: index });
    });
    const row = inputs.reduce((deepest, input) => Math.max(deepest, (this.rows.get(input.nodeId) ?? 0) + 1), 0);
    this.rows.set(id, row);
    const column = this.placeColumn(inputs, row);
    this.columns.set(id, column);
    this.nodes.push({
      id,
      type,
      name: layerName,
      params: { ...params },
      trainable: options.trainable ?? true,
      position: { x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT },
    });
    return { nodeId: id };
  }

  /**
   * A node continues the column of its first input that no other node has continued
   * yet; otherwise (a branch, or a second Input) it takes the nearest column to the right
   * that is empty from this row down. Rows only grow within a column, so no two nodes
   * ever share a position.
   */
  private placeColumn(inputs: readonly TensorRef[], row: number): number {
    const isFree = (column: number): boolean => (this.columnBottoms[column] ?? -1) < row;
    const free = inputs.find((input) => !this.continued.has(input.nodeId));
    const continued = free ? (this.columns.get(free.nodeId) ?? 0) : undefined;
    let column: number;
    if (free && continued !== undefined && isFree(continued)) {
      this.continued.add(free.nodeId);
      column = continued;
    } else {
      const first = inputs[0];
      column = first ? (this.columns.get(first.nodeId) ?? 0) + 1 : 0;
      while (!isFree(column)) column++;
    }
    this.columnBottoms[column] = row;
    return column;
  }

  /** Keras's automatic naming: `conv2d`, then `conv2d_1`, … (`input_1` for inputs), skipping taken names. */
  private autoName(type: string): string {
    return autoLayerName(type, (name) => this.usedNames.has(name));
  }
}

function isTensorRef(value: TensorRef | readonly TensorRef[]): value is TensorRef {
  return !Array.isArray(value);
}
