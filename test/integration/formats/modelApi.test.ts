import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../common/api/events';
import { GraphBuilder } from '../../../common/templates/builder';
import { createLabService, type LabService } from '../../../main/api/labService';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { graphSource } from '../../../main/formats/exportSource';
import { exportModelFiles } from '../../../main/formats/exportModel';
import { importModelFile } from '../../../main/formats/importModel';
import { modelFromImport } from '../../../main/formats/verifyExport';
import { maxAbsDifference, predict } from '../../../main/formats/exportSource';
import { main } from '../../../main/cli';
import { bufferIo } from '../../unit/main/cli/bufferIo';
import { syntheticDataset, tinyGraph } from '../../unit/main/engine/train/datasetFixture';
import { writeFinishedRun } from './runFixture';
import { randomizeWeights, smallCnnGraph } from './formatFixtures';

let tf: Tfjs;
let root: string;
let lab: LabService;
const RUN_ID = 'run-20240611-120000-abcdef';

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'model-api-'));
  lab = await createLabService({ dataDir: path.join(root, 'data'), allowedRoots: [root], backend: 'wasm' });
  // A finished run: dataset cache, run.json, one epoch of metrics and a best checkpoint.
  await writeFinishedRun(tf, path.join(root, 'data'), { runId: RUN_ID, dataset: syntheticDataset({ count: 120 }), datasetFolder: 'bands', graph: tinyGraph(), weightSeed: 3 });
});

