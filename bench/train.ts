/**
 * Training benchmark: the small MNIST CNN (Conv32-Pool-Conv64-Pool-Flatten-Dense64-Dense10,
 * Adam 1e-3, batch 64) on Fashion-MNIST, three ways in one run:
 *   1. the app end to end: LabApi startRun -> training process -> cache -> events;
 *   2. the raw training loop on the same backend, in this process, data in memory;
 *   3. PyTorch on the CPU (the peer), 2 threads, OpenBLAS with one thread.
 * Prints images/s of each, the app/raw ratio (goal >= 0.95), the tfjs/PyTorch ratio, and
 * the test accuracy (goal: within 1 point of PyTorch).
 *
 * Like for like: the same architecture; Keras initialisers everywhere (the app and the raw
 * loop build the model with the same seed, so they start from the same weights; the peer
 * draws glorot_uniform kernels and zero biases); Adam with Keras' epsilon 1e-7 on all
 * three; batch 64; the same epochs; every epoch's batch order is the app's own seeded
 * shuffle, which the raw loop and the peer replay; the same cached uint8 pixels scaled by
 * the dataset's preprocessing. Several epochs, and each seed in --seeds trains all three
 * again, so the seed-to-seed spread of each side is printed next to the accuracy gap: a
 * gap smaller than that spread is noise.
 *
 * Usage: npm run bench -- train [--limit N] [--test N] [--epochs N] [--seeds 42,43] [--backend wasm|cpu|tensorflow|tensorflow-gpu]
 *                              [--sides app,raw,torch] [--profile]
 * Defaults: 8,000 training and 5,000 test images, 2 epochs, seeds 42 and 43 (about 6.5
 * minutes on 2 cores; seed-to-seed spread about 0.6 points, app - PyTorch about -0.2).
 * Rates are each side's best over the seeds (the machine is shared); accuracies are means.
 * --sides runs only some of the three (ratios need the sides they compare); --profile
 * prints the per-kernel profile of the raw loop's training step (tf.profile) and exits.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as tfjs from '@tensorflow/tfjs';
import type { LabEvent } from '../common/api/events';
import { backendNameSchema, type BackendName } from '../common/training/backend';
import { buildTemplate } from '../common/templates/index';
import { createLabService } from '../main/api/labService';
import { CACHE_FILES, openDatasetCache, readCacheIndex, readDatasetInfo } from '../main/data/datasetCache';
import { initBackend } from '../main/engine/backend';
import { compileGraph } from '../main/engine/compile';
import { repoRoot } from '../main/install/installFolder';
import { createRandom, shuffleInPlace } from '../main/data/random';
import { formatProfile, profileSteps } from './lib/stepProfile';

const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
const BATCH = 64;

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '8000' }, test: { type: 'string', default: '5000' }, epochs: { type: 'string', default: '2' }, seeds: { type: 'string', default: '42,43' },
    backend: { type: 'string' }, sides: { type: 'string', default: 'app,raw,torch' }, profile: { type: 'boolean', default: false },
  },
  strict: true,
});
const limit = Number(values.limit);
const testLimit = Number(values.test);
const epochs = Math.max(1, Number(values.epochs));
const seeds = values.seeds.split(',').map(Number);
const backend: BackendName | undefined = values.backend === undefined ? undefined : backendNameSchema.parse(values.backend);
const SIDES = ['app', 'raw', 'torch'] as const;
const sides = new Set(values.sides.split(','));
for (const side of sides) if (!(SIDES as readonly string[]).includes(side)) throw new Error(`Expected --sides among ${SIDES.join(', ')}. Received: ${side}`);

/** Writes a cache folder holding the first `limit` training and test images of `source` (no validation split). */
async function subsetCache(source: string, target: string): Promise<void> {
  const info = await readDatasetInfo(source);
  const index = await readCacheIndex(source);
  const train = index.splits.train.slice(0, Math.min(limit, index.splits.train.length));
  const test = index.splits.test.slice(0, Math.min(testLimit, index.splits.test.length));
  const chosen = [...train, ...test];
  const cache = await openDatasetCache(source);
  const pixels = await cache.readImages(chosen);
  cache.dispose();
  await fs.mkdir(target, { recursive: true });
  const labels = chosen.map((i) => index.labels[i] as number);
  const classCount = (ids: number[]) => info.classes.map((_, c) => ids.filter((i) => index.labels[i] === c).length);
  await fs.writeFile(path.join(target, CACHE_FILES.images), pixels);
  await fs.writeFile(path.join(target, CACHE_FILES.index), JSON.stringify({
    formatVersion: 1, count: chosen.length, recordBytes: index.recordBytes, labels,
    splits: { train: train.map((_, i) => i), validation: [], test: test.map((_, i) => train.length + i) },
  }));
  await fs.writeFile(path.join(target, CACHE_FILES.info), JSON.stringify({
    ...info, id: 'bench-fashion-mnist', cacheDir: target, fingerprint: `${info.fingerprint}-${train.length}-${test.length}`,
    splits: { train: train.length, validation: 0, test: test.length },
    classCounts: { train: classCount(train), validation: info.classes.map(() => 0), test: classCount(test) },
  }));
}

