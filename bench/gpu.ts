/**
 * GPU training benchmark: Model Lab's trainer on the webgpu backend, with the engine's WebGPU
 * kernels and with tfjs-backend-webgpu's stock ones (MODEL_LAB_WEBGPU_KERNELS=stock), against
 * PyTorch (CUDA with cudnn.benchmark, or the CPU where there is no GPU) in the same run.
 *
 * Models (fp32, Adam 1e-3, synthetic data, 10 classes):
 *   small-cnn     Conv32-Pool-Conv64-Pool-Dense64-Dense10 (the mnist-cnn template), 28×28×1, batch 64 and 256
 *   vgg-cifar     2×64, 2×128, 2×256 conv3×3 + BatchNorm + ReLU, max-pools, GAP, Dense10, 32×32×3, batch 128
 *   small-resnet  the small-resnet template, 32×32×3, batch 128
 *
 * Each side trains every model for two epochs of `--steps` batches through the app's Trainer
 * (uint8 pixels uploaded per batch, loss and metrics read every step, checkpoints between
 * epochs): the first epoch warms up (shader compilation), the second is timed by the trainer
 * itself (images/s of its training pass). PyTorch runs the same graph (bench/peers/gpu_torch.py
 * builds it from the Keras layer configs), `--steps` warm-up batches, then `--steps` timed ones.
 *
 * On a software adapter (lavapipe, llvmpipe) it runs with tiny batches and steps: a check that
 * everything works, whose ratios mean nothing, and says so.
 *
 * Usage: npm run bench -- gpu [--steps N] [--models small-cnn-64,...] [--out DIR] [--python PATH]
 * Writes bench/results/gpu.json (and DIR/gpu.json with --out).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DatasetInfo } from '../common/api/methods/datasets';
import { hyperparametersSchema } from '../common/training/hyperparameters';
import type { RunSpec } from '../common/training/runSpec';
import { getLayerSpec } from '../common/catalog/index';
import { resolveLayerParams } from '../common/catalog/resolveParams';
import { analyzeGraph } from '../common/graph/analysis';
import type { ModelGraph } from '../common/graph/schema';
import { GraphBuilder, buildTemplate } from '../common/templates/index';
import type { DatasetCache } from '../main/data/datasetCache';
import { initBackend } from '../main/engine/backend';
import { compileGraph } from '../main/engine/compile';
import { webGpuKernelsEnabled } from '../main/engine/kernels/webgpu/index';
import { Trainer } from '../main/engine/train/trainer';
import { requestWebGpuAdapter } from '../main/engine/webgpuSupport';
import { createRunDir } from '../main/project/runRepository';

const CLASSES = 10;

/** One benchmarked configuration. */
interface BenchModel {
  name: string;
  batch: number;
  inputShape: [number, number, number];
  graph: () => ModelGraph;
}

/** The VGG-style CIFAR net of ../shared/gpu/README.md: 2×64, 2×128, 2×256 conv3×3 + BN + ReLU, max-pools, GAP, Dense10. */
function vggCifar(): ModelGraph {
  const b = new GraphBuilder('vgg_cifar', 'VGG-style CIFAR net: three stages of two 3×3 convolutions with BatchNormalization and ReLU.');
  let x = b.input([32, 32, 3]);
  for (const filters of [64, 128, 256]) {
    for (let i = 0; i < 2; i++) {
      x = b.layer('Conv2D', { filters, kernel_size: [3, 3], padding: 'same', use_bias: false }, x);
      x = b.layer('BatchNormalization', {}, x);
      x = b.layer('Activation', { activation: 'relu' }, x);
    }
    x = b.layer('MaxPooling2D', { pool_size: [2, 2] }, x);
  }
  x = b.layer('GlobalAveragePooling2D', {}, x);
  b.layer('Dense', { units: CLASSES, activation: 'softmax' }, x);
  return b.build('vgg-cifar');
}

const MODELS: readonly BenchModel[] = [
  { name: 'small-cnn-64', batch: 64, inputShape: [28, 28, 1], graph: () => buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: CLASSES }) },
  { name: 'small-cnn-256', batch: 256, inputShape: [28, 28, 1], graph: () => buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: CLASSES }) },
  { name: 'vgg-cifar-128', batch: 128, inputShape: [32, 32, 3], graph: vggCifar },
  { name: 'small-resnet-128', batch: 128, inputShape: [32, 32, 3], graph: () => buildTemplate('small-resnet', { inputShape: [32, 32, 3], classes: CLASSES }) },
];

