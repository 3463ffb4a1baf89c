import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { graphSource } from '../../../main/formats/exportSource';
import { exportModelFiles } from '../../../main/formats/exportModel';
import { LAYER_FAMILY_GRAPHS, randomizeWeights, twoInputGraph } from './formatFixtures';

let tf: Tfjs;
let dir: string;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
  dir = mkdtempSync(path.join(os.tmpdir(), 'formats-families-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FORMATS = ['tfjs', 'h5', 'keras', 'onnx'] as const;
const EXTENSIONS: Record<(typeof FORMATS)[number], string> = { tfjs: '', h5: '.h5', keras: '.keras', onnx: '.onnx' };

describe.each(Object.keys(LAYER_FAMILY_GRAPHS))('%s layers', (family) => {
  it.each(FORMATS)('export to %s reloads and predicts within 1e-4', async (format) => {
    const graph = (LAYER_FAMILY_GRAPHS[family] as () => ReturnType<(typeof LAYER_FAMILY_GRAPHS)[string]>)();
    const source = graphSource(graph, tf, 3);
    try {
      randomizeWeights(source.model, tf, 11);
      const outPath = path.join(dir, `${family}-${format}${EXTENSIONS[format]}`);
      const result = await exportModelFiles(source, { format, outPath, samples: 16 });
      expect(result.verification?.inputs).toBe('random');
      expect(result.verification?.samples).toBe(16);
      expect(result.verification?.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      const portable = !['regularization', 'merge', 'activation'].includes(family) || format !== 'tfjs';
      expect(result.warnings.length === 0).toBe(portable);
    } finally {
      source.model.dispose();
    }
  });
});

describe('a model with two inputs', () => {
  it.each(FORMATS)('export to %s feeds each input by its name and predicts within 1e-4', async (format) => {
    const source = graphSource(twoInputGraph(), tf, 4);
    try {
      randomizeWeights(source.model, tf, 13);
      const result = await exportModelFiles(source, { format, outPath: path.join(dir, `two-inputs-${format}${EXTENSIONS[format]}`), samples: 8 });
      expect(result.verification?.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    } finally {
      source.model.dispose();
    }
  });
});
