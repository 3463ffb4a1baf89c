import fs from 'node:fs/promises';
import path from 'node:path';
import { CACHE_FILES, type RecordSource } from './datasetCache';
import { addChannelSums } from './stats';

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
  /** Per channel: sums, then sums of squares (`addChannelSums` layout). */
  private readonly totals: Float64Array;

  constructor(readonly dir: string, readonly recordBytes: number, readonly channels: number) {
    this.totals = new Float64Array(2 * channels);
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

  /**
   * Appends one record. `pixels` must be exactly `recordBytes` long. `sums` are its
   * per-channel sums when the decoder already gathered them (`addChannelSums` layout),
   * which spares a pass over the record here.
   */
  async append(pixels: Uint8Array, label: number, originalSize: [number, number], source?: RecordSource, sums?: Float64Array): Promise<void> {
    if (pixels.length !== this.recordBytes) throw new Error(`record of ${pixels.length} bytes, expected ${this.recordBytes}`);
    this.labels.push(label);
    this.originalSizes.push(originalSize);
    if (source) this.sources.push(source);
    if (sums && sums.length === 2 * this.channels) {
      for (let k = 0; k < sums.length; k++) this.totals[k]! += sums[k]!;
    } else {
      addChannelSums(pixels, this.channels, this.totals);
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
      channelSums: Array.from(this.totals.subarray(0, this.channels)),
      channelSquares: Array.from(this.totals.subarray(this.channels)),
    };
  }

  /** Closes and deletes the folder (cancelled or failed import). */
  async discard(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
