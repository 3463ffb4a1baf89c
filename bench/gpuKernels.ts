/**
 * WebGPU kernel benchmark: Model Lab's WebGPU kernels against tfjs-backend-webgpu 4.22's own,
 * switched back and forth in the same run on the same adapter.
 *
 *   layers  Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter on the four layer shapes of
 *           the GPU facts table (3×3 'same', fp32): GPU time per call (timestamp queries,
 *           when the adapter has them), wall time per call, TFLOP/s, ours/stock speed-up.
 *   step    one training step (forward, backward, Adam update) of the small CNN and the
 *           VGG-style CIFAR net: WebGPU dispatches per step, GPU time per tfjs kernel and its
 *           share (tf.profile), wall time per step with the loss read every step and read
 *           only at the end, and where the wall time goes: JavaScript recording the step
 *           (tfjs ops, preparing programs, bind groups, uniform uploads, submits) against
 *           waiting for the GPU. `--submit-batch N` sets WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE.
 *
 * On a software adapter (lavapipe) the absolute figures are CPU speed; dispatch counts,
 * kernel shares and ours/stock ratios of one kernel still say something. `--scale N`
 * divides the layer batches by N and `--vgg-batch` shrinks the CIFAR batch so that a CPU
 * finishes.
 *
 * Usage: npm run bench -- gpuKernels [--mode layers|step|all] [--scale N] [--small-batch N]
 *        [--vgg-batch N] [--steps N] [--rounds N] [--models small-cnn,vgg-cifar] [--submit-batch N]
 * Stock and ours alternate --rounds times (default 3) and each figure is the best of its rounds.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { registerWebGpuBackend, requestWebGpuAdapter, WEBGPU_TFJS_BACKEND } from '../main/engine/webgpuSupport';
import { registerWebGpuKernels, restoreStockWebGpuKernels } from '../main/engine/kernels/webgpu/index';
import { compileGraph } from '../main/engine/compile';
import { createOptimizer } from '../main/engine/train/optimizers';
import { batchLoss, perExampleLoss } from '../main/engine/train/losses';
import { smallCnn, vggCifar, type GpuBenchModel } from './gpuModels';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'all' },
    scale: { type: 'string', default: '1' },
    'small-batch': { type: 'string' },
    'vgg-batch': { type: 'string' },
    steps: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'submit-batch': { type: 'string' },
    models: { type: 'string', default: 'small-cnn,vgg-cifar' },
  },
  strict: true,
});
const mode = values.mode;
const scale = Math.max(1, Number(values.scale));
const steps = Math.max(1, Number(values.steps));
/** Stock and ours alternate this many times and each keeps its best: the machine may be shared. */
const rounds = Math.max(1, Number(values.rounds));

type KernelSet = 'stock' | 'ours';
const KERNEL_SETS: readonly KernelSet[] = ['stock', 'ours'];

function useKernels(set: KernelSet): void {
  if (set === 'ours') registerWebGpuKernels();
  else restoreStockWebGpuKernels();
}

/** The private parts of tfjs-backend-webgpu 4.22's backend this benchmark watches. */
interface BackendInternals {
  recordAndSubmit(...args: unknown[]): void;
  runWebGPUProgram(...args: unknown[]): unknown;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  device: GPUDevice;
}

let dispatches = 0;

/** Where the JavaScript side of a step spends its time, by part (only while `timing` is on). */
type TimedPart = 'runWebGPUProgram' | 'recordAndSubmit' | 'recordOutsidePrograms' | 'createBindGroup' | 'writeBuffer' | 'submit';
const partMs = new Map<TimedPart, number>();
let timing = false;
/** runWebGPUProgram calls in progress: a dispatch recorded outside one is a fused update's. */
let insideProgram = 0;

/** Wraps `object[method]` to add its time to `part` while timing is on. */
function timePart(object: object, method: string, part: TimedPart): void {
  const target = object as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method] as (...args: unknown[]) => unknown;
  target[method] = function timed(this: unknown, ...args: unknown[]) {
    if (!timing) return original.apply(this, args);
    const start = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      partMs.set(part, (partMs.get(part) ?? 0) + performance.now() - start);
    }
  };
}

