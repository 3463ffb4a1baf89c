import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { DecodePool, decodeWorkerPath } from '../../../../main/data/decodePool';
import { preprocessImageBytes } from '../../../../main/data/preprocess';
import type { Preprocessing } from '../../../../common/data/preprocessing';
import { LabError } from '../../../../common/errors';

let work: string;
let pool: DecodePool;
const files: string[] = [];
const preprocessing: Preprocessing = { targetSize: [9, 7], colorMode: 'rgb', resizeMode: 'squash', scale: 1 / 255, offset: 0 };

/** A gradient image, so that resizing has something to interpolate. */
async function gradient(width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) raw.set([(i * 7) & 255, (i * 3) & 255, (i >> 2) & 255], i * 3);
  return sharp(raw, { raw: { width, height, channels: 3 } })[format]().toBuffer();
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'lab-decode-pool-'));
  for (const [i, [width, height, format]] of ([[31, 23, 'png'], [40, 17, 'jpeg'], [13, 29, 'png']] as const).entries()) {
    const file = path.join(work, `${i}.${format === 'jpeg' ? 'jpg' : format}`);
    await fs.writeFile(file, await gradient(width, height, format));
    files.push(file);
  }
  await fs.writeFile(path.join(work, 'broken.png'), Buffer.from('not a png at all'));
  pool = new DecodePool(2, decodeWorkerPath());
});

afterAll(async () => {
  pool.dispose();
  await fs.rm(work, { recursive: true, force: true });
});

describe('DecodePool', () => {
  it('returns the same pixels and original sizes as decoding on this thread', async () => {
    const [fromPool, here] = await Promise.all([
      Promise.all(files.map((file) => pool.decode(file, preprocessing))),
      Promise.all(files.map((file) => preprocessImageBytes(file, preprocessing))),
    ]);
    expect(pool.usable).toBe(true);
    fromPool.forEach((image, i) => {
      expect(image.originalWidth).toBe(here[i]!.originalWidth);
      expect(image.originalHeight).toBe(here[i]!.originalHeight);
      expect(Buffer.from(image.pixels).equals(Buffer.from(here[i]!.pixels))).toBe(true);
    });
  });

  it('writes into a shared output slot in place', async () => {
    const recordBytes = 9 * 7 * 3;
    const shared = new Uint8Array(new SharedArrayBuffer(2 * recordBytes));
    const slot = shared.subarray(recordBytes, 2 * recordBytes);
    const image = await pool.decode(files[1]!, preprocessing, slot);
    expect(image.pixels).toBe(slot);
    expect(shared.subarray(0, recordBytes).every((v) => v === 0)).toBe(true);
    const here = await preprocessImageBytes(files[1]!, preprocessing);
    expect(Buffer.from(slot).equals(Buffer.from(here.pixels))).toBe(true);
  });

  it('fails an unreadable file with DATASET_BAD_FILE and the reason, and keeps serving', async () => {
    const error = await pool.decode(path.join(work, 'broken.png'), preprocessing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('DATASET_BAD_FILE');
    expect(typeof (error as LabError).details?.['reason']).toBe('string');
    expect((await pool.decode(files[0]!, preprocessing)).pixels.length).toBe(9 * 7 * 3);
  });

  it('marks itself unusable when its worker module cannot start', async () => {
    const broken = new DecodePool(1, path.join(work, 'missing-worker.mjs'));
    const error = await broken.decode(files[0]!, preprocessing).catch((e: unknown) => e);
    expect((error as LabError).code).toBe('INTERNAL');
    expect(broken.usable).toBe(false);
    broken.dispose();
  });
});
