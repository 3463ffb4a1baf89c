import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError, received } from '../../common/errors';
import type { TransferSource } from '../../common/training/transferSource';
import { looksLikeModelGraph, type ModelGraph } from '../../common/graph/schema';
import type { Tfjs } from '../engine/backend';
import { importModelFile } from '../formats/importModel';
import { readRunSpec } from '../project/runRepository';
import { applicationTarget } from './applicationWeights';

/** How a source reference becomes a place on disk; the API layer checks paths against its allow-list. */
export interface TransferSourceLocator {
  /** The folder of run `runId` in the project at `projectDir` (or the lab's own runs). */
  runDir(projectDir: string | undefined, runId: string): Promise<string>;
  /** An allowed absolute path for a model file. */
  modelPath(requested: string): Promise<string>;
  /** The TF.js module, needed to read TF.js model files. */
  tf(): Promise<Tfjs>;
}

/** What a transfer may be built on: a run, a model file, or (fresh weights only) a graph. */
export type TransferGraphSource = TransferSource | { graph: ModelGraph };

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * Refuses a Model Lab graph file named as a model file: it describes layers but holds no
 * weights, and read as a Keras model it would fail with a message about Keras configs.
 *
 * @throws LabError `TRANSFER_NO_WEIGHTS` naming the file and the ways on.
 */
export async function refuseGraphFile(file: string): Promise<void> {
  if (path.extname(file).toLowerCase() !== '.json') return;
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  // Unreadable or not JSON: the model reader says what is wrong with it.
  if (text === null || !looksLikeModelGraph(parseJsonOrNull(text))) return;
  throw new LabError(
    'TRANSFER_NO_WEIGHTS',
    `Expected a model with weights to build on: ${file} is a Model Lab graph, which describes layers but holds no weights. Build on the run that trained it (its run id), or on a model file exported with weights (.h5, .keras or a TF.js model.json). ${received('path', file)}`,
    { path: file, field: 'source' },
  );
}

/**
 * The graph of a transfer source: the graph stored with the run, the graph of an imported
 * Keras / TF.js model file, the template a Keras weights file fills, or a graph given as is
 * (its new model starts from fresh weights).
 *
 * @throws LabError `RUN_NOT_FOUND`, `IO_NOT_FOUND`, `IO_BAD_FORMAT`, `LAYER_UNSUPPORTED`,
 *   `TEMPLATE_*` for a weights source's template, or `TRANSFER_NO_WEIGHTS` for a graph file
 *   named as a model file.
 */
export async function loadTransferSourceGraph(source: TransferGraphSource, locate: TransferSourceLocator): Promise<ModelGraph> {
  if ('graph' in source) return source.graph;
  if ('runId' in source) {
    const spec = await readRunSpec(await locate.runDir(source.projectDir, source.runId));
    return spec.graph;
  }
  if ('weightsPath' in source) return applicationTarget(source.template).graph;
  const file = await locate.modelPath(source.modelPath);
  await refuseGraphFile(file);
  const imported = await importModelFile(file, await locate.tf());
  return imported.graph;
}
