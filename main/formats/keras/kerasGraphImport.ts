import { LabError, received } from '../../../common/errors';
import type { ModelGraph } from '../../../common/graph/schema';
import { LAYER_CATALOG, resolveLayerParams, type AnyLayerSpec } from '../../../common/catalog';
import { GraphBuilder, type TensorRef } from '../../../common/templates/builder';

/** One layer of a Keras model config, normalised across tf.keras 2 and Keras 3. */
export interface KerasLayerEntry {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Names of the layers whose outputs this layer is called on, in order. */
  inbound: string[];
}

/** A Keras model config read into a flat list of layers. */
export interface KerasConfigLayout {
  name: string;
  /** `Functional` or `Sequential`. */
  kind: 'Functional' | 'Sequential';
  layers: KerasLayerEntry[];
}

/**
 * Keras 3 added arguments to some layers whose default keeps the tf.keras 2 behaviour the
 * catalog models; at those defaults they are dropped on import.
 */
const KERAS3_DEFAULT_ARGUMENTS: Record<string, unknown> = { synchronized: false, lora_rank: null, lora_alpha: null, quantization_config: null, rms_scaling: false };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badConfig(message: string, value: unknown, field: string): LabError {
  return new LabError('IO_BAD_FORMAT', `${message} ${received(field, value)}`, { field });
}

/** Layer names a Keras 3 call argument refers to (`__keras_tensor__` entries, possibly nested in lists). */
function keras3History(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) keras3History(item, out);
    return;
  }
  if (!isRecord(value)) return;
  if (value['class_name'] === '__keras_tensor__' && isRecord(value['config'])) {
    const history = value['config']['keras_history'];
    if (Array.isArray(history) && typeof history[0] === 'string') out.push(history[0]);
  }
}

/** Names of inbound layers from either inbound-node format; a layer called twice is refused. */
function inboundOf(layer: Record<string, unknown>, name: string): string[] {
  const nodes = layer['inbound_nodes'];
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1) {
    throw new LabError('LAYER_UNSUPPORTED', `Expected every layer to be called once (shared layers are not supported). Received: layer "${name}" called ${nodes.length} times`, { nodeName: name });
  }
  const node: unknown = nodes[0];
  const names: string[] = [];
  if (Array.isArray(node)) {
    // tf.keras 2: [[layer_name, node_index, tensor_index, kwargs], ...]
    for (const entry of node) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw badConfig(`Expected each input of layer "${name}" in inbound_nodes as [layer_name, node_index, tensor_index, kwargs].`, entry, 'inbound_nodes');
      names.push(entry[0]);
    }
  } else if (isRecord(node)) {
    keras3History(node['args'], names);
  }
  return names;
}

/**
 * Reads a Keras model config (`model.to_json()`, `.h5` `model_config`, `.keras` `config.json`)
 * into a flat list of layers. Sequential models get their layers chained and an input
 * layer made from the first layer's `batch_input_shape` when they have none.
 *
 * @throws LabError `IO_BAD_FORMAT` when the JSON is not a Keras model config.
 */
