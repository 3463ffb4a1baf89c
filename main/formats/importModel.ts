import fs from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { LabError, received } from '../../common/errors';
import type { ModelGraph } from '../../common/graph/schema';
import type { ImportModelResult, ModelCard } from '../../common/api/methods/models';
import type { Tfjs } from '../engine/backend';
import type { LayerWeights } from './layerWeights';
import { readKerasH5 } from './keras/h5Format';
import { readKerasArchive } from './keras/kerasV3Format';
import { kerasConfigToGraph } from './keras/kerasGraphImport';
import { loadTfjsModel, TFJS_FILES } from './tfjsFormat';
import { readModelCardBeside } from './modelCard';
import { readEmbeddedModelCard } from './embeddedModelCard';
import { kerasConfigFromTfjsTopology } from './tfjsTopology';

/** An imported model: its graph, its weights by layer (empty for architecture-only files) and its card. */
export interface ImportedModel {
  format: ImportModelResult['format'];
  graph: ModelGraph;
  weights: LayerWeights[];
  modelCard: ModelCard | null;
}

async function readJson(filePath: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(filePath, 'utf8');
  } catch {
    throw new LabError('IO_NOT_FOUND', `Expected a readable model file. ${received('path', filePath)}`, { path: filePath });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LabError('IO_BAD_FORMAT', `Expected JSON in the model file. ${received('path', filePath)}`, { path: filePath });
  }
}

/** Weights of every layer of a loaded TF.js model, in its own order. */
function tfjsLayerWeights(model: tfjs.LayersModel, graph: ModelGraph): LayerWeights[] {
  const types = new Map(graph.nodes.map((node) => [node.name, node.type]));
  return model.layers
    .filter((layer) => layer.weights.length > 0)
    .map((layer) => ({
      layer: layer.name,
      type: types.get(layer.name) ?? layer.getClassName(),
      weights: layer.getWeights().map((tensor, index) => ({ name: layer.weights[index]?.originalName.split('/').pop() ?? String(index), shape: [...tensor.shape], data: Float32Array.from(tensor.dataSync()) })),
    }));
}

/**
 * Reads a model file: Keras `.h5` (tf.keras 2), `.keras` (Keras 3), architecture-only JSON
 * from `model.to_json()`, or a TF.js `model.json` (file or its folder). Layers map onto the
 * catalog with their names; omitted arguments get Keras defaults. The model card is read
 * from inside the file, else from `<file name>.model-card.json` beside it, else from a
 * folder's `model-card.json` of the same format (written by earlier versions).
 *
 * @throws LabError `IO_NOT_FOUND`, `IO_BAD_FORMAT`, or `LAYER_UNSUPPORTED` naming the layer.
 */
export async function importModelFile(filePath: string, tf: Tfjs): Promise<ImportedModel> {
  const stat = await fs.stat(filePath).catch(() => null);
  if (stat === null) throw new LabError('IO_NOT_FOUND', `Expected an existing model file. ${received('path', filePath)}`, { path: filePath });
  const file = stat.isDirectory() ? path.join(filePath, TFJS_FILES.model) : filePath;
  const dir = path.dirname(file);
  const extension = path.extname(file).toLowerCase();
  if (extension === '.h5' || extension === '.hdf5') {
    const imported = await readKerasH5(file);
    return withModelCard('h5', imported.graph, imported.weights, await modelCardOf('h5', file));
  }
  if (extension === '.keras') {
    const imported = await readKerasArchive(file);
    return withModelCard('keras', imported.graph, imported.weights, await modelCardOf('keras', file));
  }
  if (extension !== '.json') {
    throw new LabError('IO_BAD_FORMAT', `Expected a .h5, .keras or .json model file. ${received('path', filePath)}`, { path: filePath });
  }
  const json = await readJson(file);
  if (typeof json === 'object' && json !== null && 'modelTopology' in json) {
    const topology = (json as { modelTopology: Record<string, unknown> }).modelTopology;
    const graph = kerasConfigToGraph(kerasConfigFromTfjsTopology(topology));
    const model = await loadTfjsModel(dir, tf, path.basename(file));
    try {
      return withModelCard('tfjs', graph, tfjsLayerWeights(model, graph), await modelCardOf('tfjs', file));
    } finally {
      model.dispose();
    }
  }
  return withModelCard('keras-json', kerasConfigToGraph(json), [], await modelCardOf('keras-json', file));
}

/**
 * An imported model with its card. The input preprocessing a card records for a pretrained
 * base goes back into the graph (Keras files have no place for it), so training, evaluating
 * or building on the model feeds it as it was trained.
 */
function withModelCard(format: ImportedModel['format'], graph: ModelGraph, weights: LayerWeights[], modelCard: ModelCard | null): ImportedModel {
  const base = modelCard?.inputPreprocessing;
  if (!base || graph.metadata.inputPreprocessing) return { format, graph, weights, modelCard };
  return { format, graph: { ...graph, metadata: { ...graph.metadata, inputPreprocessing: { module: base.module, mode: base.mode } } }, weights, modelCard };
}

/** The card of a model file: the one inside it, else its own beside it, else its folder's of the same format. */
async function modelCardOf(format: ImportedModel['format'], file: string): Promise<ModelCard | null> {
  return (await readEmbeddedModelCard(format, file)) ?? readModelCardBeside(file, format);
}
