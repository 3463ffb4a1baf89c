import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { importModelFile } from '../../../main/formats/importModel';
import { modelFromImport } from '../../../main/formats/verifyExport';
import { maxAbsDifference, predict } from '../../../main/formats/exportSource';
import { LabError } from '../../../common/errors';

/** Debian's Python, which has h5py (the `python3` first on PATH may not). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(__dirname, '../../fixtures/formats/keras_layout_files.py');

interface Reference {
  weights: Record<string, number[][]>;
  input: number[];
  inputShape: number[];
  output: number[];
}

let tf: Tfjs;
let dir: string;
let reference: { functional: Reference; sequential: Reference };

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
  dir = mkdtempSync(path.join(os.tmpdir(), 'keras-files-'));
  reference = JSON.parse(execFileSync(PYTHON, [SCRIPT, dir], { encoding: 'utf8' })) as typeof reference;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = [
  { file: 'functional.h5', kind: 'functional', format: 'h5', names: ['input_1', 'conv2d', 'batch_normalization', 'flatten', 'dense'] },
  { file: 'sequential.h5', kind: 'sequential', format: 'h5', names: ['dense_input', 'dense', 'dense_1'] },
  { file: 'functional.keras', kind: 'functional', format: 'keras', names: ['input_layer', 'conv2d', 'batch_normalization', 'flatten', 'dense'] },
  { file: 'sequential.keras', kind: 'sequential', format: 'keras', names: ['input_layer', 'dense', 'dense_1'] },
] as const;

describe('files in the layouts Keras writes', () => {
  it.each(CASES)('$file: layers, names, weights and predictions match what Keras would compute', async ({ file, kind, format, names }) => {
    const expected = reference[kind];
    const imported = await importModelFile(path.join(dir, file), tf);
    expect(imported.format).toBe(format);
    expect(imported.graph.nodes.map((node) => node.name)).toEqual(names);
    for (const [layer, arrays] of Object.entries(expected.weights)) {
      const entry = imported.weights.find((w) => w.layer === layer);
      expect(entry?.weights.map((w) => Array.from(w.data))).toEqual(arrays.map((values) => Array.from(Float32Array.from(values))));
    }
    const model = modelFromImport({ graph: imported.graph, weights: imported.weights, kerasVersion: null }, tf);
    try {
      const input = tf.tensor(expected.input, expected.inputShape, 'float32');
      const output = predict(model, input, tf);
      input.dispose();
      expect(maxAbsDifference(expected.output, output)).toBeLessThan(1e-5);
    } finally {
      model.dispose();
    }
  });

  it('architecture-only JSON from model.to_json() imports without weights', async () => {
    const imported = await importModelFile(path.join(dir, 'architecture.json'), tf);
    expect(imported.format).toBe('keras-json');
    expect(imported.weights).toEqual([]);
    expect(imported.graph.nodes.map((node) => [node.name, node.type])).toEqual([['dense_input', 'Input'], ['dense', 'Dense'], ['dense_1', 'Dense']]);
    expect(imported.graph.nodes[1]?.params).toMatchObject({ units: 4, activation: 'relu' });
  });

  it('a missing file is IO_NOT_FOUND and an unknown extension IO_BAD_FORMAT', async () => {
    await expect(importModelFile(path.join(dir, 'nope.h5'), tf)).rejects.toMatchObject({ code: 'IO_NOT_FOUND' });
    const error = await importModelFile(SCRIPT, tf).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('IO_BAD_FORMAT');
  });
});