/**
 * Every epoch's batch order, as the app's trainer draws it (trainer.ts): the training
 * split's positions shuffled with the seeded generator of `seed * 1_000_003 + epoch`.
 */
function epochOrders(trainCount: number, seed: number): Int32Array[] {
  return Array.from({ length: epochs }, (_, e) => shuffleInPlace(Int32Array.from({ length: trainCount }, (_, i) => i), createRandom(seed * 1_000_003 + e + 1)));
}

/** Train rate and test accuracy of one side for one seed. */
interface SideResult {
  imagesPerSecond: number;
  testAccuracy: number;
}

/**
 * One step of the raw loop: the batch gathered from tensors already on the backend, the
 * forward pass, categorical cross-entropy on the softmax output, gradients and Adam; it
 * waits for the loss, as a loop that reports it must.
 */
function trainingStep(tf: typeof tfjs, model: tfjs.LayersModel, optimizer: tfjs.Optimizer, x: tfjs.Tensor, y: tfjs.Tensor, classes: number): (batch: Int32Array) => Promise<void> {
  const variables = model.trainableWeights.map((v) => v.read() as tfjs.Variable);
  return async (batch) => {
    const loss = tf.tidy(() => {
      const indices = tf.tensor1d(batch, 'int32');
      const xb = tf.gather(x, indices);
      const yb = tf.oneHot(tf.gather(y, indices), classes).toFloat();
      const { value, grads } = tf.variableGrads(() => {
        const p = tf.clipByValue(model.apply(xb, { training: true }) as tfjs.Tensor, 1e-7, 1 - 1e-7);
        return tf.mean(tf.neg(tf.sum(tf.mul(yb, tf.log(p)), -1))) as tfjs.Scalar;
      }, variables);
      optimizer.applyGradients(grads);
      return value;
    });
    await loss.data();
    loss.dispose();
  };
}

/** Prints the per-kernel profile of the raw loop's step on one batch of random 28x28x1 images. */
async function profileRawStep(): Promise<void> {
  const { tf, report } = await initBackend({ preference: backend });
  const shape: [number, number, number] = [28, 28, 1];
  const model = compileGraph(buildTemplate('mnist-cnn', { inputShape: shape, classes: 10 }), tf, { seed: 42 });
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const x = tf.randomUniform([BATCH, ...shape], 0, 1, 'float32', 42);
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32');
  const step = trainingStep(tf, model, optimizer, x, y, 10);
  const batch = Int32Array.from({ length: BATCH }, (_, i) => i);
  const profile = await profileSteps(tf, () => step(batch));
  console.log(`Load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores; ${report.chosen} (${report.device}); mnist-cnn training step, batch ${BATCH}`);
  console.log(formatProfile(profile, BATCH));
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
}

/** The raw loop: same model, optimizer and batches, data already in memory, no process, events or cache. */
async function rawLoop(cacheDir: string, seed: number): Promise<SideResult & { backend: string }> {
  const { tf, report } = await initBackend({ preference: backend });
  const info = await readDatasetInfo(cacheDir);
  const cache = await openDatasetCache(cacheDir);
  const [h, w, c] = info.imageShape;
  const toTensors = async (split: 'train' | 'test') => {
    const indices = cache.indices(split);
    const pixels = await cache.readImages(indices);
    const x = tf.tidy(() => tf.add(tf.mul(tf.tensor4d(pixels, [indices.length, h, w, c], 'float32'), info.preprocessing.scale), info.preprocessing.offset));
    const y = tf.tensor1d(Array.from(indices, (i) => cache.labels[i] as number), 'int32');
    return { x, y, count: indices.length };
  };
  const train = await toTensors('train');
  const test = await toTensors('test');
  cache.dispose();
  const model = compileGraph(buildTemplate('mnist-cnn', { inputShape: info.imageShape, classes: info.classes.length }), tf, { seed });
  const optimizer: tfjs.Optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const step = trainingStep(tf, model, optimizer, train.x, train.y, info.classes.length);
  const start = performance.now();
  for (const order of epochOrders(train.count, seed)) {
    for (let i = 0; i < train.count; i += BATCH) await step(order.subarray(i, i + BATCH));
  }
  const seconds = (performance.now() - start) / 1000;
  let correct = 0;
  for (let i = 0; i < test.count; i += 500) {
    const hits = tf.tidy(() => {
      const size = Math.min(500, test.count - i);
      const p = model.apply(test.x.slice([i, 0, 0, 0], [size, h, w, c]), { training: false }) as tfjs.Tensor;
      return tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), test.y.slice([i], [size])), 'int32'));
    });
    correct += (await hits.data())[0] as number;
    hits.dispose();
  }
  tf.dispose([train.x, train.y, test.x, test.y]);
  model.dispose();
  optimizer.dispose();
  return { imagesPerSecond: (epochs * train.count) / seconds, testAccuracy: correct / test.count, backend: `${report.chosen} (${report.device})` };
}