/** Batch size and steps on a software adapter, where a real batch takes minutes: enough to run everything once. */
const SOFTWARE_BATCH = 4;
const SOFTWARE_STEPS = 2;
const GPU_STEPS = 20;

const { values } = parseArgs({
  options: {
    side: { type: 'string' },
    steps: { type: 'string' },
    models: { type: 'string' },
    out: { type: 'string' },
    python: { type: 'string' },
    'batch-override': { type: 'string' },
  },
  strict: true,
});

/** The folder holding bench/peers (the repository root, also when this file runs as a bundle under .gpu/). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'bench', 'peers', 'gpu_torch.py'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Expected bench/peers/gpu_torch.py above this script. Received: none found');
    dir = parent;
  }
  return dir;
}

/** Random uint8 images and labels held in memory: the trainer reads them as it reads a dataset cache. */
function syntheticCache(model: BenchModel, count: number): DatasetCache {
  const [height, width, channels] = model.inputShape;
  const record = height * width * channels;
  const pixels = new Uint8Array(count * record);
  let state = 12345;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = state >>> 24;
  }
  const labels = Int32Array.from({ length: count }, (_, i) => i % CLASSES);
  const info: DatasetInfo = {
    id: 'synthetic', name: 'Synthetic', source: { kind: 'sample', path: '<memory>' }, classes: Array.from({ length: CLASSES }, (_, c) => `class${c}`),
    imageShape: model.inputShape, preprocessing: { targetSize: [height, width], colorMode: channels === 1 ? 'grayscale' : 'rgb', resizeMode: 'squash', scale: 1 / 255, offset: 0 },
    splits: { train: count, validation: 0, test: 0 }, classCounts: { train: Array(CLASSES).fill(count / CLASSES), validation: Array(CLASSES).fill(0), test: Array(CLASSES).fill(0) },
    fingerprint: `synthetic-${model.name}-${count}`, createdAt: new Date(0).toISOString(), cacheDir: '<memory>', skipped: [],
  };
  const train = Int32Array.from({ length: count }, (_, i) => i);
  return {
    info, labels,
    indices: (split) => (split === 'train' ? train : new Int32Array(0)),
    readImages: async (indices) => {
      const out = new Uint8Array(indices.length * record);
      for (let i = 0; i < indices.length; i++) out.set(pixels.subarray((indices[i] as number) * record, ((indices[i] as number) + 1) * record), i * record);
      return out;
    },
    dispose: () => undefined,
  };
}

/** What one side measured for one model. */
interface SideResult {
  model: string;
  batch: number;
  steps: number;
  imagesPerSecond: number;
  trainableParams: number;
  losses: number[];
}

/** Child process: trains every planned model on webgpu and prints the results as one JSON line. */
async function runSide(plan: { models: string[]; steps: number; batchOverride: number | undefined }): Promise<void> {
  const { tf, report } = await initBackend({ preference: 'webgpu' });
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gpu-bench-'));
  const results: SideResult[] = [];
  try {
    for (const name of plan.models) {
      const model = MODELS.find((m) => m.name === name) as BenchModel;
      const batch = plan.batchOverride ?? model.batch;
      const graph = model.graph();
      const hyperparameters = hyperparametersSchema.parse({ epochs: 2, batchSize: batch, shuffle: false, validationSplit: null, optimizer: { name: 'adam', learningRate: 1e-3 } });
      const cache = syntheticCache(model, batch * plan.steps);
      const now = new Date().toISOString();
      const spec: RunSpec = {
        schemaVersion: 1, id: name, name, createdAt: now, graph,
        dataset: { id: cache.info.id, name: cache.info.name, cacheDir: '<memory>', fingerprint: cache.info.fingerprint, classes: cache.info.classes, imageShape: cache.info.imageShape },
        hyperparameters, backendPreference: 'webgpu', backend: null, status: 'queued', epochsCompleted: 0, best: null, last: null, endReason: null, updatedAt: now,
      };
      const runDir = await createRunDir(root, spec);
      const compiled = compileGraph(graph, tf, { seed: 1 });
      const trainableParams = compiled.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, d) => a * (d ?? 1), 1), 0);
      const trainer = new Trainer({ tf, model: compiled, cache, hyperparameters, runId: name, runDir, backend: report, emit: () => undefined });
      const { history } = await trainer.run();
      compiled.dispose();
      const timed = history[1];
      if (timed === undefined) throw new Error(`Expected two epochs of ${name}. Received: ${history.length}`);
      results.push({ model: name, batch, steps: plan.steps, imagesPerSecond: timed.imagesPerSecond, trainableParams, losses: history.map((r) => r.logs['loss'] as number) });
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  process.stdout.write(`RESULT ${JSON.stringify({ device: report.device, kernels: webGpuKernelsEnabled() ? 'ours' : 'stock', results })}\n`);
}