/** Counts every dispatch the backend records (tfjs programs and fused updates alike) and times the parts of recording one. */
function instrument(backend: BackendInternals): void {
  const record = backend.recordAndSubmit.bind(backend);
  backend.recordAndSubmit = (...args: unknown[]) => {
    dispatches++;
    record(...args);
  };
  timePart(backend, 'recordAndSubmit', 'recordAndSubmit');
  const timedRecord = backend.recordAndSubmit.bind(backend);
  backend.recordAndSubmit = (...args: unknown[]) => {
    if (!timing || insideProgram > 0) return timedRecord(...args);
    const start = performance.now();
    timedRecord(...args);
    partMs.set('recordOutsidePrograms', (partMs.get('recordOutsidePrograms') ?? 0) + performance.now() - start);
  };
  timePart(backend, 'runWebGPUProgram', 'runWebGPUProgram');
  const timedRun = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (...args: unknown[]) => {
    insideProgram++;
    try {
      return timedRun(...args);
    } finally {
      insideProgram--;
    }
  };
  timePart(backend.device, 'createBindGroup', 'createBindGroup');
  timePart(backend.device.queue, 'writeBuffer', 'writeBuffer');
  timePart(backend.device.queue, 'submit', 'submit');
}

/** Submits what the backend has recorded and waits until the GPU has run it. */
async function gpuIdle(backend: BackendInternals): Promise<void> {
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  await backend.device.queue.onSubmittedWorkDone();
}

const format = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

interface LayerShape {
  batch: number;
  size: number;
  inChannels: number;
  outChannels: number;
}

/** The four layers of the GPU facts table (3×3 'same' convolutions). */
const LAYERS: readonly LayerShape[] = [
  { batch: 128, size: 32, inChannels: 64, outChannels: 64 },
  { batch: 128, size: 16, inChannels: 128, outChannels: 128 },
  { batch: 128, size: 8, inChannels: 256, outChannels: 256 },
  { batch: 64, size: 26, inChannels: 32, outChannels: 64 },
];

interface Timing {
  gpuMs: number;
  wallMs: number;
}

/** Time per call of `run`, after 3 warm-up calls, over 10 calls. */
async function timeKernel(backend: BackendInternals, run: () => tf.Tensor): Promise<Timing> {
  for (let i = 0; i < 3; i++) run().dispose();
  await gpuIdle(backend);
  const calls = 10;
  const start = performance.now();
  for (let i = 0; i < calls; i++) run().dispose();
  await gpuIdle(backend);
  const wallMs = (performance.now() - start) / calls;
  const timing = await tf.time(() => {
    for (let i = 0; i < calls; i++) run().dispose();
  });
  const kernelMs = typeof timing.kernelMs === 'number' ? timing.kernelMs : NaN;
  return { gpuMs: kernelMs / calls, wallMs };
}

