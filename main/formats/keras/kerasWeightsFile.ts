import path from 'node:path';
import fs from 'node:fs/promises';
import type { Group } from 'h5wasm/node';
import { LabError, received } from '../../../common/errors';
import type { WeightArray } from '../layerWeights';
import { getDataset, getGroup, openH5, readFloatDataset, stringAttribute, stringListAttribute } from './h5Access';

/**
 * Keras's HDF5 weights layout (`model.save_weights('w.h5')` in Keras 2, and the files
 * `keras.applications` downloads for `weights='imagenet'`): the root lists `layer_names` in
 * `model.layers` order; each layer's group lists its `weight_names`, and each weight is a
 * dataset at that name inside the group. A full model file keeps the same layout under
 * `model_weights`, which Keras's `load_weights` reads too.
 */

/** One weight of a layer in the file: its name there and its shape. */
export interface KerasFileWeight {
  name: string;
  shape: number[];
}

/** One layer of a weights file, weightless ones included, in file order. */
export interface KerasFileLayer {
  name: string;
  weights: KerasFileWeight[];
}

/** The structure of a weights file, without the values. */
export interface KerasWeightsLayout {
  path: string;
  layers: KerasFileLayer[];
  /** `keras_version` of the writer, or null (Keras 1 files have none). */
  kerasVersion: string | null;
}

