import { describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { analyzeGraph } from '../../../common/graph/analysis';
import { LAYER_CATALOG } from '../../../common/catalog';
import { everyLayerGraph } from './everyLayerGraph';

const SIZE = 8;
const BATCH = 6;
// Dropout, SpatialDropout and GaussianNoise draw unseeded noise, so losses differ
// run to run: enough steps that the drop is clear of that noise (worst of many runs: 0.45x).
const STEPS = 14;

/** A learnable toy task: the class is which third of the image is brightest. */
function toyBatch(tf: Tfjs): { xs: ReturnType<Tfjs['tensor4d']>; ys: ReturnType<Tfjs['tensor2d']> } {
  const pixels = new Float32Array(BATCH * SIZE * SIZE * 3);
  const labels = new Float32Array(BATCH * 3);
  let state = 12345;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let n = 0; n < BATCH; n++) {
    const label = n % 3;
    labels[n * 3 + label] = 1;
    for (let h = 0; h < SIZE; h++) {
      for (let w = 0; w < SIZE; w++) {
        for (let c = 0; c < 3; c++) pixels[((n * SIZE + h) * SIZE + w) * 3 + c] = random() * 0.5 + (Math.floor((w * 3) / SIZE) === label ? 0.5 : 0);
      }
    }
  }
  return { xs: tf.tensor4d(pixels, [BATCH, SIZE, SIZE, 3]), ys: tf.tensor2d(labels, [BATCH, 3]) };
}

describe('training a CNN with every catalog layer family', () => {
  it('uses every layer type of the catalog', () => {
    const used = new Set(everyLayerGraph().nodes.map((node) => node.type));
    expect(LAYER_CATALOG.map((spec) => spec.type).filter((type) => !used.has(type))).toEqual([]);
    expect(analyzeGraph(everyLayerGraph()).valid).toBe(true);
  });

  it.each(['wasm', 'cpu'] as const)('trains on %s: every gradient kernel exists and the loss goes down', async (backend) => {
    const { tf, report } = await initBackend({ preference: backend });
    expect(report.chosen).toBe(backend);
    const model = compileGraph(everyLayerGraph(), tf, { seed: 7 });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const { xs, ys } = toyBatch(tf);
    const losses: number[] = [];
    for (let step = 0; step < STEPS; step++) losses.push(Number(await model.trainOnBatch(xs, ys)));
    tf.dispose([xs, ys]);
    model.dispose();
    expect(losses.every(Number.isFinite)).toBe(true);
    // Training-mode losses: an inference-mode loss would mostly measure how far
    // BatchNormalization's moving statistics have moved in a few steps.
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(losses.slice(-3))).toBeLessThan(0.6 * mean(losses.slice(0, 3)));
  });
});
