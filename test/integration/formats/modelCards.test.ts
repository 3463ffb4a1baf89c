import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabService, type LabService } from '../../../main/api/labService';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { graphSource } from '../../../main/formats/exportSource';
import { writeKerasH5 } from '../../../main/formats/keras/h5Format';
import { readLayerWeights } from '../../../main/formats/layerWeights';
import { buildModelCard, FOLDER_MODEL_CARD } from '../../../main/formats/modelCard';
import { readEmbeddedModelCard } from '../../../main/formats/embeddedModelCard';
import type { ExportFormat } from '../../../common/api/methods/models';
import { syntheticDataset, tinyGraph } from '../../unit/main/engine/train/datasetFixture';
import { writeFinishedRun } from './runFixture';

let tf: Tfjs;
let root: string;
let lab: LabService;
const RUN_A = 'run-20240611-120000-aaaaaa';
const RUN_B = 'run-20240611-130000-bbbbbb';
const CLASSES_A = ['band0', 'band1', 'band2'];
const CLASSES_B = ['north', 'middle', 'south'];

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'model-cards-'));
  const dataDir = path.join(root, 'data');
  lab = await createLabService({ dataDir, allowedRoots: [root], backend: 'wasm' });
  const b = syntheticDataset({ count: 120, seed: 2 });
  b.info = { ...b.info, name: 'Compass bands', classes: CLASSES_B, fingerprint: 'compass-bands' };
  await writeFinishedRun(tf, dataDir, { runId: RUN_A, dataset: syntheticDataset({ count: 120 }), datasetFolder: 'bands-a', graph: tinyGraph(), weightSeed: 3 });
  await writeFinishedRun(tf, dataDir, { runId: RUN_B, dataset: b, datasetFolder: 'bands-b', graph: tinyGraph(), weightSeed: 4 });
});

