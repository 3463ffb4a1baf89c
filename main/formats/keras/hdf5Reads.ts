import h5wasm from 'h5wasm/node';
import { LabError, received } from '../../../common/errors';
import type { WeightArray } from '../layerWeights';
import { getDataset, getGroup, openH5, readFloatDataset, stringAttribute, stringListAttribute } from './h5Access';

/** The weights file inside a .keras archive, as errors name it. */
const KERAS_WEIGHTS_MEMBER = 'model.weights.h5';

/**
 * The HDF5 side of reading Keras files: plain reads of attributes and datasets, with no
 * knowledge of layers or the catalog, so that the worker thread that runs them loads
 * little and a damaged file costs only that thread (see hdf5Isolation.ts).
 */

/** What a Keras 2 `.h5` model file holds, before its config is interpreted. */
export interface KerasH5Contents {
  /** The `model_config` attribute (JSON text), null for a weights-only file. */
  modelConfig: string | null;
  /** True for a weights-only file (layers listed at the root, as Keras Applications' ImageNet weights). */
  weightsOnly: boolean;
  kerasVersion: string | null;
  /** Each layer group under `model_weights` with its weights in `weight_names` order, as [layer, weights] pairs. */
  layers: [string, WeightArray[]][];
}

/**
 * Reads a tf.keras `.h5` model: its root attributes and, for each layer listed in
 * `model_weights`' `layer_names` (its groups when the list is missing), the datasets its
 * `weight_names` attribute names, keeping those full names.
 *
 * @throws LabError `IO_BAD_FORMAT` naming the layer and the missing weight dataset.
 */
export async function readKerasH5Contents(filePath: string): Promise<KerasH5Contents> {
  const file = await openH5(filePath, 'r');
  try {
    const modelConfig = stringAttribute(file, 'model_config');
    const kerasVersion = stringAttribute(file, 'keras_version');
    const root = getGroup(file, 'model_weights');
    const layers: [string, WeightArray[]][] = [];
    if (root !== null) {
      const listed = stringListAttribute(root, 'layer_names');
      for (const layer of listed.length > 0 ? listed : root.keys()) {
        const group = getGroup(root, layer);
        if (group === null) continue;
        const weights = stringListAttribute(group, 'weight_names').map((weightName) => {
          const dataset = getDataset(group, weightName);
          if (dataset === null) throw new LabError('IO_BAD_FORMAT', `Expected weight dataset model_weights/${layer}/${weightName}. ${received('path', filePath)}`, { path: filePath, nodeName: layer });
          return { name: weightName, ...readFloatDataset(dataset, weightName) };
        });
        layers.push([layer, weights]);
      }
    }
    return { modelConfig, weightsOnly: modelConfig === null && 'layer_names' in file.attrs, kerasVersion, layers };
  } finally {
    file.close();
  }
}

/**
 * Reads the variables of each `layers/<name>/vars` group of a Keras 3 `model.weights.h5`:
 * the datasets named `0`, `1`, ... in number order, or null for a group that is not there.
 *
 * @param filePath the weights file written out of the archive
 * @param archivePath the .keras archive, which errors name
 * @throws LabError `IO_BAD_FORMAT` naming a numbered entry that is not a dataset.
 */
export async function readArchiveVariables(filePath: string, groupPaths: readonly string[], archivePath: string): Promise<(WeightArray[] | null)[]> {
  const h5 = await openH5(filePath, 'r', archivePath);
  try {
    return groupPaths.map((groupPath) => {
      const vars = getGroup(h5, groupPath);
      if (vars === null) return null;
      const keys = vars.keys().filter((key) => /^\d+$/.test(key)).sort((a, b) => Number(a) - Number(b));
      return keys.map((key) => {
        const dataset = vars.get(key);
        if (!(dataset instanceof h5wasm.Dataset)) throw new LabError('IO_BAD_FORMAT', `Expected a dataset at ${groupPath}/${key} of ${KERAS_WEIGHTS_MEMBER}. ${received('path', archivePath)}`, { path: archivePath, field: `${groupPath}/${key}` });
        return { name: key, ...readFloatDataset(dataset, `${groupPath}/${key}`) };
      });
    });
  } finally {
    h5.close();
  }
}

/** The root string attributes `names` of an HDF5 file, as [name, value] pairs (value null when absent). */
export async function readRootAttributes(filePath: string, names: readonly string[]): Promise<[string, string | null][]> {
  const file = await openH5(filePath, 'r');
  try {
    return names.map((name) => [name, stringAttribute(file, name)]);
  } finally {
    file.close();
  }
}
