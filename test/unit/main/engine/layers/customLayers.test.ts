import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type Tfjs } from '../../../../../main/engine/backend';
import { BatchNormalization, ReLU, SpatialDropout2D, Subtract } from '../../../../../main/engine/layers/index';

let tf: Tfjs;

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'cpu' }));
});

/** Keras's ReLU formula, element by element. */
function kerasRelu(x: number, maxValue: number | null, negativeSlope: number, threshold: number): number {
  const value = x > threshold ? x : negativeSlope * (x - threshold);
  return maxValue === null ? value : Math.min(value, maxValue);
}

describe('ReLU', () => {
  const xs = [-3, -1, -0.25, 0, 0.25, 0.5, 1, 2, 5, 7, 9];
  it.each([
    { maxValue: null, negativeSlope: 0, threshold: 0 },
    { maxValue: 6, negativeSlope: 0, threshold: 0 },
    { maxValue: null, negativeSlope: 0.1, threshold: 0 },
    { maxValue: 6, negativeSlope: 0.2, threshold: 0.5 },
    { maxValue: null, negativeSlope: 0, threshold: 1 },
  ])('matches Keras for %o', ({ maxValue, negativeSlope, threshold }) => {
    const layer = new ReLU({ maxValue, negativeSlope, threshold });
    const out = (layer.apply(tf.tensor1d(xs)) as ReturnType<Tfjs['tensor1d']>).arraySync();
    out.forEach((value, i) => expect(value).toBeCloseTo(kerasRelu(xs[i] as number, maxValue, negativeSlope, threshold), 6));
  });

  it('has a gradient everywhere a threshold is set', () => {
    const layer = new ReLU({ negativeSlope: 0.1, threshold: 0.5 });
    const grad = tf.grad((x: ReturnType<Tfjs['tensor']>) => (layer.apply(x) as ReturnType<Tfjs['tensor1d']>).sum())(tf.tensor1d([-1, 0.25, 2]));
    expect(Array.from(grad.dataSync())).toEqual([expect.closeTo(0.1, 6), expect.closeTo(0.1, 6), expect.closeTo(1, 6)]);
  });

  it('rejects negative arguments as Keras does', () => {
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/max_value/);
    expect(() => new ReLU({ negativeSlope: -1 })).toThrow(/negative_slope/);
    expect(() => new ReLU({ threshold: -1 })).toThrow(/threshold/);
  });
});

describe('Subtract', () => {
  it('subtracts the second input from the first, broadcasting like Keras', () => {
    const layer = new Subtract({});
    const out = layer.apply([tf.tensor2d([[5, 7, 9]]), tf.tensor2d([[1], [2]], [2, 1])]) as ReturnType<Tfjs['tensor2d']>;
    expect(out.arraySync()).toEqual([[4, 6, 8], [3, 5, 7]]);
    expect(layer.computeOutputShape([[null, 4, 4, 8], [null, 4, 4, 1]])).toEqual([null, 4, 4, 8]);
  });

  it('needs exactly two inputs', () => {
    expect(() => new Subtract({}).apply([tf.ones([1, 2]), tf.ones([1, 2]), tf.ones([1, 2])])).toThrow(/exactly 2 inputs/);
  });
});

describe('SpatialDropout2D', () => {
  it('zeroes whole channels while training, scales the rest, and draws a new mask each call', () => {
    const layer = new SpatialDropout2D({ rate: 0.5, seed: 11 });
    const x = tf.ones([4, 3, 3, 8]);
    const masks = [0, 1].map(() => {
      const out = (layer.apply(x, { training: true }) as ReturnType<Tfjs['tensor4d']>).arraySync();
      return out.map((sample) => {
        const channels = (sample[0]?.[0] ?? []).map((first, c) => {
          // Every pixel of a channel carries the same value: 0 or 1 / (1 - rate).
          for (const row of sample) for (const pixel of row) expect(pixel[c]).toBe(first);
          return first;
        });
        channels.forEach((value) => expect([0, 2]).toContain(value));
        return channels.join(',');
      }).join(';');
    });
    expect(masks[0]).not.toBe(masks[1]);
  });

  it('is the identity at inference', () => {
    const layer = new SpatialDropout2D({ rate: 0.5 });
    const x = tf.randomNormal([2, 3, 3, 4]);
    expect((layer.apply(x) as ReturnType<Tfjs['tensor4d']>).arraySync()).toEqual(x.arraySync());
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => new SpatialDropout2D({ rate: 1 })).toThrow(/rate/);
  });
});