afterAll(async () => {
  lab.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
}

describe('model cards belong to their model', () => {
  it('two exports into one folder keep both cards, and each import reads its own', async () => {
    const dir = path.join(root, 'shared');
    const a = await lab.call('exportModel', { runId: RUN_A, format: 'h5', outPath: path.join(dir, 'a.h5') });
    const b = await lab.call('exportModel', { runId: RUN_B, format: 'h5', outPath: path.join(dir, 'b.h5') });
    expect(a.modelCardPath).toBe(path.join(dir, 'a.h5.model-card.json'));
    expect(b.modelCardPath).toBe(path.join(dir, 'b.h5.model-card.json'));
    expect((await fs.readdir(dir)).sort()).toEqual(['a.h5', 'a.h5.model-card.json', 'a.h5.model-card.md', 'b.h5', 'b.h5.model-card.json', 'b.h5.model-card.md']);
    expect(await readJson(a.modelCardPath)).toMatchObject({ classNames: CLASSES_A, source: { runId: RUN_A } });
    expect(await readJson(b.modelCardPath)).toMatchObject({ classNames: CLASSES_B, source: { runId: RUN_B } });
    expect(await fs.readFile(path.join(dir, 'b.h5.model-card.md'), 'utf8')).toContain('0 = north');
    expect((await lab.call('importModel', { path: path.join(dir, 'a.h5') })).modelCard).toMatchObject({ classNames: CLASSES_A, source: { runId: RUN_A } });
    expect((await lab.call('importModel', { path: path.join(dir, 'b.h5') })).modelCard).toMatchObject({ classNames: CLASSES_B, source: { runId: RUN_B } });
  });

  it('one run exported as .h5 and .onnx beside each other keeps a card per format', async () => {
    const dir = path.join(root, 'formats');
    await lab.call('exportModel', { runId: RUN_A, format: 'h5', outPath: path.join(dir, 'model.h5') });
    await lab.call('exportModel', { runId: RUN_A, format: 'onnx', outPath: path.join(dir, 'model.onnx') });
    expect(await readJson(path.join(dir, 'model.h5.model-card.json'))).toMatchObject({ format: 'h5' });
    expect(await readJson(path.join(dir, 'model.onnx.model-card.json'))).toMatchObject({ format: 'onnx' });
  });

  it.each(['h5', 'keras', 'onnx', 'tfjs'] as const)('%s carries its card inside the file, so a copy without the card files still has it', async (format: ExportFormat) => {
    const dir = path.join(root, `embedded-${format}`);
    const outPath = path.join(dir, format === 'tfjs' ? 'tfjs-model' : `model.${format}`);
    const result = await lab.call('exportModel', { runId: RUN_B, format, outPath });
    const modelFile = format === 'tfjs' ? path.join(outPath, 'model.json') : outPath;
    expect(await readEmbeddedModelCard(format, modelFile)).toEqual(await readJson(result.modelCardPath));
    if (format === 'onnx') return;
    // Moved alone to another folder: the import still finds the card inside.
    const moved = path.join(root, `moved-${format}`);
    await fs.mkdir(moved, { recursive: true });
    if (format === 'tfjs') await fs.cp(outPath, path.join(moved, 'tfjs-model'), { recursive: true, filter: (source) => !source.includes('.model-card.') });
    else await fs.copyFile(outPath, path.join(moved, path.basename(outPath)));
    const imported = await lab.call('importModel', { path: path.join(moved, format === 'tfjs' ? 'tfjs-model' : path.basename(outPath)) });
    expect(imported.modelCard).toMatchObject({ format, classNames: CLASSES_B, source: { runId: RUN_B } });
  });

  it.each(['h5', 'keras'] as const)('a pretrained base\'s preprocessing comes back from a %s file\'s card into the imported graph', async (format) => {
    const graph = tinyGraph();
    const withBase = { ...graph, metadata: { ...graph.metadata, inputPreprocessing: { module: 'mobilenet_v2', mode: 'tf' } as const } };
    const outPath = path.join(root, 'preprocessing', `model.${format}`);
    await lab.call('exportModel', { graph: withBase, format, outPath });
    const imported = await lab.call('importModel', { path: outPath });
    expect(imported.modelCard?.inputPreprocessing).toMatchObject({ module: 'mobilenet_v2', mode: 'tf', scale: [1 / 127.5] });
    expect(imported.graph.metadata.inputPreprocessing).toEqual({ module: 'mobilenet_v2', mode: 'tf' });
    const plain = path.join(root, 'preprocessing', `plain.${format}`);
    await lab.call('exportModel', { graph, format, outPath: plain });
    expect((await lab.call('importModel', { path: plain })).graph.metadata.inputPreprocessing).toBeUndefined();
  });

  it('a folder written by the previous version (one model-card.json) still imports, for the format it describes only', async () => {
    const dir = path.join(root, 'previous');
    await fs.mkdir(dir, { recursive: true });
    const source = graphSource(tinyGraph(), tf, 1);
    try {
      await writeKerasH5(path.join(dir, 'old.h5'), source.graph, readLayerWeights(source.graph, source.model), null);
      await fs.writeFile(path.join(dir, FOLDER_MODEL_CARD), JSON.stringify(buildModelCard(source, 'h5', null, null)));
    } finally {
      source.model.dispose();
    }
    expect(await readEmbeddedModelCard('h5', path.join(dir, 'old.h5'))).toBeNull();
    expect((await lab.call('importModel', { path: path.join(dir, 'old.h5') })).modelCard).toMatchObject({ format: 'h5', modelName: 'tiny' });
    await lab.call('exportModel', { graph: tinyGraph(), format: 'keras', outPath: path.join(dir, 'other.keras') });
    await fs.rm(path.join(dir, 'other.keras.model-card.json'));
    const keras = await lab.call('importModel', { path: path.join(dir, 'other.keras') });
    expect(keras.modelCard).toMatchObject({ format: 'keras' });
  });
});

describe('renamed classes', () => {
  it('reach the run evaluation, exports and the model card; the dataset keeps its fingerprint', async () => {
    const evaluated = await lab.call('evaluateRun', { runId: RUN_A });
    expect(evaluated.classes).toEqual(CLASSES_A);
    const before = await lab.call('getDatasetInfo', { id: 'bands-a' });
    const renamed = await lab.call('renameClasses', { id: 'bands-a', classes: ['top', ' centre ', 'bottom'] });
    expect(renamed.classes).toEqual(['top', 'centre', 'bottom']);
    expect(renamed.fingerprint).toBe(before.fingerprint);
    const run = await lab.call('getRun', { runId: RUN_A });
    expect(run.evaluation?.classes).toEqual(['top', 'centre', 'bottom']);
    expect(run.evaluation?.perClass.map((row) => row.className)).toEqual(['top', 'centre', 'bottom']);
    expect((await lab.call('evaluateRun', { runId: RUN_A })).classes).toEqual(['top', 'centre', 'bottom']);
    const exported = await lab.call('exportModel', { runId: RUN_A, format: 'keras-script', outPath: path.join(root, 'renamed', 'train.py') });
    expect(await readJson(exported.modelCardPath)).toMatchObject({ classNames: ['top', 'centre', 'bottom'] });
    expect(await fs.readFile(path.join(root, 'renamed', 'train.py'), 'utf8')).toContain('CLASS_NAMES = ["top", "centre", "bottom"]');
  });

  it('refuses a wrong count or a repeated name (API_BAD_INPUT)', async () => {
    await expect(lab.call('renameClasses', { id: 'bands-b', classes: ['one', 'two'] })).rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { field: 'classes' } });
    await expect(lab.call('renameClasses', { id: 'bands-b', classes: ['a', 'b', 'a'] })).rejects.toMatchObject({ code: 'API_BAD_INPUT', details: { received: 'a' } });
    await expect(lab.call('renameClasses', { id: 'bands-b', classes: ['a', '', 'c'] })).rejects.toMatchObject({ code: 'API_BAD_INPUT' });
    expect((await lab.call('getDatasetInfo', { id: 'bands-b' })).classes).toEqual(CLASSES_B);
  });
});
