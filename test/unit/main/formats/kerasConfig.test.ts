import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../../common/templates/builder';
import { LabError } from '../../../../common/errors';
import { getLayerSpec, resolveLayerParams } from '../../../../common/catalog';
import type { ModelGraph } from '../../../../common/graph/schema';
import { kerasModelConfig } from '../../../../main/formats/keras/kerasModelConfig';
import { kerasConfigToGraph } from '../../../../main/formats/keras/kerasGraphImport';
import { kerasLayerOrder } from '../../../../main/formats/keras/kerasLayerOrder';
import { kerasSnakeCase, kerasVariablePaths } from '../../../../main/formats/keras/kerasV3Format';

/** Input -> conv_a -> bn -+-> add -> conv_c -> concat(add, conv_c) -> pool -> flatten -> dense */
function smallCnn(): ModelGraph {
  const b = new GraphBuilder('small_cnn');
  const x = b.input([12, 12, 3], 'image');
  const bn = b.layer('BatchNormalization', {}, b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }, x, 'conv_a'), 'bn');
  const add = b.layer('Add', {}, [bn, b.layer('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }, x, 'conv_b')], 'add');
  const cat = b.layer('Concatenate', {}, [add, b.layer('Conv2D', { filters: 2, kernel_size: [1, 1] }, add, 'conv_c')], 'concat');
  b.layer('Dense', { units: 3, activation: 'softmax' }, b.layer('Flatten', {}, b.layer('MaxPooling2D', {}, cat, 'pool'), 'flatten'), 'predictions', { trainable: false });
  return b.build();
}

/** Keras's get_config writes pooling `strides` as the pool size it defaults to; both mean the same. */
function canonical(params: Record<string, unknown>): Record<string, unknown> {
  return params['strides'] === null && params['pool_size'] !== undefined ? { ...params, strides: params['pool_size'] } : params;
}

/** Name, type, resolved params, trainable flag and inputs of every node: what a round trip must keep. */
function essence(graph: ModelGraph): unknown[] {
  const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
  return graph.nodes
    .map((node) => ({
      name: node.name,
      type: node.type,
      trainable: node.trainable,
      params: canonical(resolveLayerParams(getLayerSpec(node.type), node.params).params),
      inputs: graph.edges.filter((e) => e.target === node.id).sort((a, b) => a.targetIndex - b.targetIndex).map((e) => names.get(e.source)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function thrown(fn: () => unknown): LabError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error('expected a LabError');
}

describe('Keras model config', () => {
  it('writes tf.keras 2 functional layers with class names, configs and inbound nodes', () => {
    const config = kerasModelConfig(smallCnn(), 'keras2') as { class_name: string; config: { layers: Record<string, unknown>[]; input_layers: unknown; output_layers: unknown } };
    expect(config.class_name).toBe('Functional');
    expect(config.config.input_layers).toEqual([['image', 0, 0]]);
    expect(config.config.output_layers).toEqual([['predictions', 0, 0]]);
    const byName = new Map(config.config.layers.map((layer) => [layer['name'], layer]));
    expect(byName.get('image')).toMatchObject({ class_name: 'InputLayer', inbound_nodes: [], config: { batch_input_shape: [null, 12, 12, 3], name: 'image' } });
    expect(byName.get('concat')).toMatchObject({ class_name: 'Concatenate', inbound_nodes: [[['add', 0, 0, {}], ['conv_c', 0, 0, {}]]] });
    expect(byName.get('predictions')).toMatchObject({ config: { trainable: false, units: 3, activation: 'softmax' } });
  });

  it('writes Keras 3 inbound nodes as __keras_tensor__ arguments with batch_shape inputs', () => {
    const config = kerasModelConfig(smallCnn(), 'keras3') as { config: { layers: Record<string, unknown>[] } };
    const byName = new Map(config.config.layers.map((layer) => [layer['name'], layer]));
    expect(byName.get('image')).toMatchObject({ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 12, 12, 3] } });
    const conv = byName.get('conv_a') as { inbound_nodes: { args: unknown[] }[] };
    expect(conv.inbound_nodes[0]?.args).toEqual([{ class_name: '__keras_tensor__', config: { shape: [null, 12, 12, 3], dtype: 'float32', keras_history: ['image', 0, 0] } }]);
    const add = byName.get('add') as { inbound_nodes: { args: unknown[][] }[] };
    expect(add.inbound_nodes[0]?.args[0]).toHaveLength(2);
  });

  it.each(['keras2', 'keras3'] as const)('reads its own %s config back to the same graph', (flavor) => {
    const graph = smallCnn();
    expect(essence(kerasConfigToGraph(kerasModelConfig(graph, flavor)))).toEqual(essence(graph));
  });

  it('lists layers in the order Keras gives model.layers (by depth from the outputs)', () => {
    expect(kerasLayerOrder(smallCnn()).map((node) => node.name)).toEqual(['image', 'conv_a', 'bn', 'conv_b', 'add', 'conv_c', 'concat', 'pool', 'flatten', 'predictions']);
  });

  it('reads a Sequential model.to_json() whose first layer carries batch_input_shape, filling Keras defaults', () => {
    const json = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'Conv2D', config: { name: 'c1', filters: 8, kernel_size: [3, 3], batch_input_shape: [null, 10, 10, 1], activation: 'relu' } },
          { class_name: 'Flatten', config: { name: 'f' } },
          { class_name: 'Dense', config: { name: 'out', units: 2, trainable: false } },
        ],
      },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    };
    const graph = kerasConfigToGraph(json);
    expect(graph.nodes.map((n) => [n.name, n.type])).toEqual([['c1_input', 'Input'], ['c1', 'Conv2D'], ['f', 'Flatten'], ['out', 'Dense']]);
    const conv = graph.nodes.find((n) => n.name === 'c1');
    expect(conv?.params).toMatchObject({ filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', use_bias: true });
    expect(graph.nodes.find((n) => n.name === 'out')?.trainable).toBe(false);
    expect(graph.nodes.find((n) => n.name === 'c1_input')?.params).toMatchObject({ shape: [10, 10, 1] });
  });

  it('reads Keras 3 configs with dtype policies and Keras 3-only arguments at their defaults', () => {
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const json = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'x' }, registered_name: null, name: 'x', inbound_nodes: [] },
          {
            module: 'keras.layers', class_name: 'Dense', registered_name: null, name: 'd',
            config: { name: 'd', trainable: true, dtype: policy, units: 3, activation: 'relu', use_bias: true, lora_rank: null, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } },
            inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: ['x', 0, 0] } }], kwargs: {} }],
          },
          {
            module: 'keras.layers', class_name: 'BatchNormalization', registered_name: null, name: 'bn',
            config: { name: 'bn', dtype: policy, axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, synchronized: false },
            inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: ['d', 0, 0] } }], kwargs: {} }],
          },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['bn', 0, 0]],
      },
    };
    const graph = kerasConfigToGraph(json);
    expect(graph.nodes.map((n) => n.name)).toEqual(['x', 'd', 'bn']);
    expect(graph.edges).toHaveLength(2);
  });

  it('takes a Keras 3 Sequential input shape from build_config and skips InputLayer bookkeeping', () => {
    const json = {
      module: 'keras', class_name: 'Sequential', registered_name: null, build_config: { input_shape: [null, 6] },
      config: { name: 'seq3', layers: [{ module: 'keras.layers', class_name: 'Dense', config: { name: 'd', units: 2 }, registered_name: null }] },
    };
    const graph = kerasConfigToGraph(json);
    expect(graph.nodes.map((n) => [n.name, n.type])).toEqual([['d_input', 'Input'], ['d', 'Dense']]);
    expect(graph.nodes[0]?.params).toMatchObject({ shape: [6] });
    const sparse = { class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'in', sparse: true } }, { class_name: 'Dense', config: { name: 'd', units: 2 } }] } };
    expect(thrown(() => kerasConfigToGraph(sparse)).code).toBe('LAYER_UNSUPPORTED');
    const optional = { class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'in', optional: false } }, { class_name: 'Dense', config: { name: 'd', units: 2 } }] } };
    expect(kerasConfigToGraph(optional).nodes).toHaveLength(2);
  });

  it('names the unsupported layer with LAYER_UNSUPPORTED', () => {
    const json = { class_name: 'Sequential', config: { layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 5, 8], name: 'in' } }, { class_name: 'LSTM', config: { name: 'my_lstm', units: 4 } }] } };
    const error = thrown(() => kerasConfigToGraph(json));
    expect(error.code).toBe('LAYER_UNSUPPORTED');
    expect(error.details?.nodeName).toBe('my_lstm');
    expect(error.message).toContain('my_lstm');
  });

  it('refuses JSON that is not a Keras model config with IO_BAD_FORMAT', () => {
    expect(thrown(() => kerasConfigToGraph({ hello: 1 })).code).toBe('IO_BAD_FORMAT');
  });
});

describe('Keras 3 weight paths', () => {
  it.each([
    ['Conv2D', 'conv2d'],
    ['BatchNormalization', 'batch_normalization'],
    ['InputLayer', 'input_layer'],
    ['ReLU', 're_lu'],
    ['PReLU', 'p_re_lu'],
    ['Conv2DTranspose', 'conv2d_transpose'],
    ['GlobalAveragePooling2D', 'global_average_pooling2d'],
    ['UpSampling2D', 'up_sampling2d'],
  ])('%s is saved as %s', (className, snake) => {
    expect(kerasSnakeCase(className)).toBe(snake);
  });

  it('numbers repeats of a class in model.layers order', () => {
    expect(kerasVariablePaths(['InputLayer', 'Conv2D', 'Conv2D', 'Dense', 'Conv2D'])).toEqual([
      'layers/input_layer/vars', 'layers/conv2d/vars', 'layers/conv2d_1/vars', 'layers/dense/vars', 'layers/conv2d_2/vars',
    ]);
  });
});
