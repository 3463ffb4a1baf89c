import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError, received } from '../../common/errors';
import type { ModelGraph } from '../../common/graph/schema';
import type { ImportModelResult, ModelCard } from '../../common/api/methods/models';
import type { Tfjs } from '../engine/backend';
import type { LayerWeights } from './layerWeights';
import { readKerasH5 } from './keras/h5Format';
import { readKerasArchive } from './keras/kerasV3Format';
import { kerasConfigToGraph } from './keras/kerasGraphImport';
import { TFJS_FILES } from './tfjsFormat';
import { parseTfjsModelJson, readTfjsWeights } from './tfjsWeights';
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

/**
 * The weights of a TF.js model grouped by layer: TF.js names each weight
 * `<layer>/<weight>`, trainable weights of all layers first, so a layer's weights are
 * gathered in manifest order (Keras's order within the layer).
 *
 * @throws LabError `IO_BAD_FORMAT` naming a weight whose layer is not in the model.
 */
function tfjsLayerWeights(weights: readonly { name: string; shape: number[]; data: Float32Array }[], graph: ModelGraph, modelJsonPath: string): LayerWeights[] {
  const types = new Map(graph.nodes.map((node) => [node.name, node.type]));
  const byLayer = new Map<string, LayerWeights>();
  for (const weight of weights) {
    const cut = weight.name.lastIndexOf('/');
    const layer = weight.name.slice(0, Math.max(cut, 0));
    const type = types.get(layer);
    if (cut <= 0 || type === undefined) {
      throw new LabError('IO_BAD_FORMAT', `Expected every weight in weightsManifest to be named <layer>/<weight> after a layer of the model. ${received('weight', weight.name)} in ${modelJsonPath}`, { path: modelJsonPath, field: 'weightsManifest', received: weight.name });
    }
    const entry = byLayer.get(layer) ?? { layer, type, weights: [] };
    entry.weights.push({ name: weight.name.slice(cut + 1), shape: weight.shape, data: weight.data });
    byLayer.set(layer, entry);
  }
  return [...byLayer.values()];
}

/**
 * Reads a model file: Keras `.h5` (tf.keras 2), `.keras` (Keras 3), architecture-only JSON
 * from `model.to_json()`, or a TF.js `model.json` (file or its folder). Layers map onto the
 * catalog with their names; omitted arguments get Keras defaults. The model card is read
 * from inside the file, else from `<file name>.model-card.json` beside it, else from a
 * folder's `model-card.json` of the same format (written by earlier versions). Transfer
 * learning and initial weights read model files through here too.
 *
 * @throws LabError `IO_NOT_FOUND`; `IO_BAD_FORMAT` naming the file and what is wrong with
 *   it, whatever the damage; `LAYER_UNSUPPORTED` or `LAYER_BAD_PARAM` naming the layer.
 */
export async function importModelFile(filePath: string, tf: Tfjs): Promise<ImportedModel> {
  const stat = await fs.stat(filePath).catch(() => null);
  if (stat === null) throw new LabError('IO_NOT_FOUND', `Expected an existing model file. ${received('path', filePath)}`, { path: filePath });
  const file = stat.isDirectory() ? path.join(filePath, TFJS_FILES.model) : filePath;
  try {
    return await readModelFile(file, tf);
  } catch (error) {
    throw importFailure(error, file);
  }
}

async function readModelFile(file: string, tf: Tfjs): Promise<ImportedModel> {
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
    throw new LabError('IO_BAD_FORMAT', `Expected a .h5, .keras or .json model file. ${received('path', file)}`, { path: file });
  }
  const json = await readJson(file);
  if (typeof json === 'object' && json !== null && 'modelTopology' in json) {
    const model = parseTfjsModelJson(json, file);
    const graph = kerasConfigToGraph(kerasConfigFromTfjsTopology(model.modelTopology));
    return withModelCard('tfjs', graph, tfjsLayerWeights(await readTfjsWeights(dir, model, file, tf), graph, file), await modelCardOf('tfjs', file));
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

/**
 * How a failed import reaches the user: errors about the file name it (a message about a
 * layer's config gets the file added); anything else is a parser meeting input it did
 * not expect, so the file is malformed, and that is what is said, with the parser's reason.
 */
function importFailure(error: unknown, file: string): LabError {
  if (error instanceof LabError && error.code !== 'INTERNAL') {
    if (error.code !== 'IO_BAD_FORMAT' || error.details?.path !== undefined) return error;
    return new LabError('IO_BAD_FORMAT', `${error.message} in ${file}`, { ...error.details, path: file });
  }
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200) ?? '';
  return new LabError('IO_BAD_FORMAT', `Expected a model file Model Lab can read; reading it failed (${reason}). ${received('path', file)}`, { path: file });
}