/** The app end to end: LabApi -> training process -> dataset cache -> events. */
async function appRun(dataDir: string, cacheDir: string, seed: number): Promise<SideResult & { wallImagesPerSecond: number; epochImagesPerSecond: number[]; backend: string }> {
  const service = await createLabService({ dataDir, allowedRoots: [dataDir], backend });
  const info = await readDatasetInfo(cacheDir);
  const events: LabEvent[] = [];
  const ended = new Promise<void>((resolve) => service.onEvent((event) => {
    events.push(event);
    if (event.type === 'run.done' || event.type === 'run.failed') resolve();
  }));
  const start = performance.now();
  const { runId } = await service.call('startRun', {
    graph: buildTemplate('mnist-cnn', { inputShape: info.imageShape, classes: info.classes.length }), dataset: cacheDir,
    hyperparameters: { epochs, batchSize: BATCH, optimizer: { name: 'adam', learningRate: 1e-3, epsilon: 1e-7 }, seed, checkpoint: { monitor: 'loss' } },
  });
  await ended;
  const wallSeconds = (performance.now() - start) / 1000;
  const failed = events.find((e) => e.type === 'run.failed');
  if (failed) throw new Error(`The app run failed: ${JSON.stringify(failed)}`);
  // Images over training seconds summed across epochs, as the raw loop counts them.
  const epochImagesPerSecond = events.flatMap((e) => (e.type === 'run.epoch' ? [e.record.imagesPerSecond] : []));
  const trainSeconds = epochImagesPerSecond.reduce((sum, rate) => sum + info.splits.train / rate, 0);
  const started = events.find((e) => e.type === 'run.started');
  const evaluation = await service.call('evaluateRun', { runId, checkpoint: 'last', misclassified: 0 });
  service.dispose();
  return {
    imagesPerSecond: (epochs * info.splits.train) / trainSeconds,
    wallImagesPerSecond: (epochs * info.splits.train) / wallSeconds,
    epochImagesPerSecond,
    testAccuracy: evaluation.accuracy,
    backend: started?.type === 'run.started' ? `${started.backend.chosen} (${started.backend.device})` : 'unknown',
  };
}