async function benchLayers(backend: BackendInternals, hasTimestamps: boolean): Promise<void> {
  const rows: string[][] = [];
  for (const layer of LAYERS) {
    const batch = Math.max(1, Math.round(layer.batch / scale));
    const xShape: [number, number, number, number] = [batch, layer.size, layer.size, layer.inChannels];
    const filterShape: [number, number, number, number] = [3, 3, layer.inChannels, layer.outChannels];
    const dyShape = [batch, layer.size, layer.size, layer.outChannels];
    const x = tf.randomNormal(xShape);
    const filter = tf.randomNormal(filterShape);
    const dy = tf.randomNormal(dyShape);
    const bias = tf.randomNormal([layer.outChannels]);
    const flops = 2 * batch * layer.size * layer.size * 9 * layer.inChannels * layer.outChannels;
    const kernels: Array<[string, () => tf.Tensor]> = [
      ['Conv2D', () => tf.engine().runKernel('Conv2D', { x, filter }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] } as unknown as NamedAttrMap) as tf.Tensor],
      ['FusedConv2D (bias, relu)', () => tf.engine().runKernel('FusedConv2D', { x, filter, bias }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' } as unknown as NamedAttrMap) as tf.Tensor],
      ['Conv2DBackpropInput', () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: xShape } as unknown as NamedAttrMap) as tf.Tensor],
      ['Conv2DBackpropFilter', () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape } as unknown as NamedAttrMap) as tf.Tensor],
    ];
    for (const [name, run] of kernels) {
      const difference = await compareKernelSets(run);
      if (!(difference <= AGREEMENT)) disagreements.push(`${name} on ${batch}x${layer.size}x${layer.size}x${layer.inChannels} -> ${layer.outChannels}: ${difference.toExponential(2)}`);
      const timings: Partial<Record<KernelSet, Timing>> = {};
      for (let round = 0; round < rounds; round++) {
        for (const set of KERNEL_SETS) {
          useKernels(set);
          const timing = await timeKernel(backend, run);
          const best = timings[set];
          timings[set] = best === undefined ? timing : { gpuMs: Math.min(best.gpuMs, timing.gpuMs), wallMs: Math.min(best.wallMs, timing.wallMs) };
        }
      }
      const ms = (t: Timing | undefined) => (t === undefined ? NaN : hasTimestamps ? t.gpuMs : t.wallMs);
      const tflops = (t: Timing | undefined) => flops / (ms(t) * 1e9);
      rows.push([
        `${batch}x${layer.size}x${layer.size}x${layer.inChannels} -> ${layer.outChannels}`, name,
        `${format(ms(timings.stock), 3)} (${format(tflops(timings.stock), 3)})`,
        `${format(ms(timings.ours), 3)} (${format(tflops(timings.ours), 3)})`,
        `${format(ms(timings.stock) / ms(timings.ours))}x`,
        `${format(timings.stock?.wallMs ?? NaN, 3)} / ${format(timings.ours?.wallMs ?? NaN, 3)}`,
        difference.toExponential(1),
      ]);
    }
    tf.dispose([x, filter, dy, bias]);
  }
  const unit = hasTimestamps ? 'GPU ms (TFLOP/s)' : 'wall ms (TFLOP/s)';
  console.log(`\nPer-kernel time, 3x3 'same', fp32, 10 calls after 3 warm-ups${scale > 1 ? ` (batches divided by ${scale})` : ''}`);
  console.log(table(['layer', 'kernel', `stock ${unit}`, `ours ${unit}`, 'speed-up', 'wall ms stock / ours', 'max diff / max |stock|'], rows));
  if (disagreements.length === 0) {
    console.log(`Correctness: every kernel agrees with tfjs-backend-webgpu's own within ${AGREEMENT} of the largest value.`);
  } else {
    console.log(`Correctness: DISAGREEMENT beyond ${AGREEMENT} of the largest value:\n  ${disagreements.join('\n  ')}`);
    process.exitCode = 1;
  }
}

/**
 * Largest difference between ours and tfjs's own kernel, relative to the largest stock value.
 * fp32 sums over up to 131,072 products in a different order differ by about 1e-6 of that.
 */
const AGREEMENT = 1e-4;
const disagreements: string[] = [];

async function compareKernelSets(run: () => tf.Tensor): Promise<number> {
  const outputs: Partial<Record<KernelSet, Float32Array>> = {};
  for (const set of KERNEL_SETS) {
    useKernels(set);
    const out = run();
    outputs[set] = (await out.data()) as Float32Array;
    out.dispose();
  }
  const stock = outputs.stock as Float32Array;
  const ours = outputs.ours as Float32Array;
  let largest = 0;
  let difference = 0;
  for (let i = 0; i < stock.length; i++) {
    largest = Math.max(largest, Math.abs(stock[i] as number));
    difference = Math.max(difference, Math.abs((stock[i] as number) - (ours[i] as number)));
  }
  // NaN anywhere makes the difference NaN, which the caller reports.
  return ours.length === stock.length ? difference / largest : NaN;
}

/** Synthetic images in [0, 1) and labels for one batch. */
function syntheticBatch(model: GpuBenchModel, batch: number): { x: tf.Tensor4D; labels: tf.Tensor } {
  const x = tf.randomUniform([batch, ...model.inputShape], 0, 1, 'float32', 7) as tf.Tensor4D;
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % model.classes), 'int32'), model.classes);
  return { x, labels };
}

interface StepProfile {
  dispatches: number;
  kernels: Map<string, { calls: number; ms: number }>;
  wallReadEachMs: number;
  wallReadAtEndMs: number;
  /** Synchronous JavaScript time per step (recording), and its parts. */
  recordMs: number;
  parts: Map<TimedPart, number>;
}