/** Runs one side in its own process (its own GPU device), kernels switched by the environment. */
function spawnSide(side: 'ours' | 'stock', args: string[]): { device: string; results: SideResult[] } {
  const env = { ...process.env, MODEL_LAB_WEBGPU_KERNELS: side === 'stock' ? 'stock' : '' };
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--side', side, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (child.status !== 0 || line === undefined) throw new Error(`The ${side} side failed (exit ${child.status ?? child.signal}). Output: ${child.stdout.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as { device: string; results: SideResult[] };
}

/** The model as the PyTorch peer reads it: nodes in topological order with their Keras configs and inputs. */
function peerModel(model: BenchModel, batch: number, steps: number): object {
  const graph = model.graph();
  const analysis = analyzeGraph(graph);
  const nodes = analysis.order.map((id) => {
    const node = graph.nodes.find((n) => n.id === id);
    if (node === undefined) throw new Error(`Expected node ${id} in ${graph.name}`);
    const inputs = graph.edges.filter((e) => e.target === id).sort((a, b) => a.targetIndex - b.targetIndex).map((e) => e.source);
    const config = node.type === 'Input' ? {} : getLayerSpec(node.type).kerasConfig(resolveLayerParams(getLayerSpec(node.type), node.params).params);
    return { id, type: node.type, inputs, config, outputShape: (analysis.shapes[id] ?? []).slice(1) };
  });
  return { name: model.name, inputShape: model.inputShape, classes: CLASSES, batch, steps, nodes, output: analysis.outputs[0] };
}

interface PeerResult {
  device: string;
  torch: string;
  cuda: boolean;
  results: { model: string; batch: number; steps: number; params: number; imagesPerSecond: number }[];
}

/** Runs the PyTorch peer on the plan; its JSON answer is its last line of output. */
async function runPeer(python: string, plan: object): Promise<PeerResult> {
  const file = path.join(os.tmpdir(), `gpu-bench-plan-${process.pid}.json`);
  await fs.writeFile(file, JSON.stringify(plan));
  try {
    const child = spawnSync(python, [path.join(repoRoot(), 'bench', 'peers', 'gpu_torch.py'), file], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, OPENBLAS_NUM_THREADS: process.env['OPENBLAS_NUM_THREADS'] ?? '1', PYTHONUNBUFFERED: '1' },
    });
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`The PyTorch peer failed (exit ${child.status ?? child.signal}): ${child.stdout.slice(-2000)}`);
    return JSON.parse(line) as PeerResult;
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** The Python with PyTorch: Debian's /usr/bin/python3 here, `python3` on the lent GPU machine. */
function findPython(): string {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('Expected a Python with PyTorch (/usr/bin/python3 or python3). Received: none imports torch');
}

const ratio = (a: number | undefined, b: number | undefined): number | null => (a === undefined || b === undefined || b === 0 ? null : a / b);
/** A rate with three significant digits below 100 (software adapters train at a few images/s), whole numbers above. */
const rate = (value: number | undefined): string => (value === undefined ? '-' : value < 100 ? value.toPrecision(3) : Math.round(value).toLocaleString('en-US'));
const fixed = (value: number | null, digits: number): string => (value === null ? '-' : value.toFixed(digits));