/** The PyTorch peer, replaying the batch order written to `orderFile`. */
function torchPeer(cacheDir: string, seed: number, orderFile: string): SideResult & { threads: number; seconds: number } {
  const result = spawnSync('/usr/bin/python3', [path.join(repoRoot(), 'bench', 'peers', 'train_torch.py'), cacheDir, String(seed), String(epochs), orderFile], {
    encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' }, maxBuffer: 1 << 20,
  });
  if (result.status !== 0) throw new Error(`PyTorch peer failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as SideResult & { threads: number; seconds: number };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Largest minus smallest accuracy over the seeds, in points. */
function spread(results: SideResult[]): number {
  const accuracies = results.map((r) => r.testAccuracy * 100);
  return Math.max(...accuracies) - Math.min(...accuracies);
}

function best(results: SideResult[]): number {
  return Math.max(...results.map((r) => r.imagesPerSecond));
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-train-'));
  try {
    const service = await createLabService({ dataDir, allowedRoots: [dataDir, FASHION_MNIST] });
    const { info } = await service.call('importDataset', { path: FASHION_MNIST, name: 'Fashion-MNIST' });
    service.dispose();
    const cacheDir = path.join(dataDir, 'subset');
    await subsetCache(info.cacheDir, cacheDir);
    const subset = await readDatasetInfo(cacheDir);
    const started = performance.now();
    console.log(`Load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores (timings are noisy when it exceeds the core count)`);
    console.log(`Fashion-MNIST: ${subset.splits.train} training, ${subset.splits.test} test images; mnist-cnn, Keras initialisers, Adam(1e-3, eps 1e-7), batch ${BATCH}, ${epochs} epoch(s), same batch order on all three, seeds ${seeds.join(', ')}`);
    const apps: Array<Awaited<ReturnType<typeof appRun>>> = [];
    const raws: Array<Awaited<ReturnType<typeof rawLoop>>> = [];
    const torches: Array<ReturnType<typeof torchPeer>> = [];
    const row = (name: string, r: SideResult | undefined) => (r === undefined ? [] : [`${name} ${(r.testAccuracy * 100).toFixed(2)}% at ${r.imagesPerSecond.toFixed(0)} images/s`]);
    for (const [k, seed] of seeds.entries()) {
      const orderFile = path.join(dataDir, `order-${seed}.i32`);
      const orders = epochOrders(subset.splits.train, seed);
      await fs.writeFile(orderFile, Buffer.concat(orders.map((o) => Buffer.from(o.buffer, o.byteOffset, o.byteLength))));
      const runApp = async () => { if (sides.has('app')) apps.push(await appRun(dataDir, cacheDir, seed)); };
      const runRaw = async () => { if (sides.has('raw')) raws.push(await rawLoop(cacheDir, seed)); };
      // Alternate which tfjs side goes first so neither always runs on a machine the other just heated.
      if (k % 2 === 0) {
        await runRaw();
        await runApp();
      } else {
        await runApp();
        await runRaw();
      }
      if (sides.has('torch')) torches.push(torchPeer(cacheDir, seed, orderFile));
      console.log(`seed ${seed}: ${[...row('app', apps[k]), ...row('raw tfjs', raws[k]), ...row('PyTorch', torches[k])].join(', ')}`);
    }
    const rows = [
      ['app (LabApi + process + cache)', apps, apps[0]?.backend],
      ['raw tfjs loop', raws, raws[0]?.backend],
      ['PyTorch', torches, `CPU, ${torches[0]?.threads} threads`],
    ] as const;
    for (const [name, results, device] of rows) {
      if (results.length === 0) continue;
      console.log(`${name.padEnd(32)} ${best(results).toFixed(0).padStart(7)} images/s   test accuracy mean ${(mean(results.map((r) => r.testAccuracy)) * 100).toFixed(2)}% (seed spread ${spread(results).toFixed(2)} points)   ${device}`);
    }
    const accuracy = (results: SideResult[]) => mean(results.map((r) => r.testAccuracy)) * 100;
    const both = (a: SideResult[], b: SideResult[]) => a.length > 0 && b.length > 0;
    const appOverRaw = both(apps, raws) ? best(apps) / best(raws) : null;
    const tfjsOverTorch = both(apps, torches) ? best(apps) / best(torches) : null;
    const rawOverTorch = both(raws, torches) ? best(raws) / best(torches) : null;
    const accuracyGap = both(apps, torches) ? accuracy(apps) - accuracy(torches) : null;
    const rawGap = both(raws, torches) ? accuracy(raws) - accuracy(torches) : null;
    const appRawGap = both(apps, raws) ? accuracy(apps) - accuracy(raws) : null;
    const noise = Math.max(...[apps, raws, torches].filter((r) => r.length > 0).map(spread));
    if (apps.length > 0) console.log(`app wall clock from startRun to run.done (process start, epochs, checkpoints, final evaluation): best ${Math.max(...apps.map((a) => a.wallImagesPerSecond)).toFixed(0)} images/s`);
    if (appOverRaw !== null) console.log(`app / raw loop: ${appOverRaw.toFixed(3)} (goal >= 0.95) ${appOverRaw >= 0.95 ? 'PASS' : 'MISS'}`);
    if (tfjsOverTorch !== null) console.log(`app / PyTorch: ${tfjsOverTorch.toFixed(3)}`);
    if (rawOverTorch !== null) console.log(`raw tfjs / PyTorch: ${rawOverTorch.toFixed(3)}`);
    const gaps = [['app - raw tfjs', appRawGap], ['raw tfjs - PyTorch', rawGap]].filter(([, gap]) => gap !== null).map(([name, gap]) => `${name}: ${(gap as number).toFixed(2)} points`);
    console.log(`accuracy ${[...gaps, `largest seed-to-seed spread: ${noise.toFixed(2)} points`].join('; ')}`);
    if (accuracyGap !== null) console.log(`accuracy app - PyTorch: ${accuracyGap.toFixed(2)} points (goal within 1) ${Math.abs(accuracyGap) <= 1 ? 'PASS' : 'MISS'}`);
    console.log(`bench time ${((performance.now() - started) / 60000).toFixed(1)} min`);
    const results = path.join(repoRoot(), 'bench', 'results');
    await fs.mkdir(results, { recursive: true });
    await fs.writeFile(path.join(results, 'train.json'), `${JSON.stringify({
      date: new Date().toISOString(), limit, test: subset.splits.test, epochs, seeds, loadAverage: os.loadavg(), app: apps, raw: raws, torch: torches,
      appOverRaw, tfjsOverTorch, rawOverTorch, accuracyGap, rawGap, appRawGap,
      seedSpread: { app: apps.length > 0 ? spread(apps) : null, raw: raws.length > 0 ? spread(raws) : null, torch: torches.length > 0 ? spread(torches) : null },
    }, null, 2)}\n`);
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

if (values.profile) await profileRawStep();
else await main();
