/**
 * Image folder import throughput against its peer in the same run: raw sharp decoding of
 * the same files (`sharp(file).raw().toBuffer()`) with the same number of images in flight
 * (the import's default, `DEFAULT_IMPORT_CONCURRENCY`, unless --concurrency says otherwise).
 * The import also stats, resizes, converts, writes the cache and computes stats, so the
 * goal is a ratio of at least 0.8.
 *
 * Fairness on a shared machine: one warm-up round of each side first (page cache, sharp,
 * JIT), then rounds that alternate which side goes first; best and median of each side are
 * printed, with the load average before and after, since other processes skew single rounds.
 *
 * The import decodes and resizes on the decode pool's worker threads (one per core), the
 * peer on libuv's thread pool; both share the same cores. Figures go to
 * bench/results/import.json.
 *
 * Run: npm run bench -- import [--images 600] [--size 128] [--rounds 5] [--concurrency N]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { DEFAULT_IMPORT_CONCURRENCY, importDataset } from '../main/data/importDataset';
import { importOptionsSchema } from '../common/api/methods/datasets';
import { sharedDecodePool } from '../main/data/decodePool';
import { repoRoot } from '../main/install/installFolder';

const { values } = parseArgs({ options: { images: { type: 'string', default: '600' }, size: { type: 'string', default: '128' }, rounds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: String(DEFAULT_IMPORT_CONCURRENCY) } } });
const imageCount = Number(values.images);
const targetSide = Number(values.size);
const rounds = Math.max(1, Number(values.rounds));
const concurrency = Math.max(1, Number(values.concurrency));

/**
 * Writes a folder of photo-sized images (gradients plus texture, 400-496 x 300-372, the
 * range of the Keras cats-vs-dogs tutorial data), half JPEG, half PNG, in 4 classes.
 */
async function makeFolder(root: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < imageCount; i++) {
    const cls = `class${i % 4}`;
    await fs.mkdir(path.join(root, cls), { recursive: true });
    const width = 400 + (i % 5) * 24;
    const height = 300 + (i % 3) * 36;
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        raw[o] = (x + i * 7) & 255;
        raw[o + 1] = (y * 2 + i) & 255;
        raw[o + 2] = ((x ^ y) + ((x * y * (i + 1)) % 17)) & 255;
      }
    }
    const image = sharp(raw, { raw: { width, height, channels: 3 } });
    const file = path.join(root, cls, `${i}.${i % 2 === 0 ? 'jpg' : 'png'}`);
    await fs.writeFile(file, await (i % 2 === 0 ? image.jpeg({ quality: 90 }) : image.png()).toBuffer());
    files.push(file);
  }
  return files;
}

/** Throughput (images/s) and CPU time of the whole process, all threads (ms per image). */
interface Measure {
  rate: number;
  cpuMsPerImage: number;
}

async function measure(count: number, work: () => Promise<void>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { rate: (count * 1000) / (performance.now() - started), cpuMsPerImage: (used.user + used.system) / 1000 / count };
}

/** Peer: decode every file to raw pixels with sharp, `concurrency` at a time. */
async function rawDecode(files: string[]): Promise<Measure> {
  return measure(files.length, async () => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++]!;
        await sharp(file).raw().toBuffer();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
}

async function folderImport(source: string, cacheRoot: string): Promise<Measure> {
  await fs.rm(cacheRoot, { recursive: true, force: true });
  const options = importOptionsSchema.parse({ targetSize: [targetSide, targetSide], colorMode: 'rgb' });
  return measure(imageCount, async () => {
    const { info } = await importDataset({ path: source, kind: 'folder', options }, { datasetsRoot: cacheRoot, concurrency });
    const count = info.splits.train + info.splits.validation + info.splits.test;
    if (count !== imageCount) throw new Error(`imported ${count} of ${imageCount} images`);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function loadAverage(): string {
  return os.loadavg().map((v) => v.toFixed(2)).join(' ');
}

/** Best and median of one side's rounds. */
function summary(label: string, measures: Measure[]): string {
  const rates = measures.map((m) => m.rate);
  const cpu = measures.map((m) => m.cpuMsPerImage);
  return `${label}: best ${Math.max(...rates).toFixed(1)} images/s, median ${median(rates).toFixed(1)} images/s; CPU per image best ${Math.min(...cpu).toFixed(2)} ms, median ${median(cpu).toFixed(2)} ms\n`;
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-import-'));
try {
  process.stdout.write(`Generating ${imageCount} images (JPEG and PNG, 400-496 x 300-372)...\n`);
  const source = path.join(work, 'images');
  const cacheRoot = path.join(work, 'cache');
  const files = await makeFolder(source);
  const pool = sharedDecodePool();
  const decodeThreads = pool ? `${pool.size} decode worker threads` : 'decoding on the main thread';
  process.stdout.write(`${os.availableParallelism()} cores, ${concurrency} images in flight on both sides, import ${decodeThreads}, load average ${loadAverage()}\n`);
  await rawDecode(files);
  await folderImport(source, cacheRoot);
  const raws: Measure[] = [];
  const imports: Measure[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so neither side always runs on a machine the other just heated.
    if (r % 2 === 0) {
      raws.push(await rawDecode(files));
      imports.push(await folderImport(source, cacheRoot));
    } else {
      imports.push(await folderImport(source, cacheRoot));
      raws.push(await rawDecode(files));
    }
    process.stdout.write(`round ${r + 1}: raw sharp decode ${raws[r]!.rate.toFixed(1)} images/s, folder import ${imports[r]!.rate.toFixed(1)} images/s\n`);
  }
  const bestRatio = Math.max(...imports.map((m) => m.rate)) / Math.max(...raws.map((m) => m.rate));
  const medianRatio = median(imports.map((m) => m.rate)) / median(raws.map((m) => m.rate));
  process.stdout.write(`\n${summary('raw sharp decode (peer)', raws)}`);
  process.stdout.write(summary(`folder import (${targetSide}x${targetSide} rgb, cache + stats)`, imports));
  process.stdout.write(`load average after: ${loadAverage()}\n`);
  process.stdout.write(`ratio import/raw: best ${bestRatio.toFixed(2)}, median ${medianRatio.toFixed(2)} (goal >= 0.80) ${bestRatio >= 0.8 ? 'OK' : 'BELOW GOAL'}\n`);
  const results = path.join(repoRoot(), 'bench', 'results');
  await fs.mkdir(results, { recursive: true });
  await fs.writeFile(path.join(results, 'import.json'), `${JSON.stringify({
    date: new Date().toISOString(), images: imageCount, size: targetSide, rounds, concurrency, cores: os.availableParallelism(), decodeThreads: pool?.size ?? 0,
    loadAverage: os.loadavg(), raw: raws, import: imports, bestRatio, medianRatio,
  }, null, 2)}\n`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