afterAll(async () => {
  lab.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

describe('model LabApi methods', () => {
  it('listExportFormats names every format and how it is verified', async () => {
    const formats = await lab.call('listExportFormats', {});
    expect(formats.map((f) => f.id)).toEqual(['tfjs', 'h5', 'keras', 'onnx', 'keras-script']);
    expect(formats.find((f) => f.id === 'onnx')?.verifiedBy).toBe('onnxruntime-node');
  });

  it("exports a run's best checkpoint verified on the dataset's test images, with progress events and a model card", async () => {
    const events: LabEvent[] = [];
    const unsubscribe = lab.onEvent((event) => events.push(event));
    const outPath = path.join(root, 'exports', 'run.onnx');
    const result = await lab.call('exportModel', { runId: RUN_ID, format: 'onnx', outPath });
    unsubscribe();
    expect(result.verification).toMatchObject({ runtime: 'onnxruntime-node', inputs: 'test-split' });
    expect(result.verification?.samples).toBeGreaterThan(0);
    expect(result.verification?.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    const stages = events.flatMap((e) => (e.type === 'export.progress' ? [e.stage] : []));
    expect(stages).toEqual(['loading', 'writing', 'verifying', 'done']);
    const card = JSON.parse(await fs.readFile(result.modelCardPath, 'utf8')) as Record<string, unknown>;
    expect(card).toMatchObject({
      format: 'onnx', classNames: ['band0', 'band1', 'band2'], inputShape: [8, 8, 1], colorMode: 'grayscale',
      dataset: { fingerprint: expect.any(String) }, metrics: { val_accuracy: 0.7 }, source: { runId: RUN_ID, checkpoint: 'best', epoch: 1 },
      hyperparameters: { epochs: 1 }, verification: { inputs: 'test-split' },
    });
    expect(result.modelCardPath).toBe(`${outPath}.model-card.json`);
    expect(await fs.readFile(`${outPath}.model-card.md`, 'utf8')).toContain('band2');
  });

  it('imports an exported .h5 with its weights and model card', async () => {
    const outPath = path.join(root, 'h5', 'run.h5');
    await lab.call('exportModel', { runId: RUN_ID, format: 'h5', outPath });
    const imported = await lab.call('importModel', { path: outPath });
    expect(imported.format).toBe('h5');
    expect(imported.hasWeights).toBe(true);
    expect(imported.graph.nodes.map((n) => n.name)).toEqual(tinyGraph().nodes.map((n) => n.name));
    expect(imported.modelCard?.classNames).toEqual(['band0', 'band1', 'band2']);
  });

  it('needs exactly one source: API_BAD_INPUT otherwise', async () => {
    await expect(lab.call('exportModel', { format: 'h5', outPath: path.join(root, 'x.h5') })).rejects.toMatchObject({ code: 'API_BAD_INPUT' });
  });

  it('names a layer ONNX cannot express with EXPORT_UNSUPPORTED_LAYER', async () => {
    const b = new GraphBuilder('thresholded');
    b.layer('Dense', { units: 2 }, b.layer('ReLU', { threshold: 0.5 }, b.input([4], 'x'), 'odd_relu'), 'out');
    await expect(lab.call('exportModel', { graph: b.build(), format: 'onnx', outPath: path.join(root, 'odd.onnx') })).rejects.toMatchObject({ code: 'EXPORT_UNSUPPORTED_LAYER', details: { nodeName: 'odd_relu' } });
  });
});

describe('round trips and write failures', () => {
  it.each(['h5', 'keras', 'tfjs'] as const)('%s: export -> import -> identical predictions', async (format) => {
    const source = graphSource(smallCnnGraph(), tf, 9);
    try {
      randomizeWeights(source.model, tf, 23);
      const outPath = path.join(root, 'roundtrip', format === 'tfjs' ? 'tfjs' : `model.${format}`);
      await exportModelFiles(source, { format, outPath, samples: 8 });
      const imported = await importModelFile(outPath, tf);
      expect(imported.modelCard?.format).toBe(format);
      const model = modelFromImport({ graph: imported.graph, weights: imported.weights, kerasVersion: null }, tf);
      const inputs = tf.randomUniform([8, 12, 12, 3], 0, 1, 'float32', 5);
      expect(maxAbsDifference(predict(source.model, inputs, tf), predict(model, inputs, tf))).toBe(0);
      inputs.dispose();
      model.dispose();
    } finally {
      source.model.dispose();
    }
  });

  it('a full disk is IO_DISK_FULL, a forbidden folder IO_PERMISSION, a bound missed EXPORT_VERIFY_FAILED', async () => {
    const source = graphSource(tinyGraph(), tf, 1);
    try {
      await expect(exportModelFiles(source, { format: 'onnx', outPath: '/dev/full' })).rejects.toMatchObject({ code: 'IO_DISK_FULL' });
      await expect(exportModelFiles(source, { format: 'keras', outPath: '/sys/model.keras' })).rejects.toMatchObject({ code: 'IO_PERMISSION' });
      await expect(exportModelFiles(source, { format: 'h5', outPath: path.join(root, 'strict', 'm.h5'), samples: 4, tolerance: -1 })).rejects.toMatchObject({ code: 'EXPORT_VERIFY_FAILED' });
    } finally {
      source.model.dispose();
    }
  });
});

describe('model-lab export and import', () => {

  it('exports a template to .keras with verification printed, then imports it to graph.json', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'model-cli-'));
    try {
      const file = path.join(dir, 'mlp.keras');
      const exported = bufferIo();
      expect(await main(['export', 'mlp', '--format', 'keras', '--out', file], exported)).toBe(0);
      expect(exported.stdout).toMatch(/Re-read by Model Lab's \.keras reader: max \|Δ\| \S+ ≤ 1e-4 on 64 deterministic random inputs(; structure checked by h5py \S+ \(Python \S+\): Functional model config, 6 weight arrays of 3 layers with the model's shapes)?\./);
      expect(exported.stderr).toContain('[100%]');
      const imported = bufferIo();
      const graphFile = path.join(dir, 'graph.json');
      expect(await main(['import', file, '--out', graphFile], imported)).toBe(0);
      const graph = JSON.parse(await fs.readFile(graphFile, 'utf8')) as { nodes: { type: string }[] };
      expect(graph.nodes[0]?.type).toBe('Input');
      expect(imported.stderr).toContain('with weights, model card read');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown --format with API_BAD_INPUT', async () => {
    const io = bufferIo();
    expect(await main(['export', 'mlp', '--format', 'pt', '--out', '/tmp/x.pt'], io)).not.toBe(0);
    expect(io.stderr).toContain('API_BAD_INPUT');
  });
});