async function profileStep(backend: BackendInternals, model: GpuBenchModel, batch: number): Promise<StepProfile> {
  const layersModel = compileGraph(model.graph, tf, { seed: 1 });
  const variables = layersModel.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = createOptimizer(tf, { name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  const { x, labels } = syntheticBatch(model, batch);
  const step = (): tf.Scalar => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => batchLoss(tf, perExampleLoss(tf, 'categorical_crossentropy', labels, layersModel.apply(x, { training: true }) as tf.Tensor, false), null), variables);
    optimizer.applyGradients(grads);
    return value;
  });
  for (let i = 0; i < 2; i++) await step().data();

  const before = dispatches;
  await step().data();
  const stepDispatches = dispatches - before - 1;

  const profile = await tf.profile(() => {
    step().dispose();
  });
  const kernels = new Map<string, { calls: number; ms: number }>();
  for (const kernel of profile.kernels) {
    const entry = kernels.get(kernel.name) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    kernels.set(kernel.name, entry);
  }

  let start = performance.now();
  for (let i = 0; i < steps; i++) {
    const loss = step();
    await loss.data();
    loss.dispose();
  }
  const wallReadEachMs = (performance.now() - start) / steps;
  partMs.clear();
  let recordMs = 0;
  start = performance.now();
  const losses: tf.Scalar[] = [];
  for (let i = 0; i < steps; i++) {
    timing = true;
    const recordStart = performance.now();
    losses.push(step());
    recordMs += performance.now() - recordStart;
    timing = false;
  }
  await tf.stack(losses).data();
  const wallReadAtEndMs = (performance.now() - start) / steps;
  const parts = new Map([...partMs].map(([part, ms]) => [part, ms / steps]));
  tf.dispose([...losses, x, labels]);
  optimizer.dispose();
  layersModel.dispose();
  await gpuIdle(backend);
  return { dispatches: stepDispatches, kernels, wallReadEachMs, wallReadAtEndMs, recordMs: recordMs / steps, parts };
}

async function benchSteps(backend: BackendInternals, hasTimestamps: boolean): Promise<void> {
  const wanted = new Set(values.models.split(','));
  const models = [smallCnn(), vggCifar()].filter((m) => wanted.has(m.id));
  for (const model of models) {
    const override = model.id === 'small-cnn' ? values['small-batch'] : values['vgg-batch'];
    const batch = override === undefined ? model.batch : Number(override);
    const profiles: Partial<Record<KernelSet, StepProfile>> = {};
    for (let round = 0; round < rounds; round++) {
      for (const set of KERNEL_SETS) {
        useKernels(set);
        const profile = await profileStep(backend, model, batch);
        const best = profiles[set];
        profiles[set] = best === undefined ? profile : bestOf(best, profile);
      }
    }
    const stock = profiles.stock as StepProfile;
    const ours = profiles.ours as StepProfile;
    const total = (p: StepProfile) => [...p.kernels.values()].reduce((sum, k) => sum + k.ms, 0);
    const names = [...new Set([...stock.kernels.keys(), ...ours.kernels.keys()])]
      .sort((a, b) => (stock.kernels.get(b)?.ms ?? 0) - (stock.kernels.get(a)?.ms ?? 0));
    const rows = names.map((name) => {
      const s = stock.kernels.get(name);
      const o = ours.kernels.get(name);
      return [
        name, String(s?.calls ?? 0), String(o?.calls ?? 0),
        `${format(s?.ms ?? 0, 3)} (${format((100 * (s?.ms ?? 0)) / total(stock), 1)} %)`,
        `${format(o?.ms ?? 0, 3)} (${format((100 * (o?.ms ?? 0)) / total(ours), 1)} %)`,
      ];
    });
    rows.push(['total', String(sum(stock)), String(sum(ours)), format(total(stock), 3), format(total(ours), 3)]);
    const unit = hasTimestamps ? 'GPU ms' : 'ms (no timestamps: zeros)';
    console.log(`\n${model.title}, batch ${batch}: one training step (Adam)`);
    console.log(table(['tfjs kernel', 'calls stock', 'calls ours', `stock ${unit} (share)`, `ours ${unit} (share)`], rows));
    console.log(table(['', 'stock', 'ours', 'stock/ours'], [
      ['WebGPU dispatches per step', String(stock.dispatches), String(ours.dispatches), format(stock.dispatches / ours.dispatches)],
      ['wall ms per step, loss read every step', format(stock.wallReadEachMs, 1), format(ours.wallReadEachMs, 1), format(stock.wallReadEachMs / ours.wallReadEachMs)],
      ['wall ms per step, loss read at the end', format(stock.wallReadAtEndMs, 1), format(ours.wallReadAtEndMs, 1), format(stock.wallReadAtEndMs / ours.wallReadAtEndMs)],
      [`images/s (loss read at the end)`, format((batch * 1000) / stock.wallReadAtEndMs, 0), format((batch * 1000) / ours.wallReadAtEndMs, 0), ''],
    ]));
    console.log('Where a step\'s wall time goes (loss read at the end; ms per step)');
    const part = (p: StepProfile, name: TimedPart) => p.parts.get(name) ?? 0;
    const anatomy = (p: StepProfile): number[] => [
      p.wallReadAtEndMs, total(p), p.recordMs,
      p.recordMs - part(p, 'runWebGPUProgram') - part(p, 'recordOutsidePrograms'),
      part(p, 'runWebGPUProgram') - (part(p, 'recordAndSubmit') - part(p, 'recordOutsidePrograms')),
      part(p, 'recordAndSubmit') - part(p, 'createBindGroup') - part(p, 'writeBuffer') - part(p, 'submit'),
      part(p, 'createBindGroup'), part(p, 'writeBuffer'), part(p, 'submit'),
      Math.max(0, p.wallReadAtEndMs - p.recordMs),
    ];
    const labels = [
      'wall', 'GPU (timestamp queries, profiled step)', 'JavaScript recording the step', '  tfjs ops and engine outside WebGPU programs',
      '  preparing programs (shader keys, uploads, outputs)', '  encoding passes and dispatches', '  createBindGroup', '  uniform writeBuffer', '  queue.submit',
      'waiting for the GPU (wall - recording)',
    ];
    const stockParts = anatomy(stock);
    const ourParts = anatomy(ours);
    console.log(table(['', 'stock', 'ours'], labels.map((label, i) => [label, format(stockParts[i] ?? NaN, 2), format(ourParts[i] ?? NaN, 2)])));
  }
}