async function main(): Promise<void> {
  const names = values.models?.split(',') ?? MODELS.map((m) => m.name);
  for (const name of names) {
    if (!MODELS.some((m) => m.name === name)) throw new Error(`Expected models among ${MODELS.map((m) => m.name).join(', ')}. Received: ${name}`);
  }
  if (values.side === 'ours' || values.side === 'stock') {
    await runSide({ models: names, steps: Number(values.steps), batchOverride: values['batch-override'] === undefined ? undefined : Number(values['batch-override']) });
    return;
  }
  const { probe } = await requestWebGpuAdapter();
  if (!probe.found) throw new Error(`Expected a WebGPU adapter. Received: ${probe.evidence}`);
  const software = probe.software;
  const steps = values.steps === undefined ? (software ? SOFTWARE_STEPS : GPU_STEPS) : Number(values.steps);
  const batchOverride = software ? SOFTWARE_BATCH : undefined;
  const python = values.python ?? findPython();
  const sideArgs = ['--steps', String(steps), '--models', names.join(','), ...(batchOverride === undefined ? [] : ['--batch-override', String(batchOverride)])];
  console.log(`Adapter: ${probe.device}${software ? ' — a software adapter: tiny batches and steps, ratios not meaningful' : ''}`);
  console.log(`${steps} timed steps per model after a warm-up epoch of ${steps}; fp32, Adam, synthetic data.`);
  const started = performance.now();
  const ours = spawnSide('ours', sideArgs);
  console.log(`webgpu, Model Lab kernels: done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const stock = spawnSide('stock', sideArgs);
  console.log(`webgpu, tfjs stock kernels: done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const plan = { cpuThreads: 2, models: names.map((name) => {
    const model = MODELS.find((m) => m.name === name) as BenchModel;
    return peerModel(model, batchOverride ?? model.batch, steps);
  }) };
  const peer = await runPeer(python, plan);
  console.log(`PyTorch ${peer.torch} on ${peer.device}: done (${((performance.now() - started) / 1000).toFixed(0)} s)`);

  const rows = names.map((name) => {
    const o = ours.results.find((r) => r.model === name);
    const s = stock.results.find((r) => r.model === name);
    const t = peer.results.find((r) => r.model === name);
    return {
      model: name, batch: o?.batch ?? 0, steps,
      oursImagesPerSecond: o?.imagesPerSecond, stockImagesPerSecond: s?.imagesPerSecond, torchImagesPerSecond: t?.imagesPerSecond,
      oursVsTorch: ratio(o?.imagesPerSecond, t?.imagesPerSecond), stockVsTorch: ratio(s?.imagesPerSecond, t?.imagesPerSecond), oursVsStock: ratio(o?.imagesPerSecond, s?.imagesPerSecond),
      trainableParams: o?.trainableParams, torchParams: t?.params, sameModel: o?.trainableParams === t?.params,
      oursLosses: o?.losses, stockLosses: s?.losses,
    };
  });
  const note = software || !peer.cuda ? 'Ratios not meaningful: ' + [software ? `WebGPU ran on a software adapter (${probe.device})` : '', !peer.cuda ? `PyTorch ran on the CPU (${peer.device})` : ''].filter(Boolean).join('; ') + '.' : undefined;
  console.log('');
  console.log('| model | batch | webgpu (ours) img/s | webgpu (stock) img/s | PyTorch img/s | ours/PyTorch | stock/PyTorch | ours/stock |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(`| ${row.model} | ${row.batch} | ${rate(row.oursImagesPerSecond)} | ${rate(row.stockImagesPerSecond)} | ${rate(row.torchImagesPerSecond)} | ${fixed(row.oursVsTorch, 4)} | ${fixed(row.stockVsTorch, 4)} | ${fixed(row.oursVsStock, 2)} |`);
    if (!row.sameModel) console.log(`  ! ${row.model}: trainable parameters differ (tfjs ${row.trainableParams}, PyTorch ${row.torchParams}): not the same model`);
  }
  if (note) console.log(`\n${note}`);
  const result = {
    date: new Date().toISOString(), machine: { adapter: probe.device, software, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism?.() ?? os.cpus().length, node: process.versions.node, platform: `${process.platform} ${process.arch}` },
    peer: { device: peer.device, torch: peer.torch, cuda: peer.cuda }, webgpuDevice: ours.device, steps, note: note ?? null, rows,
  };
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const resultsDir = path.join(repoRoot(), 'bench', 'results');
  await fs.mkdir(resultsDir, { recursive: true });
  await fs.writeFile(path.join(resultsDir, 'gpu.json'), json);
  if (values.out) {
    await fs.mkdir(values.out, { recursive: true });
    await fs.writeFile(path.join(values.out, 'gpu.json'), json);
  }
  console.log(`\nWrote ${path.join(resultsDir, 'gpu.json')}${values.out ? ` and ${path.join(values.out, 'gpu.json')}` : ''}`);
}

await main();
