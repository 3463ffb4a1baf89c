/**
 * Image folder import throughput against its peer in the same run: raw sharp decoding of
 * the same files (`sharp(file).raw().toBuffer()`, 4 in flight: libuv's pool size, where raw
 * decoding peaks; 8 is no faster). The import runs with its own default (8 in flight) and also
 * stats, resizes, converts, writes the cache and computes stats, so the goal is a ratio
 * of at least 0.8.
 *
 * Run: npm run bench -- import [--images 600] [--size 128]
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { importDataset } from '../main/data/importDataset';
import { importOptionsSchema } from '../common/api/methods/datasets';

const CONCURRENCY = 4;

const { values } = parseArgs({ options: { images: { type: 'string', default: '600' }, size: { type: 'string', default: '128' }, rounds: { type: 'string', default: '5' } } });
const imageCount = Number(values.images);
const targetSide = Number(values.size);
const rounds = Number(values.rounds);

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

/** Peer: decode every file to raw pixels with sharp, `CONCURRENCY` at a time. */
async function rawDecode(files: string[]): Promise<Measure> {
  return measure(files.length, async () => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++]!;
        await sharp(file).raw().toBuffer();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  });
}

async function folderImport(source: string, cacheRoot: string): Promise<Measure> {
  await fs.rm(cacheRoot, { recursive: true, force: true });
  const options = importOptionsSchema.parse({ targetSize: [targetSide, targetSide], colorMode: 'rgb' });
  return measure(imageCount, async () => {
    const { info } = await importDataset({ path: source, kind: 'folder', options }, { datasetsRoot: cacheRoot });
    const count = info.splits.train + info.splits.validation + info.splits.test;
    if (count !== imageCount) throw new Error(`imported ${count} of ${imageCount} images`);
  });
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-import-'));
try {
  process.stdout.write(`Generating ${imageCount} images (JPEG and PNG, 400-496 x 300-372)...\n`);
  const files = await makeFolder(path.join(work, 'images'));
  // Warm the page cache and sharp once so neither side pays for first use.
  await rawDecode(files.slice(0, 20));
  let bestRaw: Measure = { rate: 0, cpuMsPerImage: Infinity };
  let bestImport: Measure = { rate: 0, cpuMsPerImage: Infinity };
  for (let r = 0; r < rounds; r++) {
    const raw = await rawDecode(files);
    const imported = await folderImport(path.join(work, 'images'), path.join(work, 'cache'));
    if (raw.rate > bestRaw.rate) bestRaw = raw;
    if (imported.rate > bestImport.rate) bestImport = imported;
    process.stdout.write(`round ${r + 1}: raw sharp decode ${raw.rate.toFixed(1)} images/s, folder import ${imported.rate.toFixed(1)} images/s\n`);
  }
  const ratio = bestImport.rate / bestRaw.rate;
  process.stdout.write(`\nraw sharp decode (peer): ${bestRaw.rate.toFixed(1)} images/s, ${bestRaw.cpuMsPerImage.toFixed(2)} ms CPU per image\n`);
  process.stdout.write(`folder import (${targetSide}x${targetSide} rgb, cache + stats): ${bestImport.rate.toFixed(1)} images/s, ${bestImport.cpuMsPerImage.toFixed(2)} ms CPU per image\n`);
  process.stdout.write(`ratio import/raw: ${ratio.toFixed(2)} (goal >= 0.80) ${ratio >= 0.8 ? 'OK' : 'BELOW GOAL'}\n`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
