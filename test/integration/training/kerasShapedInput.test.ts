import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hyperparametersSchema } from '../../../common/training/hyperparameters';
import type { RunSpec } from '../../../common/training/runSpec';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { evaluateModel, predictFiles } from '../../../main/engine/evaluate';
import { checkGraphFitsDataset } from '../../../main/engine/train/graphFit';
import { Trainer } from '../../../main/engine/train/trainer';
import { openDatasetCache, type DatasetCache } from '../../../main/data/datasetCache';
import { createRunDir, readHistory } from '../../../main/project/runRepository';
import { kerasConfigToGraph } from '../../../main/formats/keras/kerasGraphImport';
import { runSource } from '../../../main/formats/exportSource';
import { exportModelFiles } from '../../../main/formats/exportModel';
import { importModelFile } from '../../../main/formats/importModel';
import { modelProtoType } from '../../../main/formats/onnx/onnxSchema';
import type { ModelGraph } from '../../../common/graph/schema';
import { syntheticDataset, writeDatasetCache } from '../../unit/main/engine/train/datasetFixture';

/** What Keras's `model.to_json()` writes for `Sequential([Flatten(input_shape=[8, 8]), Dense(16, relu), Dense(3, softmax)])`. */
const KERAS_MLP = {
  class_name: 'Sequential',
  config: {
    name: 'mlp',
    layers: [
      { class_name: 'Flatten', config: { name: 'flatten', trainable: true, batch_input_shape: [null, 8, 8], dtype: 'float32', data_format: 'channels_last' } },
      { class_name: 'Dense', config: { name: 'dense', trainable: true, units: 16, activation: 'relu', use_bias: true } },
      { class_name: 'Dense', config: { name: 'dense_1', trainable: true, units: 3, activation: 'softmax', use_bias: true } },
    ],
  },
  keras_version: '2.15.0',
  backend: 'tensorflow',
};

let tf: Tfjs;
let root: string;
let graph: ModelGraph;
let cache: DatasetCache;
let runDir: string;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'cpu' }));
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'keras-shaped-'));
  const dataset = syntheticDataset({ count: 120 });
  const cacheDir = await writeDatasetCache(path.join(root, 'datasets', 'bands'), dataset);
  cache = await openDatasetCache(cacheDir);
  graph = kerasConfigToGraph(KERAS_MLP);
  const now = new Date().toISOString();
  const spec: RunSpec = {
    schemaVersion: 1, id: 'run-keras-shaped', name: 'mlp on bands', createdAt: now, graph,
    dataset: { id: 'bands', name: dataset.info.name, cacheDir, fingerprint: dataset.info.fingerprint, classes: dataset.info.classes, imageShape: dataset.info.imageShape },
    hyperparameters: hyperparametersSchema.parse({ epochs: 4, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } }),
    backendPreference: null, backend: null, status: 'queued', epochsCompleted: 0, best: null, last: null, endReason: null, updatedAt: now,
  };
  runDir = await createRunDir(path.join(root, 'runs'), spec);
});

afterAll(async () => {
  cache.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

describe('a Keras model whose input is (H, W)', () => {
  it('takes grayscale H×W×1 images, and only those', () => {
    expect(graph.nodes.find((node) => node.type === 'Input')?.params['shape']).toEqual([8, 8]);
    expect(() => checkGraphFitsDataset(graph, cache.info)).not.toThrow();
    expect(() => checkGraphFitsDataset(graph, { ...cache.info, imageShape: [8, 8, 3] })).toThrow(expect.objectContaining({ code: 'TRAIN_BAD_CONFIG' }));
    expect(() => checkGraphFitsDataset(graph, { ...cache.info, imageShape: [9, 8, 1] })).toThrow(expect.objectContaining({ code: 'TRAIN_BAD_CONFIG' }));
  });

  it('trains on them, evaluates and predicts', async () => {
    const hyperparameters = hyperparametersSchema.parse({ epochs: 4, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } });
    const model = compileGraph(graph, tf, { seed: 1 });
    const result = await new Trainer({
      tf, model, cache, hyperparameters, runId: 'run-keras-shaped', runDir, backend: (await initBackend({ preference: 'cpu' })).report,
      emit: () => undefined, batchEventIntervalMs: 0,
    }).run();
    expect(result).toMatchObject({ reason: 'completed', epochsCompleted: 4 });
    expect((await readHistory(runDir)).at(-1)?.logs['val_accuracy']).toBeGreaterThan(0.9);
    const spec = { hyperparameters, graph, dataset: { classes: cache.info.classes } } as unknown as RunSpec;
    const evaluation = await evaluateModel({ tf, model, cache, spec, checkpoint: 'best', misclassified: 4, topK: 1 });
    expect(evaluation.accuracy).toBeGreaterThan(0.9);
    // Band 1 lights rows 2 and 3 of the 8×8 image.
    const image = path.join(root, 'band1.png');
    await sharp(Buffer.from(Array.from({ length: 64 }, (_, i) => (Math.floor(i / 8) >= 2 && Math.floor(i / 8) < 4 ? 200 : 30))), { raw: { width: 8, height: 8, channels: 1 } }).png().toFile(image);
    const [prediction] = await predictFiles(tf, model, [image], cache.info.preprocessing, cache.info.imageShape, cache.info.classes, 3, false);
    expect(prediction?.className).toBe('band1');
    model.dispose();
  });

  it.each(['h5', 'keras', 'tfjs', 'onnx'] as const)('exports to %s with its own (H, W) input, verified on the test images', async (format) => {
    const source = await runSource(runDir, 'best', tf);
    try {
      const outPath = path.join(root, 'exports', format === 'tfjs' ? 'tfjs' : `mlp.${format}`);
      const exported = await exportModelFiles(source, { format, outPath, samples: 8 });
      expect(exported.verification).toMatchObject({ inputs: 'test-split', samples: 8 });
      expect(exported.verification?.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      if (format === 'onnx') {
        const model = modelProtoType().decode(await fs.readFile(outPath)) as unknown as { graph: { input: { type: { tensor_type: { shape: { dim: unknown[] } } } }[] } };
        expect(model.graph.input[0]?.type.tensor_type.shape.dim).toHaveLength(3);
      } else {
        const imported = await importModelFile(outPath, tf);
        expect(imported.graph.nodes.find((node) => node.type === 'Input')?.params['shape']).toEqual([8, 8]);
      }
    } finally {
      source.model.dispose();
    }
  });
});
