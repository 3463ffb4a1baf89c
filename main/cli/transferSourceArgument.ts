import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { TransferSource } from '../../common/training/transferSource';

/** Model file endings a transfer source may have (Keras H5 / .keras, TF.js or Keras JSON). */
const MODEL_FILE_PATTERN = /\.(h5|hdf5|keras|json)$/i;

/**
 * The transfer source named by `<run-id | model-file>`: a model file when the argument
 * looks like a path (a known model ending, a path separator, or an existing file or
 * folder), otherwise a run id, of `projectDir` when given.
 */
export async function parseTransferSourceArgument(argument: string, projectDir: string | undefined): Promise<TransferSource> {
  const isPath = MODEL_FILE_PATTERN.test(argument) || argument.includes('/') || argument.includes(path.sep)
    || (await fs.stat(argument).then(() => true, () => false));
  if (isPath) return { modelPath: path.resolve(argument) };
  return projectDir === undefined ? { runId: argument } : { runId: argument, projectDir: path.resolve(projectDir) };
}