/** Each kernel's and each wall time's best of two profiles of the same step. */
function bestOf(a: StepProfile, b: StepProfile): StepProfile {
  const kernels = new Map(a.kernels);
  for (const [name, entry] of b.kernels) {
    const other = kernels.get(name);
    kernels.set(name, other === undefined || entry.ms < other.ms ? entry : other);
  }
  const faster = a.wallReadAtEndMs <= b.wallReadAtEndMs ? a : b;
  return {
    dispatches: Math.min(a.dispatches, b.dispatches), kernels,
    wallReadEachMs: Math.min(a.wallReadEachMs, b.wallReadEachMs), wallReadAtEndMs: faster.wallReadAtEndMs,
    recordMs: faster.recordMs, parts: faster.parts,
  };
}

function sum(profile: StepProfile): number {
  return [...profile.kernels.values()].reduce((total, k) => total + k.calls, 0);
}

async function main(): Promise<void> {
  const { adapter, probe } = await requestWebGpuAdapter();
  if (adapter === undefined) throw new Error(`No WebGPU adapter: ${probe.evidence}`);
  await registerWebGpuBackend(tf, adapter);
  await tf.setBackend(WEBGPU_TFJS_BACKEND);
  const backend = tf.backend() as unknown as BackendInternals;
  const hasTimestamps = (tf.backend() as WebGPUBackend).device.features.has('timestamp-query');
  instrument(backend);
  if (values['submit-batch'] !== undefined) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', Number(values['submit-batch']));
  console.log(`WebGPU kernels, ours vs tfjs-backend-webgpu 4.22: ${probe.device}${probe.software ? ' (software adapter: CPU speed; only ratios and counts mean something)' : ''}`);
  console.log(`timestamp-query: ${hasTimestamps ? 'yes (GPU times)' : 'no (wall times)'}`);
  if (mode === 'layers' || mode === 'all') await benchLayers(backend, hasTimestamps);
  if (mode === 'step' || mode === 'all') await benchSteps(backend, hasTimestamps);
}

await main();
// Dawn keeps the process alive while its instance exists.
process.exit(process.exitCode ?? 0);
