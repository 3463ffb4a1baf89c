import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from '../engine/backend';
import type { ModelGraph } from '../../common/graph/schema';
import { writeFilesAtomic } from '../project/atomicWrite';
import { joinBytes, readTfjsModelJson, readTfjsWeightGroups } from './tfjsWeights';

/** File names of an exported TF.js layers model folder. */
export const TFJS_FILES = { model: 'model.json', weights: 'group1-shard1of1.bin' } as const;

function joinWeightData(data: tfjs.io.WeightData, tf: Tfjs): ArrayBuffer {
  return Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
}

/**
 * TF.js 4.22's SeparableConv2D `getConfig` leaves out `depth_multiplier`, so a saved model
 * with a multiplier above 1 would not load again; the value is put back from the layer.
 */
function restoreDepthMultipliers(topology: unknown, model: tfjs.LayersModel): void {
  const layers = (topology as { config?: { layers?: { class_name?: string; config?: Record<string, unknown> }[] } }).config?.layers ?? [];
  for (const entry of layers) {
    if (entry.class_name !== 'SeparableConv2D' || entry.config === undefined) continue;
    const layer = model.getLayer(String(entry.config['name'])) as unknown as { depthMultiplier?: number };
    if (typeof layer.depthMultiplier === 'number') entry.config['depth_multiplier'] = layer.depthMultiplier;
  }
}

/**
 * Writes `model.json` + one weight shard into `dir` with node fs (no tfjs-node needed), in
 * the layout `tf.loadLayersModel('file://…/model.json')` and the tfjs converter use. A
 * failed write leaves a previous export in `dir` as it was.
 *
 * @returns the paths written
 */
export async function writeTfjsModel(model: tfjs.LayersModel, dir: string, tf: Tfjs): Promise<string[]> {
  const modelPath = path.join(dir, TFJS_FILES.model);
  const weightsPath = path.join(dir, TFJS_FILES.weights);
  await model.save({
    async save(artifacts) {
      const weightData = artifacts.weightData ? joinWeightData(artifacts.weightData, tf) : new ArrayBuffer(0);
      restoreDepthMultipliers(artifacts.modelTopology, model);
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${TFJS_FILES.weights}`], weights: artifacts.weightSpecs ?? [] }],
      };
      // Both files are written in full before either replaces a previous export, weights first.
      await writeFilesAtomic([{ file: weightsPath, data: new Uint8Array(weightData) }, { file: modelPath, data: JSON.stringify(modelJson) }]);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData }) };
    },
  });
  return [modelPath, weightsPath];
}

/**
 * Loads a TF.js layers model folder (any shard count) through `tf.loadLayersModel`, the
 * way a user's app loads it. Shards are read only from inside `dir` (see `readTfjsWeightGroups`).
 *
 * @param fileName the model JSON inside `dir` (`model.json` unless renamed)
 * @throws LabError `IO_BAD_FORMAT` naming model.json when it or a shard is malformed or outside `dir`.
 */
export async function loadTfjsModel(dir: string, tf: Tfjs, fileName: string = TFJS_FILES.model): Promise<tfjs.LayersModel> {
  const modelPath = path.join(dir, fileName);
  const json = await readTfjsModelJson(modelPath);
  const weightData = joinBytes(await readTfjsWeightGroups(dir, json, modelPath));
  return tf.loadLayersModel({
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((group) => group.weights) as tfjs.io.WeightsManifestEntry[], weightData: weightData.buffer as ArrayBuffer }),
  });
}

/** Layer types TF.js 4.22 lacks; Model Lab's engine registers its own classes for them. */
const MODEL_LAB_ONLY_TYPES = new Set(['Subtract', 'SpatialDropout2D']);

/**
 * What a plain TF.js app cannot load from this model without Model Lab's layer classes
 * (main/engine/layers): one line per layer, empty when the model.json is portable.
 */
export function tfjsPortabilityWarnings(graph: ModelGraph): string[] {
  return graph.nodes.flatMap((node) => {
    if (MODEL_LAB_ONLY_TYPES.has(node.type)) return [`Layer "${node.name}" (${node.type}) loads only where Model Lab's ${node.type} class is registered: TF.js 4.22 has no such layer.`];
    if (node.params['activation'] === 'leaky_relu') return [`Layer "${node.name}" uses the leaky_relu activation, which loads only where Model Lab's leakyRelu activation is registered: TF.js 4.22 has none.`];
    return [];
  });
}
