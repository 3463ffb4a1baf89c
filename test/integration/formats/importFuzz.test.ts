import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LabError } from '../../../common/errors';
import { createRandom, type SeededRandom } from '../../../main/data/random';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { graphSource } from '../../../main/formats/exportSource';
import { importModelFile } from '../../../main/formats/importModel';
import { readLayerWeights } from '../../../main/formats/layerWeights';
import { writeKerasH5 } from '../../../main/formats/keras/h5Format';
import { buildKerasArchive, KERAS_ARCHIVE_FILES } from '../../../main/formats/keras/kerasV3Format';
import { TFJS_FILES, writeTfjsModel } from '../../../main/formats/tfjsFormat';
import { mutateBytes, mutateJson } from './mutations';
import { smallCnnGraph } from './formatFixtures';

/** Mutated files per format: enough to reach every parser branch the seeds found, seconds to run. */
const MUTATIONS = 200;
/**
 * Fewer for .h5: about one damaged HDF5 file in thirty makes HDF5 loop, which costs the
 * reader's two-second deadline and a new reader thread (the .keras cases damage HDF5 too).
 */
const H5_MUTATIONS = 150;
/** A fuzz run's limit: hundreds of reads, on a machine other tests keep busy. */
const FUZZ_TIMEOUT_MS = 240_000;
/** Bytes at the start of an HDF5 file that hold its superblock and object headers. */
const H5_METADATA_BYTES = 8192;

let tf: Tfjs;
let root: string;
const valid: { h5: Uint8Array; keras: Uint8Array; modelJson: Record<string, unknown>; shard: Uint8Array; kerasConfig: unknown } = { h5: new Uint8Array(), keras: new Uint8Array(), modelJson: {}, shard: new Uint8Array(), kerasConfig: {} };

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'cpu' }));
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'import-fuzz-'));
  const graph = smallCnnGraph();
  const source = graphSource(graph, tf, 3);
  try {
    const weights = readLayerWeights(graph, source.model);
    const h5File = path.join(root, 'valid.h5');
    await writeKerasH5(h5File, graph, weights, null);
    valid.h5 = new Uint8Array(await fs.readFile(h5File));
    valid.keras = await buildKerasArchive(graph, weights);
    valid.kerasConfig = JSON.parse(strFromU8(unzipSync(valid.keras)[KERAS_ARCHIVE_FILES.config] as Uint8Array)) as unknown;
    const tfjsDir = path.join(root, 'valid-tfjs');
    await writeTfjsModel(source.model, tfjsDir, tf);
    valid.modelJson = JSON.parse(await fs.readFile(path.join(tfjsDir, TFJS_FILES.model), 'utf8')) as Record<string, unknown>;
    valid.shard = new Uint8Array(await fs.readFile(path.join(tfjsDir, TFJS_FILES.weights)));
  } finally {
    source.model.dispose();
  }
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** What an import of a damaged file may answer: success, or a named error that is not INTERNAL. */
interface Outcome {
  ok: boolean;
  code?: string;
  message?: string;
  path?: unknown;
}

async function importOutcome(file: string): Promise<Outcome> {
  try {
    await importModelFile(file, tf);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof LabError)) return { ok: false, code: `raw ${(error as Error)?.constructor?.name}`, message: String((error as Error)?.message ?? error) };
    return { ok: false, code: error.code, message: error.message, path: error.details?.path };
  }
}

/**
 * Imports `cases` damaged files and checks every answer: no raw error, no INTERNAL, an
 * IO_BAD_FORMAT that names the file, and nothing printed to stderr (HDF5-DIAG traces).
 */
