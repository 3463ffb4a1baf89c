import type * as tfjs from '@tensorflow/tfjs';
import type { ModelGraph } from '../../common/graph/schema';
import type { EpochRecord } from '../../common/training/epochRecord';
import type { RunSpec } from '../../common/training/runSpec';
import { LabError, received } from '../../common/errors';
import type { Tfjs } from '../engine/backend';
import { compileGraph } from '../engine/compile';
import { loadWeightsInto } from '../engine/train/checkpointIo';
import { pixelsToTensor, toModelInput } from '../engine/train/batches';
import { inputTakesImages } from '../../common/graph/imageInput';
import { pixelTransformOf } from '../../common/data/basePreprocessing';
import { checkpointDir, readHistory, readRunSpec, type CheckpointKind } from '../project/runRepository';
import { openDatasetCache } from '../data/datasetCache';
import { currentClassNames } from '../data/classNames';

/** What an export writes: the graph, a compiled model holding the weights, and what the card records. */
export interface ExportSource {
  graph: ModelGraph;
  model: tfjs.LayersModel;
  tf: Tfjs;
  /**
   * The run the weights come from; null for a freshly initialised model. `classNames` are
   * the dataset's current names (a rename since the run reaches its exports).
   */
  run: { spec: RunSpec; runDir: string; checkpoint: CheckpointKind; epoch: number; finalLogs: Record<string, number> | null; classNames: string[] } | null;
}

/** Inputs the exported file and the lab's model are both run on: one tensor per model input, by input name. */
export interface VerificationInputs {
  tensors: { name: string; tensor: tfjs.Tensor }[];
  kind: 'test-split' | 'random';
  samples: number;
}

/**
 * A freshly initialised model of `graph` (seeded, so an export is reproducible).
 *
 * @throws LabError `GRAPH_INVALID` when the graph does not compile.
 */
export function graphSource(graph: ModelGraph, tf: Tfjs, seed: number): ExportSource {
  return { graph, model: compileGraph(graph, tf, { seed }), tf, run: null };
}

/**
 * The model of a run's checkpoint: the run's graph compiled and the checkpoint's weights
 * loaded by position.
 *
 * @param spec the run's spec when the caller has read (and checked) it; read from run.json otherwise
 *
 * @throws LabError `RUN_NOT_FOUND` when the run or the checkpoint is missing.
 */
export async function runSource(runDir: string, checkpoint: CheckpointKind, tf: Tfjs, spec?: RunSpec): Promise<ExportSource> {
  spec ??= await readRunSpec(runDir);
  const found = await checkpointDir(runDir, checkpoint);
  if (found === null) {
    throw new LabError('RUN_NOT_FOUND', `Expected run ${spec.id} to have a ${checkpoint} checkpoint; train it for at least one epoch. ${received('checkpoint', checkpoint)}`, { path: runDir, field: 'checkpoint' });
  }
  const model = compileGraph(spec.graph, tf, { seed: spec.hyperparameters.seed });
  try {
    await loadWeightsInto(model, found.dir, tf);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const history: EpochRecord[] = await readHistory(runDir);
  const classNames = await currentClassNames(spec.dataset);
  return { graph: spec.graph, model, tf, run: { spec, runDir, checkpoint, epoch: found.epoch, finalLogs: history.at(-1)?.logs ?? null, classNames } };
}

/** Deterministic uniform values in [0, 1) (a 32-bit LCG), so a verification is repeatable. */
function seededUniform(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 4294967296;
  }
  return out;
}

/**
 * Up to `samples` held-out images of the run's dataset (test split, preprocessed as in
 * training), or deterministic random inputs in [0, 1) when there is no run, no test split
 * or the dataset cache is gone.
 */
export async function verificationInputs(source: ExportSource, samples: number): Promise<VerificationInputs> {
  const { tf } = source;
  const names = source.model.inputNames;
  const shapes = source.model.inputs.map((input) => input.shape.slice(1).map((d) => d ?? 1));
  const shape = shapes[0] ?? [];
  if (source.run !== null && shapes.length === 1) {
    const cache = await openDatasetCache(source.run.spec.dataset.cacheDir).catch(() => null);
    if (cache !== null) {
      try {
        const test = cache.indices('test');
        if (test.length > 0 && inputTakesImages(shape, cache.info.imageShape)) {
          const picked = test.slice(0, Math.min(samples, test.length));
          const pixels = await cache.readImages(picked);
          const transform = pixelTransformOf(cache.info.preprocessing, source.run.spec.graph.metadata.inputPreprocessing);
          // In the model's own input rank, as the exported file takes it: (H, W) models get [N, H, W].
          const tensor = tf.tidy(() => toModelInput(tf, pixelsToTensor(tf, pixels, picked.length, cache.info.imageShape, transform), source.model));
          return { tensors: [{ name: names[0] as string, tensor }], kind: 'test-split', samples: picked.length };
        }
      } finally {
        cache.dispose();
      }
    }
  }
  const tensors = shapes.map((inputShape, index) => {
    const count = samples * inputShape.reduce((a, b) => a * b, 1);
    return { name: names[index] as string, tensor: tf.tensor(seededUniform(count, 20240611 + index), [samples, ...inputShape], 'float32') };
  });
  return { tensors, kind: 'random', samples };
}

/** Runs a model on the inputs (inference mode, in the model's input order) and returns the first output as float32. */
export function predict(model: tfjs.LayersModel, inputs: tfjs.Tensor | readonly tfjs.Tensor[], tf: Tfjs): Float32Array {
  return tf.tidy(() => {
    const list = Array.isArray(inputs) ? [...inputs] : [inputs as tfjs.Tensor];
    const output = model.predict(list.length === 1 ? (list[0] as tfjs.Tensor) : list, { batchSize: 32 });
    const first = Array.isArray(output) ? (output[0] as tfjs.Tensor) : output;
    return first.dataSync() as Float32Array;
  }).slice();
}

/** The largest absolute difference between two outputs, NaN counted as infinitely different. */
export function maxAbsDifference(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (expected.length !== actual.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((expected[i] as number) - (actual[i] as number));
    if (Number.isNaN(diff)) return Number.POSITIVE_INFINITY;
    if (diff > worst) worst = diff;
  }
  return worst;
}
