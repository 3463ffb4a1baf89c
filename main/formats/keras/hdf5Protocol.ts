import type { SerializedLabError } from '../../../common/errors';
import type { WeightArray } from '../layerWeights';
import type { KerasH5Contents } from './hdf5Reads';

/** A read the HDF5 worker does: a whole Keras .h5 model, or variable groups of a .keras archive's weights file. */
export type Hdf5Task =
  | { kind: 'keras-h5'; file: string }
  | { kind: 'archive-variables'; file: string; groupPaths: string[] }
  | { kind: 'root-attributes'; file: string; names: string[] };

/** What each task answers. */
export type Hdf5Result<T extends Hdf5Task> = T extends { kind: 'keras-h5' } ? KerasH5Contents
  : T extends { kind: 'archive-variables' } ? (WeightArray[] | null)[]
    : [string, string | null][];

/** A task sent to the worker, with the path its errors name (the .keras file, not the scratch copy). */
export type Hdf5Request = { id: number; displayPath: string; task: Hdf5Task };

/** The worker's messages: ready once it has loaded, then one answer per request. */
export type Hdf5Reply =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; result: Hdf5Result<Hdf5Task> }
  /** `fatal`: the WebAssembly module aborted and this worker can read nothing more. */
  | { kind: 'error'; id: number; error: SerializedLabError; fatal: boolean };
