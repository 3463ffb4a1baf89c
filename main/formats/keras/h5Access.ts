import h5wasm, { type Group, type Dataset, type File as H5File } from 'h5wasm/node';
import { LabError, received } from '../../../common/errors';

let throwingErrorsActivated = false;

/**
 * Waits for h5wasm's module, once. HDF5 reports errors by printing an HDF5-DIAG trace to
 * stderr and carrying on with a failure status h5wasm does not check (a failed write
 * leaves a corrupt file without an error); h5wasm's throwing error handler turns every
 * such report into a JavaScript error instead, which the readers and writers turn into
 * named LabErrors.
 */
export async function hdf5Ready(): Promise<void> {
  const module = await h5wasm.ready;
  if (!throwingErrorsActivated) {
    module.activate_throwing_error_handler();
    throwingErrorsActivated = true;
  }
}

/**
 * Opens an HDF5 file with h5wasm (see `hdf5Ready`).
 *
 * @param displayPath the file errors name, when `filePath` is a scratch copy of it
 */
export async function openH5(filePath: string, mode: 'r' | 'w' | 'a', displayPath = filePath): Promise<H5File> {
  await hdf5Ready();
  try {
    return new h5wasm.File(filePath, mode);
  } catch (error) {
    throw new LabError(mode === 'r' ? 'IO_BAD_FORMAT' : 'IO_WRITE_FAILED', `Expected ${mode === 'r' ? 'a readable' : 'a writable'} HDF5 file (${hdf5Reason(error)}). ${received('path', displayPath)}`, { path: displayPath });
  }
}

/**
 * What went wrong, from an HDF5-DIAG error (the text h5wasm's throwing handler puts in
 * the JavaScript error): the system's message for an I/O failure (`File too large`), else
 * the innermost HDF5 message (`addr overflow, addr = 5693, size = 49, eoa = 2048`),
 * without the source paths and line numbers of the trace.
 */
export function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const system = /error message = '([^']*)'/.exec(text);
  if (system?.[1]) return system[1];
  const frames = [...text.matchAll(/#\d+: .* in [\w]+\(\): ([^\n]+)/g)];
  const innermost = frames.at(-1)?.[1]?.trim();
  if (innermost) return innermost;
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  return firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
}

/** Creates (or reuses) the group at a slash-separated path below `root`. */
export function ensureGroup(root: Group, groupPath: string): Group {
  let current = root;
  for (const part of groupPath.split('/').filter((p) => p !== '')) {
    const existing = current.get(part);
    current = existing instanceof h5wasm.Group ? existing : current.create_group(part);
  }
  return current;
}

/** Writes a float32 dataset at a slash-separated path below `root` (parent groups created). */
export function writeFloatDataset(root: Group, datasetPath: string, data: Float32Array, shape: number[]): void {
  const parts = datasetPath.split('/');
  const name = parts.pop() as string;
  ensureGroup(root, parts.join('/')).create_dataset({ name, data, shape, dtype: '<f' });
}

/** A group at `groupPath`, or null. */
export function getGroup(root: Group, groupPath: string): Group | null {
  const entity = root.get(groupPath);
  return entity instanceof h5wasm.Group ? entity : null;
}

/** A dataset at `datasetPath`, or null. */
export function getDataset(root: Group, datasetPath: string): Dataset | null {
  const entity = root.get(datasetPath);
  return entity instanceof h5wasm.Dataset ? entity : null;
}

/** A dataset's values as float32 with its shape (float64 and float16 files are converted). */
export function readFloatDataset(dataset: Dataset, where: string): { data: Float32Array; shape: number[] } {
  const value = dataset.value;
  const shape = dataset.shape ?? [];
  if (value instanceof Float32Array) return { data: value.slice(), shape };
  if (value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array) return { data: Float32Array.from(value), shape };
  if (typeof value === 'number') return { data: Float32Array.of(value), shape };
  throw new LabError('IO_BAD_FORMAT', `Expected a numeric weight dataset at ${where}. ${received('dtype', dataset.dtype)}`, { field: where });
}

/** A string attribute (fixed or variable length), or null when absent. */
export function stringAttribute(entity: Group, name: string): string | null {
  if (!(name in entity.attrs)) return null;
  const value = entity.get_attribute(name, true);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value.join('');
  return null;
}

/** A list-of-strings attribute (`layer_names`, `weight_names`); empty when absent or empty. */
export function stringListAttribute(entity: Group, name: string): string[] {
  if (!(name in entity.attrs)) return [];
  const value = entity.get_attribute(name, true);
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
