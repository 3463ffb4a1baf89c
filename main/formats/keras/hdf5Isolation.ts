import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { deserializeError, LabError, received } from '../../../common/errors';
import { startWorkerModule, workerModuleBeside } from '../../workerModule';
import type { Hdf5Reply, Hdf5Request, Hdf5Result, Hdf5Task } from './hdf5Protocol';

/**
 * How long a read may take, once the reader thread is up, before the file is given up
 * on: a floor for small files plus time proportional to the file's size at 5 MB/s, far
 * slower than HDF5 reads a healthy file even on a busy machine (a small model takes
 * milliseconds).
 */
export function hdf5ReadDeadlineMs(bytes: number): number {
  return 2_000 + bytes / 5_000;
}

type Settle = { resolve: (value: unknown) => void; reject: (error: LabError) => void };

/**
 * HDF5 (h5wasm) runs synchronously and trusts the file: a damaged file can make it loop
 * forever or abort the WebAssembly module, which on the lab's own thread would freeze or
 * end the whole lab. Reads therefore run on one worker thread, one at a time, under a
 * deadline; a worker that overruns it, or dies, is replaced and the read fails as a
 * damaged file. Where the worker cannot start (a bundle without its module), reads run on
 * this thread.
 */
class Hdf5Reader {
  private worker: Worker | null = null;
  private ready: Promise<boolean> | null = null;
  private pending = new Map<number, Settle>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * @param entry absolute path of the worker module
   * @param workerUnusable true where the module is missing: every read runs on this thread
   */
  constructor(private readonly entry: string, private workerUnusable: boolean) {}

  /** Runs `task` after every earlier one; see the class comment. */
  run<T extends Hdf5Task>(task: T, displayPath: string, deadlineMs?: number): Promise<Hdf5Result<T>> {
    const result = this.queue.then(() => this.runNow(task, displayPath, deadlineMs));
    this.queue = result.catch(() => undefined);
    return result as Promise<Hdf5Result<T>>;
  }

  private async runNow(task: Hdf5Task, displayPath: string, deadlineMs: number | undefined): Promise<unknown> {
    if (this.workerUnusable || !(await this.startedWorker())) {
      const { runHdf5Task } = await import('./hdf5Tasks');
      return runHdf5Task(task, displayPath);
    }
    const worker = this.worker as Worker;
    const limit = deadlineMs ?? hdf5ReadDeadlineMs((await fs.stat(task.file)).size);
    const id = this.nextId++;
    worker.ref();
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          this.discardWorker();
          reject(new LabError('IO_BAD_FORMAT', `Expected an HDF5 file that reads within ${Math.round(limit / 1000)} s; reading it did not finish, so the file is treated as damaged. ${received('path', displayPath)}`, { path: displayPath }));
        }, limit);
        this.pending.set(id, {
          resolve: (value) => { clearTimeout(timer); resolve(value); },
          reject: (error) => { clearTimeout(timer); reject(error); },
        });
        const request: Hdf5Request = { id, displayPath, task };
        worker.postMessage(request);
      });
    } finally {
      this.worker?.unref();
    }
  }

  /** The worker, started on first use; false when it cannot run here. */
  private startedWorker(): Promise<boolean> {
    if (this.ready !== null && this.worker !== null) return this.ready;
    const worker = startWorkerModule(this.entry, ['h5wasm/node']);
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<boolean>((resolve) => {
      let started = false;
      worker.on('message', (reply: Hdf5Reply) => {
        if (reply.kind === 'ready') {
          started = true;
          resolve(true);
          return;
        }
        const settle = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.kind === 'result') settle?.resolve(reply.result);
        else {
          // After a WebAssembly abort the worker's HDF5 is unusable: the next read gets a new worker.
          if (reply.fatal && this.worker === worker) this.discardWorker();
          settle?.reject(deserializeError(reply.error));
        }
      });
      const stopped = (why: string): void => {
        if (!started) {
          this.workerUnusable = true;
          resolve(false);
        }
        if (this.worker === worker) this.discardWorker();
        for (const [id, settle] of this.pending) {
          this.pending.delete(id);
          settle.reject(new LabError('IO_BAD_FORMAT', `Expected an HDF5 file the reader can get through; it stopped on this file (${why}), so the file is treated as damaged. Received: ${why}`, { reason: why }));
        }
      };
      worker.on('error', (error: Error) => stopped(error.message));
      worker.on('exit', (code) => stopped(`exit code ${code}`));
    });
    return this.ready;
  }

  private discardWorker(): void {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    void worker?.terminate();
  }
}

let shared: Hdf5Reader | undefined;

/**
 * Runs an HDF5 read on the shared reader thread (see `Hdf5Reader`).
 *
 * @param displayPath the file errors name (the .keras archive rather than its scratch copy)
 * @param deadlineMs how long the read may take; `hdf5ReadDeadlineMs` of the file's size by default
 * @throws LabError `IO_BAD_FORMAT` naming `displayPath` for a damaged file, or the read's own errors.
 */
export function readHdf5Isolated<T extends Hdf5Task>(task: T, displayPath: string, deadlineMs?: number): Promise<Hdf5Result<T>> {
  if (shared === undefined) {
    const entry = workerModuleBeside(import.meta.url, 'hdf5Worker');
    shared = new Hdf5Reader(entry, !existsSync(entry));
  }
  return shared.run(task, displayPath, deadlineMs);
}
