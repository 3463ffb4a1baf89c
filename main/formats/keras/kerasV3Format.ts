import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { ModelGraph } from '../../../common/graph/schema';
import { LabError, received } from '../../../common/errors';
import type { LayerWeights } from '../layerWeights';
import { kerasModelConfig } from './kerasModelConfig';
import { kerasLayerOrder } from './kerasLayerOrder';
import { kerasClassOf } from './kerasModelConfig';
import { kerasLayoutToGraph, readKerasConfigLayout, type KerasLayerEntry } from './kerasGraphImport';
import { ensureGroup, openH5, writeFloatDataset } from './h5Access';
import type { KerasImport } from './h5Format';
import { readHdf5Isolated } from './hdf5Isolation';
import { parseJsonText } from '../fileErrors';

/** The Keras 3 version whose `.keras` layout is written. */
export const KERAS3_VERSION = '3.6.0';

/** Files inside a `.keras` archive (keras/src/saving/saving_lib.py). */
export const KERAS_ARCHIVE_FILES = { config: 'config.json', metadata: 'metadata.json', weights: 'model.weights.h5' } as const;

/** Keras's `naming.to_snake_case`: the name a layer's state has inside `model.weights.h5`. */
export function kerasSnakeCase(name: string): string {
  const cleaned = name.replace(/\W+/g, '');
  return cleaned.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Paths of each layer's variables in `model.weights.h5`: Keras saves the `layers` list of a
 * model as `layers/<snake_case(class)>[_n]/vars`, numbering repeats of a class in order.
 */
export function kerasVariablePaths(classNames: readonly string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((className) => {
    const base = kerasSnakeCase(className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    return `layers/${count === undefined ? base : `${base}_${count + 1}`}/vars`;
  });
}

/** A scratch directory for the weights file h5wasm needs on disk. */
async function withScratchFile<T>(run: (file: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'model-lab-keras-'));
  try {
    return await run(path.join(dir, KERAS_ARCHIVE_FILES.weights));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Builds a Keras 3 `.keras` archive: `metadata.json`, `config.json` (the serialised
 * functional model) and `model.weights.h5` with `layers/<name>/vars/<i>` datasets.
 *
 * @returns the archive bytes
 */
export async function buildKerasArchive(graph: ModelGraph, weights: readonly LayerWeights[], now = new Date()): Promise<Uint8Array> {
  const order = kerasLayerOrder(graph);
  const paths = kerasVariablePaths(order.map(kerasClassOf));
  const byLayer = new Map(weights.map((entry) => [entry.layer, entry]));
  const weightBytes = await withScratchFile(async (file) => {
    const h5 = await openH5(file, 'w');
    try {
      h5.create_group('vars');
      order.forEach((node, index) => {
        const vars = ensureGroup(h5, paths[index] as string);
        (byLayer.get(node.name)?.weights ?? []).forEach((weight, i) => writeFloatDataset(vars, String(i), weight.data, weight.shape));
      });
    } finally {
      h5.close();
    }
    return new Uint8Array(await fs.readFile(file));
  });
  const stamp = now.toISOString().slice(0, 19).replace('T', '@');
  return zipSync({
    [KERAS_ARCHIVE_FILES.metadata]: strToU8(JSON.stringify({ keras_version: KERAS3_VERSION, date_saved: stamp })),
    [KERAS_ARCHIVE_FILES.config]: strToU8(JSON.stringify(kerasModelConfig(graph, 'keras3'))),
    [KERAS_ARCHIVE_FILES.weights]: weightBytes,
  });
}

/**
 * Puts the variables read from an archive's weights file onto their layers: Keras saves
 * the `layers` list of a model as `layers/<snake_case(class)>[_n]/vars`, in order.
 */
function archiveGroupPaths(layers: readonly KerasLayerEntry[], sequential: boolean): { saved: KerasLayerEntry[]; paths: string[] } {
  // Sequential.layers leaves out its InputLayer, so it takes no place in the numbering.
  const saved = sequential ? layers.filter((layer) => layer.className !== 'InputLayer') : [...layers];
  return { saved, paths: kerasVariablePaths(saved.map((layer) => layer.className)) };
}

/**
 * Reads a Keras 3 `.keras` archive (written by Keras or Model Lab) into a graph and its
 * weights. Weight names are positions (`0`, `1`, ...), in each layer's Keras order.
 *
 * @throws LabError `IO_BAD_FORMAT` when the archive lacks config.json or is not a zip;
 *   `LAYER_UNSUPPORTED` naming a layer the catalog lacks.
 */
export async function readKerasArchive(filePath: string): Promise<KerasImport> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(await fs.readFile(filePath)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LabError('IO_NOT_FOUND', `Expected a .keras file. ${received('path', filePath)}`, { path: filePath });
    throw new LabError('IO_BAD_FORMAT', `Expected a .keras zip archive. ${received('path', filePath)}`, { path: filePath });
  }
  const configBytes = files[KERAS_ARCHIVE_FILES.config];
  if (configBytes === undefined) throw new LabError('IO_BAD_FORMAT', `Expected ${KERAS_ARCHIVE_FILES.config} inside the .keras archive. ${received('files', Object.keys(files))}`, { path: filePath });
  const layout = readKerasConfigLayout(parseJsonText(strFromU8(configBytes), `${KERAS_ARCHIVE_FILES.config} of the archive`, filePath));
  const graph = kerasLayoutToGraph(layout);
  const metadataBytes = files[KERAS_ARCHIVE_FILES.metadata];
  const metadata = metadataBytes === undefined ? null : parseJsonText(strFromU8(metadataBytes), `${KERAS_ARCHIVE_FILES.metadata} of the archive`, filePath);
  const savedVersion = typeof metadata === 'object' && metadata !== null ? (metadata as { keras_version?: unknown }).keras_version : undefined;
  const kerasVersion = typeof savedVersion === 'string' ? savedVersion : null;
  const weightBytes = files[KERAS_ARCHIVE_FILES.weights];
  if (weightBytes === undefined) return { graph, weights: [], kerasVersion };
  const types = new Map(graph.nodes.map((node) => [node.name, node.type]));
  const { saved, paths } = archiveGroupPaths(layout.layers, layout.kind === 'Sequential');
  const variables = await withScratchFile(async (file) => {
    await fs.writeFile(file, weightBytes);
    return readHdf5Isolated({ kind: 'archive-variables', file, groupPaths: paths }, filePath);
  });
  const weights: LayerWeights[] = [];
  saved.forEach((layer, index) => {
    const values = variables[index];
    if (values === null || values === undefined || values.length === 0) return;
    weights.push({ layer: layer.name, type: types.get(layer.name) ?? layer.className, weights: values });
  });
  return { graph, weights, kerasVersion };
}