async function fuzz(label: string, cases: number, write: (random: SeededRandom, index: number) => Promise<string>): Promise<void> {
  const printed: string[] = [];
  const spies = [
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { printed.push(String(chunk)); return true; }),
    vi.spyOn(console, 'error').mockImplementation((...args) => { printed.push(args.join(' ')); }),
    vi.spyOn(console, 'warn').mockImplementation((...args) => { printed.push(args.join(' ')); }),
  ];
  const failures: string[] = [];
  try {
    for (let index = 0; index < cases; index++) {
      const random = createRandom(index * 7919 + label.length);
      const file = await write(random, index);
      const outcome = await importOutcome(file);
      if (outcome.ok) continue;
      const named = outcome.code === 'IO_BAD_FORMAT' ? outcome.path === file || (outcome.message ?? '').includes(path.basename(file)) : true;
      if (outcome.code === 'INTERNAL' || outcome.code?.startsWith('raw') || !named) failures.push(`${label} #${index}: ${outcome.code}: ${outcome.message?.slice(0, 300)}`);
    }
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);
  expect(printed.filter((text) => text.includes('HDF5-DIAG')), 'HDF5-DIAG printed').toEqual([]);
}

/** A fresh folder per case, so a damaged file never meets another case's files. */
async function caseDir(label: string, index: number): Promise<string> {
  const dir = path.join(root, label, String(index));
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** Writes a Keras .h5 file whose model_config attribute is `config` (the rest as `valid.h5`). */
async function h5WithConfig(file: string, config: unknown): Promise<void> {
  await fs.writeFile(file, valid.h5);
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'a');
  try {
    h5.delete_attribute('model_config');
    h5.create_attribute('model_config', JSON.stringify(config));
  } finally {
    h5.close();
  }
}

describe('importing damaged model files', () => {
  it(`turns ${H5_MUTATIONS} damaged Keras .h5 files into named errors`, async () => {
    const h5Config = await (async () => {
      await h5wasm.ready;
      const file = path.join(root, 'config-source.h5');
      await fs.writeFile(file, valid.h5);
      const h5 = new h5wasm.File(file, 'r');
      try {
        return JSON.parse(String(h5.get_attribute('model_config', true))) as unknown;
      } finally {
        h5.close();
      }
    })();
    await fuzz('h5', H5_MUTATIONS, async (random, index) => {
      const file = path.join(await caseDir('h5', index), 'model.h5');
      if (random.int(3) === 0) await h5WithConfig(file, mutateJson(h5Config, random));
      else await fs.writeFile(file, mutateBytes(valid.h5, random, H5_METADATA_BYTES));
      return file;
    });
  }, FUZZ_TIMEOUT_MS);

  it(`turns ${MUTATIONS} damaged Keras 3 .keras archives into named errors`, async () => {
    const files = unzipSync(valid.keras);
    await fuzz('keras', MUTATIONS, async (random, index) => {
      const file = path.join(await caseDir('keras', index), 'model.keras');
      const kind = random.int(3);
      if (kind === 0) await fs.writeFile(file, mutateBytes(valid.keras, random));
      else if (kind === 1) await fs.writeFile(file, zipSync({ ...files, [KERAS_ARCHIVE_FILES.config]: strToU8(JSON.stringify(mutateJson(valid.kerasConfig, random))) }));
      else await fs.writeFile(file, zipSync({ ...files, [KERAS_ARCHIVE_FILES.weights]: mutateBytes(files[KERAS_ARCHIVE_FILES.weights] as Uint8Array, random, H5_METADATA_BYTES) }));
      return file;
    });
  }, FUZZ_TIMEOUT_MS);

  it(`turns ${MUTATIONS} damaged TF.js model folders into named errors`, async () => {
    await fuzz('tfjs', MUTATIONS, async (random, index) => {
      const dir = await caseDir('tfjs', index);
      const kind = random.int(4);
      const modelJson = kind <= 1 ? JSON.stringify(mutateJson(valid.modelJson, random)) : JSON.stringify(valid.modelJson);
      await fs.writeFile(path.join(dir, TFJS_FILES.model), kind === 2 ? mutateBytes(strToU8(modelJson), random) : modelJson);
      await fs.writeFile(path.join(dir, TFJS_FILES.weights), kind === 3 ? mutateBytes(valid.shard, random) : valid.shard);
      return path.join(dir, TFJS_FILES.model);
    });
  }, FUZZ_TIMEOUT_MS);
});