export function readKerasConfigLayout(raw: unknown): KerasConfigLayout {
  if (!isRecord(raw) || typeof raw['class_name'] !== 'string') throw badConfig('Expected a Keras model config with `class_name` and `config`.', typeof raw, 'config');
  const className = raw['class_name'];
  const config = raw['config'];
  if (className === 'Sequential') {
    const list = Array.isArray(config) ? config : isRecord(config) ? config['layers'] : undefined;
    if (!Array.isArray(list)) throw badConfig('Expected a Sequential config with a `layers` list.', config, 'config.layers');
    const name = isRecord(config) && typeof config['name'] === 'string' ? config['name'] : 'sequential';
    // Keras 3 keeps a built Sequential's input shape in build_config when no layer carries it.
    const built = isRecord(raw['build_config']) ? raw['build_config']['input_shape'] : undefined;
    const layers: KerasLayerEntry[] = [];
    for (const [index, item] of list.entries()) {
      if (!isRecord(item) || typeof item['class_name'] !== 'string' || !isRecord(item['config'])) throw badConfig('Expected each Sequential layer to have `class_name` and `config`.', index, 'config.layers');
      const layerConfig = { ...item['config'] };
      const layerName = typeof layerConfig['name'] === 'string' ? layerConfig['name'] : `layer_${index}`;
      if (layers.length === 0 && item['class_name'] !== 'InputLayer') {
        const batchShape = layerConfig['batch_input_shape'] ?? layerConfig['batch_shape'] ?? built;
        if (!Array.isArray(batchShape)) throw badConfig(`Expected the first Sequential layer "${layerName}" to carry \`batch_input_shape\` (or an InputLayer first).`, null, 'batch_input_shape');
        layers.push({ className: 'InputLayer', name: `${layerName}_input`, config: { batch_input_shape: batchShape }, inbound: [] });
      }
      if (item['class_name'] !== 'InputLayer') {
        delete layerConfig['batch_input_shape'];
        delete layerConfig['batch_shape'];
      }
      const previous = layers.at(-1);
      layers.push({ className: item['class_name'], name: layerName, config: layerConfig, inbound: previous ? [previous.name] : [] });
    }
    return { name, kind: 'Sequential', layers };
  }
  if (className !== 'Functional' && className !== 'Model') throw badConfig('Expected a Functional or Sequential Keras model config.', className, 'class_name');
  if (!isRecord(config) || !Array.isArray(config['layers'])) throw badConfig('Expected a Functional config with a `layers` list.', config, 'config.layers');
  const layers = config['layers'].map((item: unknown, index: number): KerasLayerEntry => {
    if (!isRecord(item) || typeof item['class_name'] !== 'string' || !isRecord(item['config'])) throw badConfig('Expected each layer to have `class_name` and `config`.', index, 'config.layers');
    const layerConfig = item['config'];
    const name = typeof item['name'] === 'string' ? item['name'] : typeof layerConfig['name'] === 'string' ? layerConfig['name'] : `layer_${index}`;
    return { className: item['class_name'], name, config: { ...layerConfig }, inbound: inboundOf(item, name) };
  });
  return { name: typeof config['name'] === 'string' ? config['name'] : 'model', kind: 'Functional', layers };
}

/** The catalog entry saved under a Keras class name. */
function specForKerasClass(className: string): AnyLayerSpec | undefined {
  return LAYER_CATALOG.find((spec) => (spec.kerasClassName ?? spec.type) === className);
}

/**
 * Maps a Keras layer list onto the catalog: names kept, Keras defaults filled for omitted
 * arguments, frozen flags kept.
 *
 * @throws LabError `LAYER_UNSUPPORTED` naming the first layer whose class the catalog lacks;
 *   `LAYER_BAD_PARAM` naming the layer and argument the catalog cannot take.
 */
export function kerasLayoutToGraph(layout: KerasConfigLayout): ModelGraph {
  const builder = new GraphBuilder(layout.name);
  const refs = new Map<string, TensorRef>();
  for (const layer of layout.layers) {
    const spec = specForKerasClass(layer.className);
    if (spec === undefined) {
      throw new LabError('LAYER_UNSUPPORTED', `Expected layers Model Lab supports; layer "${layer.name}" is a ${layer.className}. Received: class_name=${JSON.stringify(layer.className)}`, { nodeName: layer.name, received: layer.className });
    }
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(layer.config)) {
      if (key in KERAS3_DEFAULT_ARGUMENTS && JSON.stringify(KERAS3_DEFAULT_ARGUMENTS[key]) === JSON.stringify(value)) continue;
      // InputLayer bookkeeping; Model Lab inputs are dense, non-ragged and required.
      if (spec.type === 'Input' && ['sparse', 'ragged', 'name', 'optional'].includes(key)) {
        if (value === true && key !== 'name') throw new LabError('LAYER_UNSUPPORTED', `Expected a dense, required input; input "${layer.name}" is ${key}. ${received(key, value)}`, { nodeName: layer.name, field: key });
        continue;
      }
      // tf.keras 2 saves a built BatchNormalization's axis as a list ([3]).
      raw[key] = spec.type === 'BatchNormalization' && key === 'axis' && Array.isArray(value) && value.length === 1 ? value[0] : value;
    }
    const { params, errors } = resolveLayerParams(spec, raw);
    const first = errors[0];
    if (first !== undefined) throw new LabError(first.code, `Layer "${layer.name}" (${layer.className}): ${first.message}`, { ...first.details, nodeName: layer.name });
    const inputs = layer.inbound.map((source) => {
      const ref = refs.get(source);
      if (ref === undefined) throw badConfig(`Expected layer "${layer.name}" to be called on an earlier layer.`, source, 'inbound_nodes');
      return ref;
    });
    const trainable = layer.config['trainable'] !== false;
    refs.set(layer.name, builder.layer(spec.type, params, inputs, layer.name, { trainable }));
  }
  return builder.build();
}

/** Reads any Keras model config into a ModelGraph (see `readKerasConfigLayout`, `kerasLayoutToGraph`). */
export function kerasConfigToGraph(raw: unknown): ModelGraph {
  return kerasLayoutToGraph(readKerasConfigLayout(raw));
}
