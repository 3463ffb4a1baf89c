import fs from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { LabError } from '../../../common/errors';
import { writeFileAtomic, writeJsonAtomic } from '../../project/atomicWrite';
import type { Tfjs as TfModule } from '../backend';

/** File names of a checkpoint folder (tfjs layers format plus the trainer's own state). */
export const CHECKPOINT_FILES = { model: 'model.json', weights: 'weights.bin', optimizer: 'optimizer.bin', state: 'state.json' } as const;

/** Joins the weight buffers tfjs 4.x may hand over in shards. */
function joinWeightData(data: tfjs.io.WeightData, tf: TfModule): ArrayBuffer {
  return Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
}

/**
 * A tfjs IOHandler that writes `model.json` + `weights.bin` with node fs, so checkpoints
 * need no tfjs-node. The weights are written before model.json, each atomically, so a
 * model.json on disk always points at complete weights.
 */
export function fileSaveHandler(dir: string, tf: TfModule): tfjs.io.IOHandler {
  return {
    async save(artifacts) {
      const weightData = artifacts.weightData ? joinWeightData(artifacts.weightData, tf) : new ArrayBuffer(0);
      await fs.mkdir(dir, { recursive: true });
      await writeFileAtomic(path.join(dir, CHECKPOINT_FILES.weights), new Uint8Array(weightData));
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${CHECKPOINT_FILES.weights}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await writeJsonAtomic(path.join(dir, CHECKPOINT_FILES.model), modelJson);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData }) };
    },
  };
}

/** The part of a checkpoint's model.json that loading its weights reads. */
interface ModelJsonFile {
  weightsManifest: { paths: string[]; weights: tfjs.io.WeightsManifestEntry[] }[];
}

async function readModelFiles(dir: string): Promise<{ json: ModelJsonFile; weightData: ArrayBuffer }> {
  const modelPath = path.join(dir, CHECKPOINT_FILES.model);
  let json: ModelJsonFile;
  try {
    json = JSON.parse(await fs.readFile(modelPath, 'utf8')) as ModelJsonFile;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LabError(missing ? 'IO_NOT_FOUND' : 'IO_BAD_FORMAT', `Expected a tfjs model.json. Received: path=${JSON.stringify(modelPath)}`, { path: modelPath });
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new LabError('IO_BAD_FORMAT', `Expected model.json to have a weightsManifest. Received: path=${JSON.stringify(modelPath)}`, { path: modelPath });
  }
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const file of group.paths) buffers.push(await fs.readFile(path.join(dir, file)));
  }
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const buffer of buffers) {
    joined.set(buffer, offset);
    offset += buffer.byteLength;
  }
  return { json, weightData: joined.buffer };
}

/**
 * The checkpoint's value for each of the model's weights: by the weight's original name
 * (`block5_conv1/kernel`), which tfjs writes and which does not depend on which layers are
 * trainable (a fine-tuning run saves after unfreezing, which reorders `model.weights`);
 * by position when the names do not all match (tfjs versions that wrote unique names).
 */
function checkpointOrder(targets: readonly tfjs.LayerVariable[], specs: readonly tfjs.io.WeightsManifestEntry[]): tfjs.io.WeightsManifestEntry[] {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const named = targets.map((target) => byName.get(target.originalName));
  return byName.size === specs.length && named.every((spec) => spec !== undefined) ? (named as tfjs.io.WeightsManifestEntry[]) : [...specs];
}

/**
 * Loads the weights of a checkpoint folder into `model`, by weight name, else by position.
 * Positional matching keeps working when tfjs gave the rebuilt model's variables different
 * unique names.
 *
 * @throws LabError `IO_BAD_FORMAT` when the count or a shape differs.
 */
export async function loadWeightsInto(model: tfjs.LayersModel, dir: string, tf: TfModule): Promise<void> {
  const { json, weightData } = await readModelFiles(dir);
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const named = tf.io.decodeWeights(weightData, specs);
  const targets = model.weights;
  if (targets.length !== specs.length) {
    tf.dispose(Object.values(named));
    throw new LabError('IO_BAD_FORMAT', `Expected ${targets.length} weights in the checkpoint. Received: weights=${specs.length}`, { path: dir });
  }
  const values = checkpointOrder(targets, specs).map((spec) => named[spec.name] as tfjs.Tensor);
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i] as tfjs.LayerVariable;
    const value = values[i] as tfjs.Tensor;
    if (!tf.util.arraysEqual(target.shape as number[], value.shape)) {
      tf.dispose(values);
      throw new LabError('IO_BAD_FORMAT', `Expected weight ${target.name} of shape [${target.shape.join(',')}]. Received: shape=[${value.shape.join(',')}]`, { path: dir, field: target.name });
    }
  }
  for (let i = 0; i < targets.length; i++) (targets[i] as tfjs.LayerVariable).write(values[i] as tfjs.Tensor);
  tf.dispose(values);
}

/** Saves optimizer slot variables (moments, accumulators) so a resumed run continues smoothly. */
export async function saveOptimizerState(optimizer: tfjs.Optimizer, file: string, tf: TfModule): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights returns the slot variables themselves plus a fresh `iter` scalar, which is ours to free.
  tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  await writeFileAtomic(file, new Uint8Array(data));
  await writeJsonAtomic(`${file}.json`, specs);
}

/** Restores what `saveOptimizerState` wrote; a missing file leaves the optimizer fresh. */
export async function loadOptimizerState(optimizer: tfjs.Optimizer, file: string, tf: TfModule): Promise<boolean> {
  let specs: tfjs.io.WeightsManifestEntry[];
  let data: Buffer;
  try {
    specs = JSON.parse(await fs.readFile(`${file}.json`, 'utf8')) as tfjs.io.WeightsManifestEntry[];
    data = await fs.readFile(file);
  } catch {
    return false;
  }
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const named = tf.io.decodeWeights(buffer, specs);
  try {
    await optimizer.setWeights(specs.map((spec) => ({ name: spec.name, tensor: named[spec.name] as tfjs.Tensor })));
  } finally {
    // setWeights copies the values into new variables; the decoded tensors are ours to free.
    tf.dispose(Object.values(named));
  }
  return true;
}
