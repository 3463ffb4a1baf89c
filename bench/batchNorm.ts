/**
 * BatchNormalization training on the wasm backend against its peer in the same run: the
 * same model and batch with tfjs's own ops for the layer (moments, normalisation, their
 * gradients through every op, the moving averages) instead of the fused SIMD kernels
 * (main/engine/kernels/BatchNormTraining.ts and its gradient). Both sides use the app's
 * BatchNormalization layer and fused Adam; only the three batch-norm kernels differ, so
 * the ratio is theirs. The two sides alternate for --rounds rounds; each prints its best
 * and median step, with the load average, and both must end at the same loss.
 *
 * The model: Conv32-BN-ReLU-Pool, Conv64-BN-ReLU-Pool, Dense10 on 32×32×3 (a CIFAR-sized
 * VGG block), batch 64. Figures go to bench/results/batchNorm.json.
 *
 * Run: npm run bench -- batchNorm [--steps 20] [--rounds 3]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../main/engine/backend';
import { BatchNormTraining, BatchNormTrainingGrad, MovingAveragesUpdate } from '../main/engine/kernels/fusedBatchNorm';
import { registerWasmKernels } from '../main/engine/kernels/index';
import { BatchNormalization } from '../main/engine/layers/BatchNormalization';
import { createOptimizer } from '../main/engine/train/optimizers';
import { repoRoot } from '../main/install/installFolder';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' } } });
const steps = Math.max(1, Number(values.steps));
const rounds = Math.max(1, Number(values.rounds));
const BATCH = 64;
const FUSED = [BatchNormTraining, BatchNormTrainingGrad, MovingAveragesUpdate];

const { report } = await initBackend({ preference: 'wasm' });
const load = (): string => os.loadavg().map((v) => v.toFixed(1)).join(' ');
console.log(`Load average ${load()} on ${os.availableParallelism()} cores; ${report.chosen} (${report.device}); batch ${BATCH}, ${steps} steps per round, ${rounds} rounds`);

const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 3, padding: 'same', useBias: false }),
    new BatchNormalization({}),
    tf.layers.reLU(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false }),
    new BatchNormalization({}),
    tf.layers.reLU(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 10 }),
  ],
});
const initial = model.getWeights().map((w) => tf.clone(w));
const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
const x = tf.randomNormal([BATCH, 32, 32, 3], 0, 1, 'float32', 1);
const labels = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10);

/** `steps` training steps from the initial weights: each step's milliseconds and the last loss. */
function trainRound(): { times: number[]; loss: number } {
  model.setWeights(initial);
  const optimizer = createOptimizer(tf, { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  const times: number[] = [];
  let loss = NaN;
  for (let step = 0; step < steps; step++) {
    const start = performance.now();
    const value = tf.tidy(() => {
      const { value: batchLoss, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
      optimizer.applyGradients(grads);
      return batchLoss;
    });
    loss = value.dataSync()[0] as number;
    value.dispose();
    times.push(performance.now() - start);
  }
  optimizer.dispose();
  return { times: times.slice(1), loss };
}

function useFused(fused: boolean): void {
  if (fused) registerWasmKernels();
  else for (const name of FUSED) if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
}

const sides = { fused: [] as number[], tfjs: [] as number[] };
const losses = { fused: NaN, tfjs: NaN };
useFused(true);
trainRound(); // warm-up: XNNPACK operators, JIT
for (let round = 0; round < rounds; round++) {
  for (const side of (round % 2 === 0 ? ['fused', 'tfjs'] : ['tfjs', 'fused']) as Array<keyof typeof sides>) {
    useFused(side === 'fused');
    const { times, loss } = trainRound();
    sides[side].push(...times);
    losses[side] = loss;
  }
}
useFused(true);

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
const summary = Object.fromEntries(Object.entries(sides).map(([side, times]) => [side, { bestMs: Math.min(...times), medianMs: median(times), imagesPerSecond: (BATCH * 1000) / median(times) }]));
for (const [side, figures] of Object.entries(summary)) {
  console.log(`${side === 'fused' ? 'fused SIMD batch norm' : "tfjs's batch-norm ops"}`.padEnd(24), `median ${figures.medianMs.toFixed(1)} ms/step (best ${figures.bestMs.toFixed(1)}), ${figures.imagesPerSecond.toFixed(0)} images/s`);
}
const ratio = (summary.tfjs?.medianMs ?? NaN) / (summary.fused?.medianMs ?? NaN);
console.log(`fused / tfjs speed: ${ratio.toFixed(2)}x; last loss fused ${losses.fused.toFixed(5)}, tfjs ${losses.tfjs.toFixed(5)} (${Math.abs(losses.fused - losses.tfjs) < 1e-3 ? 'agree' : 'DISAGREE'}); load average now ${load()}`);
const folder = path.join(repoRoot(), 'bench', 'results');
mkdirSync(folder, { recursive: true });
writeFileSync(path.join(folder, 'batchNorm.json'), `${JSON.stringify({ date: new Date().toISOString(), device: report.device, batch: BATCH, steps, rounds, summary, ratio, losses, loadAverage: os.loadavg() }, null, 2)}\n`);