/** The first `count` bytes of a file, to tell an HDF5 file from something else before h5wasm sees it. */
async function readSignature(filePath: string): Promise<Buffer> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(filePath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new LabError('IO_NOT_FOUND', `Expected a Keras weights file (.h5). ${received('path', filePath)}`, { path: filePath });
    throw new LabError('IO_PERMISSION', `Expected a readable Keras weights file. ${received('path', filePath)}`, { path: filePath, cause: String(error) });
  }
  try {
    const buffer = Buffer.alloc(8);
    await handle.read(buffer, 0, 8, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** The HDF5 signature: `\x89HDF\r\n\x1a\n`. */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

function damaged(filePath: string, what: string, cause: unknown): LabError {
  return new LabError(
    'IO_BAD_FORMAT',
    `${path.basename(filePath)} is truncated or damaged (${what}); download the weights file again and check its size. ${received('path', filePath)}`,
    { path: filePath, cause: String(cause) },
  );
}

/** The group holding `layer_names`: the root of a weights file, or `model_weights` of a full model file. */
function weightsRoot(file: Group, filePath: string): Group {
  if ('layer_names' in file.attrs) return file;
  const modelWeights = getGroup(file, 'model_weights');
  if (modelWeights !== null && 'layer_names' in modelWeights.attrs) return modelWeights;
  const keras3 = getGroup(file, 'vars') !== null || getGroup(file, 'layers') !== null;
  throw new LabError(
    'IO_BAD_FORMAT',
    `Expected a Keras weights file with a layer_names attribute, as Keras Applications' weights='imagenet' downloads and Keras 2's save_weights('w.h5') write${keras3 ? '; this is a Keras 3 .weights.h5 file, which names no layers: save the whole model (.keras) instead' : ''}. ${received('path', filePath)}`,
    { path: filePath },
  );
}

function layerGroup(root: Group, name: string, filePath: string): Group {
  const group = getGroup(root, name);
  if (group === null) {
    throw new LabError('IO_BAD_FORMAT', `Expected a group for layer "${name}", which layer_names lists; the file is damaged. ${received('path', filePath)}`, { path: filePath, nodeName: name });
  }
  return group;
}

/**
 * True for an HDF5 file with Keras's weights layout and no architecture (`layer_names` at
 * the root, no `model_config`): a weights-only file, which needs a template to go into.
 */
export async function isKerasWeightsOnlyFile(filePath: string): Promise<boolean> {
  const signature = await readSignature(filePath).catch(() => null);
  if (signature === null || !signature.equals(HDF5_SIGNATURE)) return false;
  const file = await openH5(filePath, 'r').catch(() => null);
  if (file === null) return false;
  try {
    return 'layer_names' in file.attrs && !('model_config' in file.attrs);
  } finally {
    file.close();
  }
}

/**
 * Reads a weights file's structure: every layer in `layer_names` order with its weights'
 * names and shapes. Nothing but shapes is read, so even a 500 MB file answers at once.
 *
 * @throws LabError `IO_NOT_FOUND` for a missing file, `IO_BAD_FORMAT` naming the file when
 *   it is not HDF5, has no `layer_names` (with what it is instead), or is truncated.
 */
export async function readKerasWeightsLayout(filePath: string): Promise<KerasWeightsLayout> {
  const signature = await readSignature(filePath);
  if (!signature.equals(HDF5_SIGNATURE)) {
    throw new LabError('IO_BAD_FORMAT', `Expected an HDF5 file (.h5) such as Keras Applications' ImageNet weights; ${path.basename(filePath)} is not one. ${received('path', filePath)}`, { path: filePath });
  }
  const file = await openH5(filePath, 'r').catch((error: unknown) => {
    throw damaged(filePath, 'HDF5 could not open it', error);
  });
  try {
    let root: Group;
    try {
      root = weightsRoot(file, filePath);
    } catch (error) {
      if (error instanceof LabError) throw error;
      throw damaged(filePath, 'its root could not be read', error);
    }
    const layers: KerasFileLayer[] = [];
    try {
      for (const name of stringListAttribute(root, 'layer_names')) {
        const group = layerGroup(root, name, filePath);
        const weights = stringListAttribute(group, 'weight_names').map((weightName) => {
          const dataset = getDataset(group, weightName);
          if (dataset === null) {
            throw new LabError('IO_BAD_FORMAT', `Expected weight dataset ${name}/${weightName}, which weight_names lists; the file is damaged. ${received('path', filePath)}`, { path: filePath, nodeName: name });
          }
          return { name: weightName, shape: [...(dataset.shape ?? [])] };
        });
        layers.push({ name, weights });
      }
    } catch (error) {
      if (error instanceof LabError) throw error;
      throw damaged(filePath, 'its layer groups could not be read', error);
    }
    return { path: filePath, layers, kerasVersion: stringAttribute(root, 'keras_version') };
  } finally {
    file.close();
  }
}

/**
 * Reads the values of the named layers' weights, in each layer's `weight_names` order.
 *
 * @throws LabError `IO_BAD_FORMAT` naming the file when a dataset cannot be read (truncated).
 */
export async function readKerasWeightValues(filePath: string, layerNames: readonly string[]): Promise<Map<string, WeightArray[]>> {
  const file = await openH5(filePath, 'r').catch((error: unknown) => {
    throw damaged(filePath, 'HDF5 could not open it', error);
  });
  try {
    const root = weightsRoot(file, filePath);
    const result = new Map<string, WeightArray[]>();
    for (const name of layerNames) {
      const group = layerGroup(root, name, filePath);
      result.set(name, stringListAttribute(group, 'weight_names').map((weightName) => {
        const dataset = getDataset(group, weightName);
        if (dataset === null) throw new LabError('IO_BAD_FORMAT', `Expected weight dataset ${name}/${weightName}. ${received('path', filePath)}`, { path: filePath, nodeName: name });
        try {
          const { data, shape } = readFloatDataset(dataset, `${name}/${weightName}`);
          const size = shape.reduce((product, dim) => product * dim, 1);
          if (data.length !== size) throw new Error(`${data.length} values for shape [${shape.join(', ')}]`);
          return { name: weightName, shape, data };
        } catch (error) {
          if (error instanceof LabError) throw error;
          throw damaged(filePath, `weight ${name}/${weightName} could not be read`, error);
        }
      }));
    }
    return result;
  } finally {
    file.close();
  }
}
