import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { graphSource, maxAbsDifference, predict } from '../../../main/formats/exportSource';
import { exportModelFiles } from '../../../main/formats/exportModel';
import { repoRoot } from '../../../main/install/installFolder';
import { randomizeWeights, smallCnnGraph } from './formatFixtures';

const LOADER = path.resolve(__dirname, '../../fixtures/formats/loadTfjsPlain.mjs');

let tf: Tfjs;
let dir: string;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
  dir = mkdtempSync(path.join(os.tmpdir(), 'tfjs-plain-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TF.js export outside Model Lab', () => {
  it('loads with plain @tensorflow/tfjs in a fresh process and predicts what the lab predicts', async () => {
    const source = graphSource(smallCnnGraph(), tf, 2);
    try {
      randomizeWeights(source.model, tf, 29);
      const outPath = path.join(dir, 'model');
      const result = await exportModelFiles(source, { format: 'tfjs', outPath, samples: 4 });
      expect(result.warnings).toEqual([]);
      const inputs = tf.randomUniform([4, 12, 12, 3], 0, 1, 'float32', 8);
      const inputsFile = path.join(dir, 'inputs.json');
      writeFileSync(inputsFile, JSON.stringify({ shape: inputs.shape, values: Array.from(inputs.dataSync()) }));
      const expected = predict(source.model, inputs, tf);
      inputs.dispose();
      const stdout = execFileSync(process.execPath, [LOADER, outPath, inputsFile], { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const actual = JSON.parse(stdout) as number[];
      expect(actual).toHaveLength(expected.length);
      expect(maxAbsDifference(expected, actual)).toBeLessThanOrEqual(1e-5);
    } finally {
      source.model.dispose();
    }
  });
});
