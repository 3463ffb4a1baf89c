import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { LabError, received } from '../../common/errors';
import type { InitialWeightsReport } from '../../common/training/initialWeights';
import type { TransferSource } from '../../common/training/transferSource';
import type { Tfjs } from '../engine/backend';
import { compileGraph } from '../engine/compile';
import { loadWeightsInto } from '../engine/train/checkpointIo';
import { importModelFile } from '../formats/importModel';
import { projectRunsDir } from '../project/projectRepository';
import { checkpointDir, readRunSpec, runDirOf } from '../project/runRepository';
import { loadApplicationWeights } from './applicationWeights';

/** One weight array of a source layer. */
interface SourceWeight {
  shape: number[];
  data: Float32Array;
}

/**
 * The folder of a source run. A run of the lab's own runs names no project: it sits
 * beside the run being trained (`runsRoot`).
 */
function sourceRunDir(source: Extract<TransferSource, { runId: string }>, runsRoot: string): string {
  return runDirOf(source.projectDir === undefined ? runsRoot : projectRunsDir(source.projectDir), source.runId);
}

/** Weights of every layer of a run or model file by layer name. */
async function readSourceWeights(source: Exclude<TransferSource, { weightsPath: string }>, runsRoot: string, tf: Tfjs): Promise<Map<string, SourceWeight[]>> {
  if ('modelPath' in source) {
    const imported = await importModelFile(source.modelPath, tf);
    if (imported.weights.length === 0) {
      throw new LabError('TRAIN_BAD_CONFIG', `Expected a model file with weights to start from. ${received('modelPath', source.modelPath)}`, { field: 'initialWeights', path: source.modelPath });
    }
    return new Map(imported.weights.map((layer) => [layer.layer, layer.weights.map((w) => ({ shape: [...w.shape], data: w.data }))]));
  }
  const runDir = sourceRunDir(source, runsRoot);
  const spec = await readRunSpec(runDir);
  const kind = source.checkpoint ?? 'best';
  const found = await checkpointDir(runDir, kind);
  if (found === null) {
    throw new LabError('RUN_NOT_FOUND', `Expected run ${spec.id} to have a ${kind} checkpoint to start from; train it for at least one epoch. ${received('checkpoint', kind)}`, { path: runDir, field: 'initialWeights' });
  }
  const model = compileGraph(spec.graph, tf, { seed: spec.hyperparameters.seed });
  try {
    await loadWeightsInto(model, found.dir, tf);
    return new Map(model.layers.filter((layer) => layer.weights.length > 0).map((layer) => {
      const tensors = layer.getWeights();
      return [layer.name, tensors.map((tensor) => ({ shape: [...tensor.shape], data: Float32Array.from(tensor.dataSync()) }))];
    }));
  } finally {
    model.dispose();
  }
}

/** Why `source` cannot initialise a layer whose weights are `target`, or null when it can. */
function mismatch(target: tfjs.Tensor[], source: SourceWeight[] | undefined): string | null {
  if (source === undefined) return 'no layer of that name in the source';
  if (source.length !== target.length) return `${source.length} weights in the source, ${target.length} here`;
  for (let index = 0; index < target.length; index++) {
    const want = (target[index] as tfjs.Tensor).shape;
    const have = (source[index] as SourceWeight).shape;
    if (want.length !== have.length || want.some((size, axis) => size !== have[axis])) {
      return `weight ${index} has shape [${have.join(', ')}] in the source, [${want.join(', ')}] here`;
    }
  }
  return null;
}

/**
 * Loads a transfer source's weights into `model`: every layer with weights whose name
 * is in the source and whose weight shapes are identical takes them; the others keep
 * their fresh initialisation and are reported with the reason. A Keras weights file
 * (`weightsPath`) is matched to its template as Keras does (see `loadApplicationWeights`)
 * and refused when it does not fit.
 *
 * @param runsRoot the runs folder a source run without `projectDir` lives in.
 * @throws LabError `TRAIN_BAD_CONFIG` when no layer matches, `RUN_NOT_FOUND` for a
 *   missing run or checkpoint, `IO_*` for an unreadable model file,
 *   `WEIGHTS_ARCHITECTURE_MISMATCH` / `WEIGHTS_TOP_MISMATCH` for a weights file that does not fit.
 */
export async function loadInitialWeights(model: tfjs.LayersModel, source: TransferSource, runsRoot: string, tf: Tfjs): Promise<InitialWeightsReport> {
  if ('weightsPath' in source) return loadApplicationWeights(model, source, tf);
  const sourceWeights = await readSourceWeights(source, runsRoot, tf);
  const report: InitialWeightsReport = { initialised: [], skipped: [] };
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const current = layer.getWeights();
    const found = sourceWeights.get(layer.name);
    const reason = mismatch(current, found);
    if (reason !== null || found === undefined) {
      report.skipped.push({ layer: layer.name, reason: reason ?? 'no layer of that name in the source' });
      continue;
    }
    const tensors = found.map((weight) => tf.tensor(weight.data, weight.shape, 'float32'));
    layer.setWeights(tensors);
    tf.dispose(tensors);
    report.initialised.push(layer.name);
  }
  if (report.initialised.length === 0) {
    const where = 'modelPath' in source ? path.basename(source.modelPath) : source.runId;
    throw new LabError('TRAIN_BAD_CONFIG', `Expected at least one layer with the same name and weight shapes as in ${where} to start from. ${received('skipped', report.skipped.map((s) => `${s.layer}: ${s.reason}`))}`, { field: 'initialWeights' });
  }
  return report;
}

/** One log line describing an initial-weights report. */
export function describeInitialWeights(report: InitialWeightsReport): string {
  const skipped = report.skipped.map((s) => `${s.layer} (${s.reason})`).join(', ');
  const matched = report.matchedBy === 'position' ? ' (matched by position among the layers with weights, as Keras\'s load_weights does: the file numbers its layer names differently)' : '';
  return `Initial weights loaded into ${report.initialised.join(', ')}${matched}${skipped ? `; skipped ${skipped}` : ''}.`;
}
