import { existsSync } from 'node:fs';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { deserializeError, LabError } from '../../common/errors';
import type { IDisposable } from '../../common/lifecycle';
import type { Preprocessing } from '../../common/data/preprocessing';
import type { DecodeReply, DecodeRequest } from './decodeProtocol';
import { preprocessImageBytes, type PreprocessedImage } from './preprocess';
import { startWorkerModule, workerModuleBeside } from '../workerModule';

/** One worker thread and the requests it has not answered yet. */
interface PoolWorker {
  worker: Worker;
  inFlight: Set<number>;
  /** Set by its first reply: a worker that fails before answering cannot run here. */
  answered: boolean;
}

interface PendingDecode {
  /** Shared memory the worker writes the pixels into, when the caller gave one. */
  target: Uint8Array | undefined;
  resolve: (image: PreprocessedImage) => void;
  reject: (error: LabError) => void;
  owner: PoolWorker;
}

/**
 * Worker threads that decode and preprocess image files (sharp decode plus the bilinear
 * resize of resize.ts), so a folder import spreads that work over every core instead of
 * resizing on the thread that also schedules decodes, writes the cache and serves the API.
 * Pixels come back in transferred memory. Workers start on first use and are unreferenced
 * while idle, so an idle pool never keeps the process alive.
 */
export class DecodePool implements IDisposable {
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, PendingDecode>();
  private nextId = 1;
  private disposed = false;
  private startFailed = false;

  /**
   * @param size worker threads (at least 1)
   * @param entry absolute path of the worker module (decodeWorker.ts / .mjs)
   */
  constructor(readonly size: number, private readonly entry: string) {}

  /** False once disposed, or once a worker failed before its first reply (the module cannot run here). */
  get usable(): boolean {
    return !this.disposed && !this.startFailed;
  }

  /**
   * Decodes `file` and applies `preprocessing` on a worker thread; the same result as
   * `preprocessImageBytes(file, preprocessing, file, out)`. An `out` backed by a
   * SharedArrayBuffer receives the pixels in place (nothing is copied or transferred);
   * any other `out` is left alone and the pixels come back in new memory.
   *
   * @throws LabError `DATASET_BAD_FILE` for an unreadable image (as `preprocessImageBytes`),
   *   `INTERNAL` when the worker dies or the pool is disposed.
   */
  decode(file: string, preprocessing: Preprocessing, out?: Uint8Array): Promise<PreprocessedImage> {
    if (!this.usable) return Promise.reject(new LabError('INTERNAL', `Expected a usable decode pool. Received: disposed=${this.disposed} startFailed=${this.startFailed} for ${file}`));
    const owner = this.leastBusy();
    const id = this.nextId++;
    const target = out && out.buffer instanceof SharedArrayBuffer ? out : undefined;
    const request: DecodeRequest = target ? { id, file, preprocessing, target } : { id, file, preprocessing };
    return new Promise<PreprocessedImage>((resolve, reject) => {
      this.pending.set(id, { target, resolve, reject, owner });
      if (owner.inFlight.size === 0) owner.worker.ref();
      owner.inFlight.add(id);
      owner.worker.postMessage(request);
    });
  }

  /** Terminates the workers; requests still in flight fail with `INTERNAL`. */
  dispose(): void {
    this.disposed = true;
    for (const owner of [...this.workers]) this.retire(owner, 'the decode pool was disposed');
  }

  private leastBusy(): PoolWorker {
    if (this.workers.length < this.size) return this.start();
    let best = this.workers[0]!;
    for (const candidate of this.workers) if (candidate.inFlight.size < best.inFlight.size) best = candidate;
    return best;
  }

  private start(): PoolWorker {
    const owner: PoolWorker = { worker: startWorkerModule(this.entry), inFlight: new Set(), answered: false };
    owner.worker.unref();
    owner.worker.on('message', (reply: DecodeReply) => this.settle(owner, reply));
    owner.worker.on('error', (error: Error) => this.retire(owner, error.message));
    owner.worker.on('exit', (code) => this.retire(owner, `the decode worker exited with code ${code}`));
    this.workers.push(owner);
    return owner;
  }

  private settle(owner: PoolWorker, reply: DecodeReply): void {
    const pending = this.pending.get(reply.id);
    owner.answered = true;
    if (!pending) return;
    this.pending.delete(reply.id);
    owner.inFlight.delete(reply.id);
    if (owner.inFlight.size === 0) owner.worker.unref();
    if ('error' in reply) pending.reject(deserializeError(reply.error));
    else {
      const pixels = reply.pixels ?? pending.target;
      if (pixels) pending.resolve({ pixels, originalWidth: reply.originalWidth, originalHeight: reply.originalHeight, ...(reply.channelSums ? { channelSums: reply.channelSums } : {}) });
      else pending.reject(new LabError('INTERNAL', `Expected pixels from the decode worker. Received: neither pixels nor a shared target for request ${reply.id}`));
    }
  }

  /** Drops a worker that failed, exited or is being disposed; its requests fail. */
  private retire(owner: PoolWorker, reason: string): void {
    const index = this.workers.indexOf(owner);
    if (index < 0) return;
    this.workers.splice(index, 1);
    if (!owner.answered && !this.disposed) this.startFailed = true;
    for (const id of owner.inFlight) {
      const pending = this.pending.get(id);
      this.pending.delete(id);
      pending?.reject(new LabError('INTERNAL', `Expected the decode worker to answer. Received: ${reason}`, { reason }));
    }
    owner.inFlight.clear();
    void owner.worker.terminate();
  }
}

/** Absolute path of the decode worker module (beside this file, or beside the bundle that holds it). */
export function decodeWorkerPath(): string {
  return workerModuleBeside(import.meta.url, 'decodeWorker');
}

let shared: DecodePool | null | undefined;

/**
 * The process-wide decode pool, one worker per core; null on a single core (a worker
 * would only add copying) or where the worker module is not there (a bundle built
 * without it), in which case callers decode on their own thread.
 */
export function sharedDecodePool(): DecodePool | null {
  if (shared === undefined) {
    const cores = os.availableParallelism();
    const entry = decodeWorkerPath();
    shared = cores > 1 && existsSync(entry) ? new DecodePool(cores, entry) : null;
  }
  return shared;
}

/**
 * Decodes and preprocesses one image file on the shared pool when there is one, else on
 * this thread (into `out` when given). The pixels are the same either way; a request the
 * pool could not serve (a worker that died or never started) is decoded here instead.
 *
 * @throws LabError `DATASET_BAD_FILE` for an unreadable image.
 */
export async function decodeImageFile(file: string, preprocessing: Preprocessing, out?: Uint8Array): Promise<PreprocessedImage> {
  const pool = sharedDecodePool();
  if (pool?.usable) {
    try {
      return await pool.decode(file, preprocessing, out);
    } catch (error) {
      if (!(error instanceof LabError) || error.code !== 'INTERNAL') throw error;
    }
  }
  return preprocessImageBytes(file, preprocessing, file, out);
}
