import path from 'node:path';
import type { ModelGraph } from '../../../common/graph/schema';
import { LabError, received } from '../../../common/errors';
import { hyperparametersSchema, type Hyperparameters } from '../../../common/training/hyperparameters';
import type { LayerWeights } from '../layerWeights';
import { kerasLayerOrder } from './kerasLayerOrder';
import { kerasModelConfig } from './kerasModelConfig';
import { kerasOptimizer } from './kerasOptimizer';
import { kerasConfigToGraph } from './kerasGraphImport';
import { openH5, writeFloatDataset } from './h5Access';
import { readHdf5Isolated } from './hdf5Isolation';
import { parseJsonText } from '../fileErrors';

/** The tf.keras version the `.h5` layout follows. */
export const KERAS2_VERSION = '2.15.0';

/** tf.keras's `training_config`: what `load_model(compile=True)` compiles with. */
export function kerasTrainingConfig(hyperparameters: Hyperparameters): Record<string, unknown> {
  const metrics = hyperparameters.metrics.filter((metric) => metric === 'accuracy');
  return {
    loss: hyperparameters.loss,
    metrics: metrics.length > 0 ? metrics : null,
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: kerasOptimizer(hyperparameters.optimizer),
  };
}

/**
 * Writes a Keras 2 (tf.keras) HDF5 model: root attributes `model_config`,
 * `training_config`, `keras_version`, `backend`; group `model_weights` with `layer_names`,
 * and per layer `model_weights/<layer>/<layer>/<weight>:0` with `weight_names` on the
 * layer group, as `model.save('m.h5')` writes them.
 */
export async function writeKerasH5(filePath: string, graph: ModelGraph, weights: readonly LayerWeights[], hyperparameters: Hyperparameters | null): Promise<void> {
  const file = await openH5(filePath, 'w');
  try {
    file.create_attribute('backend', 'tensorflow');
    file.create_attribute('keras_version', KERAS2_VERSION);
    file.create_attribute('model_config', JSON.stringify(kerasModelConfig(graph, 'keras2')));
    file.create_attribute('training_config', JSON.stringify(kerasTrainingConfig(hyperparameters ?? hyperparametersSchema.parse({}))));
    const root = file.create_group('model_weights');
    const names = kerasLayerOrder(graph).map((node) => node.name);
    root.create_attribute('layer_names', names);
    root.create_attribute('backend', 'tensorflow');
    root.create_attribute('keras_version', KERAS2_VERSION);
    const byLayer = new Map(weights.map((entry) => [entry.layer, entry]));
    for (const name of names) {
      const group = root.create_group(name);
      const layerWeights = byLayer.get(name)?.weights ?? [];
      const weightNames = layerWeights.map((weight) => `${name}/${weight.name}:0`);
      if (weightNames.length === 0) group.create_attribute('weight_names', new Float64Array(0), [0]);
      else group.create_attribute('weight_names', weightNames);
      layerWeights.forEach((weight, index) => writeFloatDataset(group, weightNames[index] as string, weight.data, weight.shape));
    }
  } finally {
    file.close();
  }
}

/** What an imported Keras file holds. */
export interface KerasImport {
  graph: ModelGraph;
  /** Weights by layer; empty when the file has none. */
  weights: LayerWeights[];
  kerasVersion: string | null;
}

/** The weight name's last part without the `:0` suffix (`conv/kernel:0` -> `kernel`). */
function shortWeightName(name: string): string {
  return (name.split('/').pop() ?? name).replace(/:\d+$/, '');
}

/**
 * Reads a Keras 2 HDF5 model written by tf.keras (or by Model Lab): the architecture from
 * `model_config` and each layer's weights in `weight_names` order. HDF5 runs on its own
 * thread (see `readHdf5Isolated`), so a damaged file cannot stall or end the lab.
 *
 * @throws LabError `IO_BAD_FORMAT` naming the file and what is wrong with it (a
 *   weights-only file, damaged HDF5, a config that is not JSON); `LAYER_UNSUPPORTED`
 *   naming a layer the catalog lacks.
 */
export async function readKerasH5(filePath: string): Promise<KerasImport> {
  const contents = await readHdf5Isolated({ kind: 'keras-h5', file: filePath }, filePath);
  if (contents.modelConfig === null) {
    throw new LabError('IO_BAD_FORMAT', contents.weightsOnly
      ? `${path.basename(filePath)} is a weights-only file (layer_names, no model_config), such as Keras Applications' ImageNet weights: it has no architecture to open. Use "Start from a trained model… ▸ a template with ImageNet weights from a Keras weights file" (CLI: model-lab transfer <template> --weights-file). ${received('path', filePath)}`
      : `Expected a Keras model file with a model_config attribute. ${received('path', filePath)}`, { path: filePath });
  }
  const graph = kerasConfigToGraph(parseJsonText(contents.modelConfig, 'the model_config attribute', filePath));
  const byLayer = new Map(contents.layers);
  const weights: LayerWeights[] = [];
  for (const node of graph.nodes) {
    const saved = byLayer.get(node.name);
    if (saved === undefined || saved.length === 0) continue;
    weights.push({ layer: node.name, type: node.type, weights: saved.map((weight) => ({ ...weight, name: shortWeightName(weight.name) })) });
  }
  return { graph, weights, kerasVersion: contents.kerasVersion };
}

