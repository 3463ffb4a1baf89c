/**
 * Worker thread entry of the HDF5 reader (hdf5Isolation.ts): runs each read with the code
 * the main thread would run and answers with the result (weights in transferred memory)
 * or the error.
 */
import { parentPort } from 'node:worker_threads';
import { LabError, serializeError } from '../../../common/errors';
import type { WeightArray } from '../layerWeights';
import type { Hdf5Reply, Hdf5Request, Hdf5Result, Hdf5Task } from './hdf5Protocol';
import type { KerasH5Contents } from './hdf5Reads';
import { hdf5Ready } from './h5Access';
import { runHdf5Task } from './hdf5Tasks';

/** The weight buffers a result owns whole, to hand over without copying. */
function transferables(task: Hdf5Task, result: Hdf5Result<Hdf5Task>): ArrayBuffer[] {
  if (task.kind === 'root-attributes') return [];
  const lists = task.kind === 'keras-h5' ? (result as KerasH5Contents).layers.map(([, weights]) => weights) : (result as (WeightArray[] | null)[]);
  const buffers = new Set<ArrayBuffer>();
  for (const weights of lists) {
    for (const { data } of weights ?? []) if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) buffers.add(data.buffer as ArrayBuffer);
  }
  return [...buffers];
}

const port = parentPort;
if (port) {
  // HDF5 and the WebAssembly runtime print their own reports (an abort's "Aborted(...)")
  // to this thread's stderr; every failure already reaches the lab as an error reply.
  process.stderr.write = (() => true) as typeof process.stderr.write;
  port.on('message', (request: Hdf5Request) => {
    void runHdf5Task(request.task, request.displayPath).then(
      (result) => {
        const reply: Hdf5Reply = { kind: 'result', id: request.id, result };
        port.postMessage(reply, transferables(request.task, result));
      },
      (error: unknown) => {
        const reply: Hdf5Reply = { kind: 'error', id: request.id, error: serializeError(error), fatal: error instanceof LabError && error.details?.['aborted'] === true };
        port.postMessage(reply);
      },
    );
  });
  // Ready once the WebAssembly module is compiled, so no read's deadline pays for that.
  void hdf5Ready().then(() => {
    const ready: Hdf5Reply = { kind: 'ready' };
    port.postMessage(ready);
  });
}
