import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { createRandom } from '../../../main/data/random';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { graphSource } from '../../../main/formats/exportSource';
import { importModelFile } from '../../../main/formats/importModel';
import { readLayerWeights } from '../../../main/formats/layerWeights';
import { writeKerasH5 } from '../../../main/formats/keras/h5Format';
import { TFJS_FILES, writeTfjsModel } from '../../../main/formats/tfjsFormat';
import { mutateBytes } from './mutations';
import { smallCnnGraph } from './formatFixtures';

/** The damaged files the import fuzzers first found, each answered with a named error. */

let tf: Tfjs;
let root: string;
let validH5: Buffer;
let modelJson: Record<string, unknown> & { modelTopology: { config: { layers: { inbound_nodes: unknown[] }[] } } };
let shard: Buffer;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'cpu' }));
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'import-errors-'));
  const graph = smallCnnGraph();
  const source = graphSource(graph, tf, 3);
  try {
    await writeKerasH5(path.join(root, 'valid.h5'), graph, readLayerWeights(graph, source.model), null);
    await writeTfjsModel(source.model, path.join(root, 'valid-tfjs'), tf);
  } finally {
    source.model.dispose();
  }
  validH5 = await fs.readFile(path.join(root, 'valid.h5'));
  modelJson = JSON.parse(await fs.readFile(path.join(root, 'valid-tfjs', TFJS_FILES.model), 'utf8')) as typeof modelJson;
  shard = await fs.readFile(path.join(root, 'valid-tfjs', TFJS_FILES.weights));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A TF.js model folder with this model.json and `bin` as its shard. */
async function tfjsFolder(name: string, json: unknown, bin: Uint8Array = shard): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  await fs.writeFile(path.join(dir, TFJS_FILES.model), JSON.stringify(json));
  await fs.writeFile(path.join(dir, TFJS_FILES.weights), bin);
  return path.join(dir, TFJS_FILES.model);
}

async function failure(file: string): Promise<LabError> {
  const error = await importModelFile(file, tf).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LabError);
  return error as LabError;
}

describe('damaged TF.js model folders', () => {
  it('names a weightsManifest that is not a list (was: json.weightsManifest is not iterable)', async () => {
    const file = await tfjsFolder('manifest-object', { ...modelJson, weightsManifest: {} });
    const error = await failure(file);
    expect(error).toMatchObject({ code: 'IO_BAD_FORMAT', details: { path: file, field: 'weightsManifest' } });
  });

  it('names a shard shorter than its manifest says (was: Invalid typed array length)', async () => {
    const file = await tfjsFolder('short-shard', modelJson, shard.subarray(0, shard.length - 8));
    const error = await failure(file);
    expect(error).toMatchObject({ code: 'IO_BAD_FORMAT', details: { path: file } });
    expect(error.message).toContain(`files hold ${shard.length - 8}`);
  });

  it('refuses a malformed inbound node instead of looping while building the model', async () => {
    const damaged = structuredClone(modelJson);
    const layer = damaged.modelTopology.config.layers[5] as { inbound_nodes: unknown[][] };
    (layer.inbound_nodes[0] as unknown[])[0] = 2 ** 53;
    const file = await tfjsFolder('bad-inbound', damaged);
    const error = await failure(file);
    expect(error).toMatchObject({ code: 'IO_BAD_FORMAT', details: { path: file, field: 'inbound_nodes' } });
  });
});

describe('damaged Keras .h5 files', () => {
  /** The damaged file of the .h5 fuzzer's case `index` (a byte-level case). */
  async function damagedH5(name: string, index: number): Promise<string> {
    const random = createRandom(index * 7919 + 'h5'.length);
    expect(random.int(3), 'a byte-level case').not.toBe(0);
    const file = path.join(root, name);
    await fs.writeFile(file, mutateBytes(validH5, random, 8192));
    return file;
  }

  // First of the HDF5 cases: whether HDF5 aborts on this file depends on the reader's state, so it meets a fresh one.
  it('names a file that aborts HDF5, and reads the next file', async () => {
    const aborting = await damagedH5('aborting.h5', 150);
    const error = await failure(aborting);
    expect(error).toMatchObject({ code: 'IO_BAD_FORMAT', details: { path: aborting } });
    expect(error.message).toContain('Aborted');
    const valid = await importModelFile(path.join(root, 'valid.h5'), tf);
    expect(valid.weights.length).toBeGreaterThan(0);
  });

  it('gives up on a file that makes HDF5 loop, names it, and reads the next file', async () => {
    const looping = await damagedH5('looping.h5', 21);
    const error = await failure(looping);
    expect(error).toMatchObject({ code: 'IO_BAD_FORMAT', details: { path: looping } });
    expect(error.message).toContain('did not finish');
    const valid = await importModelFile(path.join(root, 'valid.h5'), tf);
    expect(valid.weights.length).toBeGreaterThan(0);
  });

  it('names damaged metadata with what HDF5 found wrong, without source paths of HDF5 itself', async () => {
    const file = await damagedH5('checksum.h5', 96);
    const error = await failure(file);
    expect(error).toMatchObject({ code: 'IO_BAD_FORMAT', details: { path: file } });
    expect(error.message).toContain('checksum');
    expect(error.message).not.toMatch(/hdf5-src|\.c line/);
  });
});
