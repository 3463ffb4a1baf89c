import { LabError, received } from '../../../common/errors';
import { hdf5Reason } from './h5Access';
import { readArchiveVariables, readKerasH5Contents, readRootAttributes } from './hdf5Reads';
import type { Hdf5Result, Hdf5Task } from './hdf5Protocol';

/**
 * True for the error of a WebAssembly abort (a RuntimeError `Aborted(...)`), after which
 * the module is unusable. Matched by name: the engine's lib has no WebAssembly typings.
 */
export function isWasmAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'RuntimeError' || error.message.startsWith('Aborted('));
}

/**
 * Runs one HDF5 read on this thread. A failure that is not already a LabError (HDF5
 * reporting a damaged structure) becomes `IO_BAD_FORMAT` naming `displayPath` and what
 * HDF5 found wrong; `details.aborted` marks a WebAssembly abort, after which this
 * thread's HDF5 module reads nothing more.
 */
export async function runHdf5Task(task: Hdf5Task, displayPath: string): Promise<Hdf5Result<Hdf5Task>> {
  try {
    if (task.kind === 'keras-h5') return await readKerasH5Contents(task.file);
    if (task.kind === 'archive-variables') return await readArchiveVariables(task.file, task.groupPaths, displayPath);
    return await readRootAttributes(task.file, task.names);
  } catch (error) {
    if (error instanceof LabError) throw error;
    throw new LabError('IO_BAD_FORMAT', `Expected a readable HDF5 file; it is damaged (${hdf5Reason(error)}). ${received('path', displayPath)}`, { path: displayPath, ...(isWasmAbort(error) ? { aborted: true } : {}) });
  }
}
