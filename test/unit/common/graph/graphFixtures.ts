import { GRAPH_SCHEMA_VERSION, type GraphEdge, type GraphNode, type ModelGraph } from '../../../../common/graph/schema';

/**
 * Hand-written graphs for the graph tests: plain data, so a test can break them in
 * exactly the way it means to (a cycle, a missing node) without going through edits.
 */

/** A node with the given id; the name defaults to the id. */
export function node(id: string, type: string, params: Record<string, unknown> = {}, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, type, name: id, params, trainable: true, position: { x: 0, y: 0 }, ...extra };
}

/** An edge `source -> target` at input `targetIndex`. */
export function edge(source: string, target: string, targetIndex = 0, id = `${source}->${target}:${targetIndex}`): GraphEdge {
  return { id, source, target, targetIndex };
}

/** A graph of these nodes and edges. */
export function graphOf(nodes: GraphNode[], edges: GraphEdge[], name = 'test_model'): ModelGraph {
  return { schemaVersion: GRAPH_SCHEMA_VERSION, name, nodes, edges, groups: [], metadata: {} };
}

/** Connects the nodes in a chain: a -> b -> c. */
export function chain(nodes: GraphNode[]): GraphEdge[] {
  return nodes.slice(1).map((n, i) => edge((nodes[i] as GraphNode).id, n.id));
}

/**
 * The MNIST CNN of the Keras examples: Input(28, 28, 1) -> Conv2D(32, 3, relu) ->
 * MaxPooling2D -> Flatten -> Dense(10, softmax).
 */
export function mnistCnn(): ModelGraph {
  const nodes = [
    node('input_1', 'Input', { shape: [28, 28, 1] }),
    node('conv2d', 'Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }),
    node('max_pooling2d', 'MaxPooling2D', { pool_size: [2, 2] }),
    node('flatten', 'Flatten'),
    node('dense', 'Dense', { units: 10, activation: 'softmax' }),
  ];
  return graphOf(nodes, chain(nodes), 'mnist_cnn');
}
