import type { TransferSource } from '../../common/training/transferSource';
import type { ModelGraph } from '../../common/graph/schema';
import type { Tfjs } from '../engine/backend';
import { importModelFile } from '../formats/importModel';
import { readRunSpec } from '../project/runStore';

/** How a source reference becomes a place on disk; the API layer checks paths against its allow-list. */
export interface TransferSourceLocator {
  /** The folder of run `runId` in the project at `projectDir` (or the lab's own runs). */
  runDir(projectDir: string | undefined, runId: string): Promise<string>;
  /** An allowed absolute path for a model file. */
  modelPath(requested: string): Promise<string>;
  /** The TF.js module, needed to read TF.js model files. */
  tf(): Promise<Tfjs>;
}

/**
 * The graph of a transfer source: the graph stored with the run, or the graph of an
 * imported Keras / TF.js model file.
 *
 * @throws LabError `RUN_NOT_FOUND`, `IO_NOT_FOUND`, `IO_BAD_FORMAT` or `LAYER_UNSUPPORTED`.
 */
export async function loadTransferSourceGraph(source: TransferSource, locate: TransferSourceLocator): Promise<ModelGraph> {
  if ('runId' in source) {
    const spec = await readRunSpec(await locate.runDir(source.projectDir, source.runId));
    return spec.graph;
  }
  const imported = await importModelFile(await locate.modelPath(source.modelPath), await locate.tf());
  return imported.graph;
}