describe('leaky_relu activation', () => {
  it('is available to every layer as leakyRelu, with Keras slope 0.2', () => {
    const layer = tf.layers.activation({ activation: 'leakyRelu' as 'relu' });
    const out = (layer.apply(tf.tensor1d([-2, 3])) as ReturnType<Tfjs['tensor1d']>).arraySync();
    expect(out[0]).toBeCloseTo(-0.4, 6);
    expect(out[1]).toBeCloseTo(3, 6);
  });
});

describe('serialisation', () => {
  it('round-trips every custom layer through model.json', async () => {
    const input = tf.input({ shape: [4, 4, 2] });
    const a = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'leakyRelu' as 'relu', name: 'conv' }).apply(input) as ReturnType<Tfjs['input']>;
    const b = new ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5, name: 'relu' }).apply(a) as ReturnType<Tfjs['input']>;
    const c = new SpatialDropout2D({ rate: 0.3, seed: 2, name: 'sdrop' }).apply(b) as ReturnType<Tfjs['input']>;
    const d = new Subtract({ name: 'sub' }).apply([c, a]) as ReturnType<Tfjs['input']>;
    const model = tf.model({ inputs: input, outputs: d });
    let saved: unknown;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      // model.json speaks Keras: snake_case values.
      expect(JSON.stringify(artifacts.modelTopology)).toContain('"activation":"leaky_relu"');
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as Parameters<Tfjs['io']['fromMemory']>[0]));
    expect(loaded.getLayer('relu').getConfig()).toMatchObject({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5 });
    expect(loaded.getLayer('sdrop').getConfig()).toMatchObject({ rate: 0.3, seed: 2 });
    expect(loaded.getLayer('sub').getClassName()).toBe('Subtract');
    expect(loaded.getLayer('conv').getConfig()['activation']).toBe('leakyRelu');
    const x = tf.randomNormal([1, 4, 4, 2]);
    const expected = (model.predict(x) as ReturnType<Tfjs['tensor4d']>).dataSync();
    const actual = (loaded.predict(x) as ReturnType<Tfjs['tensor4d']>).dataSync();
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });
});

describe('BatchNormalization', () => {
  it('normalises with batch statistics and updates the moving ones while it trains', () => {
    const layer = new BatchNormalization({ momentum: 0.5 });
    const x = tf.tensor2d([[1, 10], [3, 30]]);
    const out = layer.apply(x, { training: true }) as ReturnType<Tfjs['tensor2d']>;
    expect(Math.abs(out.arraySync()[0]?.[0] ?? 0)).toBeGreaterThan(0.9);
    expect(Array.from(layer.getWeights()[2]?.dataSync() ?? [])).toEqual([1, 10]);
  });

  it('runs in inference mode when frozen, as Keras does: moving statistics, no update', () => {
    const layer = new BatchNormalization({ momentum: 0.5, trainable: false });
    const x = tf.tensor2d([[1, 10], [3, 30]]);
    const out = layer.apply(x, { training: true }) as ReturnType<Tfjs['tensor2d']>;
    // Moving mean 0 and variance 1: the output is x / sqrt(1 + epsilon).
    expect(out.arraySync()[1]?.[1]).toBeCloseTo(30 / Math.sqrt(1.001), 4);
    expect(Array.from(layer.getWeights()[2]?.dataSync() ?? [])).toEqual([0, 0]);
  });
});
