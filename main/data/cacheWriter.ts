import fs from 'node:fs/promises';
import path from 'node:path';
import { CACHE_FILES, type RecordSource } from './datasetCache';

/** Everything the writer learned while appending. */
export interface WrittenRecords {
  count: number;
  labels: number[];
  sources: RecordSource[] | undefined;
  /** Width x height before resizing, per record. */
  originalSizes: Array<[number, number]>;
  /** Per channel: sum and sum of squares of the bytes. */
  channelSums: number[];
  channelSquares: number[];
}

/** Bytes gathered before one write call (rounded down to whole records, at least one). */
const FLUSH_BYTES = 4 << 20;

/**
 * Appends fixed-size uint8 records to `images.u8` in a new cache folder, buffering writes,
 * and gathers labels and per-channel sums for the stats. Records are copied into one staging
 * buffer that is reused after each write, so appending allocates nothing per record.
 */
export class CacheWriter {
  private handle: fs.FileHandle | undefined;
  private readonly staging: Uint8Array;
  private pendingBytes = 0;
  private readonly labels: number[] = [];
  private readonly sources: RecordSource[] = [];
  private readonly originalSizes: Array<[number, number]> = [];
  private readonly sums: number[];
  private readonly squares: number[];

  constructor(readonly dir: string, readonly recordBytes: number, readonly channels: number) {
    this.sums = new Array<number>(channels).fill(0);
    this.squares = new Array<number>(channels).fill(0);
    this.staging = new Uint8Array(recordBytes * Math.max(1, Math.floor(FLUSH_BYTES / Math.max(1, recordBytes))));
  }

  /** Creates the folder and the images file. */
  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    this.handle = await fs.open(path.join(this.dir, CACHE_FILES.images), 'w');
  }

  get count(): number {
    return this.labels.length;
  }

  /** Appends one record. `pixels` must be exactly `recordBytes` long. */
  async append(pixels: Uint8Array, label: number, originalSize: [number, number], source?: RecordSource): Promise<void> {
    if (pixels.length !== this.recordBytes) throw new Error(`record of ${pixels.length} bytes, expected ${this.recordBytes}`);
    this.labels.push(label);
    this.originalSizes.push(originalSize);
    if (source) this.sources.push(source);
    if (this.channels === 3) {
      // One interleaved pass: this runs for every record of an import.
      let r = 0, g = 0, b = 0, rr = 0, gg = 0, bb = 0;
      for (let i = 0; i < pixels.length; i += 3) {
        const vr = pixels[i]!;
        const vg = pixels[i + 1]!;
        const vb = pixels[i + 2]!;
        r += vr;
        g += vg;
        b += vb;
        rr += vr * vr;
        gg += vg * vg;
        bb += vb * vb;
      }
      this.sums[0]! += r;
      this.sums[1]! += g;
      this.sums[2]! += b;
      this.squares[0]! += rr;
      this.squares[1]! += gg;
      this.squares[2]! += bb;
    } else {
      for (let c = 0; c < this.channels; c++) {
        let sum = 0;
        let square = 0;
        for (let i = c; i < pixels.length; i += this.channels) {
          const v = pixels[i]!;
          sum += v;
          square += v * v;
        }
        this.sums[c]! += sum;
        this.squares[c]! += square;
      }
    }
    this.staging.set(pixels, this.pendingBytes);
    this.pendingBytes += pixels.length;
    if (this.pendingBytes === this.staging.length) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.handle || this.pendingBytes === 0) return;
    let written = 0;
    // A write may be partial; the staging buffer is reused only after all of it is out.
    while (written < this.pendingBytes) {
      const { bytesWritten } = await this.handle.write(this.staging, written, this.pendingBytes - written);
      written += bytesWritten;
    }
    this.pendingBytes = 0;
  }

  /** Flushes and closes the images file. */
  async finish(): Promise<WrittenRecords> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
    return {
      count: this.labels.length,
      labels: this.labels,
      sources: this.sources.length === this.labels.length && this.labels.length > 0 ? this.sources : undefined,
      originalSizes: this.originalSizes,
      channelSums: this.sums,
      channelSquares: this.squares,
    };
  }

  /** Closes and deletes the folder (cancelled or failed import). */
  async discard(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
