import sharp from 'sharp';
import type * as tfjs from '@tensorflow/tfjs';
import type { EvaluatedImage, StoredEvaluation } from '../../common/training/evaluation';
import type { Prediction } from '../../common/training/prediction';
import type { RunSpec } from '../../common/training/runSpec';
import type { Preprocessing } from '../../common/data/preprocessing';
import { pixelTransformOf, type BasePreprocessing } from '../../common/data/basePreprocessing';
import { LabError } from '../../common/errors';
import type { DatasetCache } from '../data/datasetCache';
import { preprocessImageFile } from '../data/preprocess';
import { checkpointDir, type CheckpointKind } from '../project/runRepository';
import type { Tfjs } from './backend';
import { compileGraph } from './compile';
import { loadWeightsInto } from './train/checkpointIo';
import { pixelsToTensor, readBatch, toModelInput } from './train/batches';
import { encodeTargets, perExampleLoss, targetEncoding } from './train/losses';

/**
 * Rebuilds a run's model from its graph and loads a checkpoint into it.
 *
 * @throws LabError `IO_NOT_FOUND` when the run has no checkpoint of that kind.
 */
export async function loadRunModel(tf: Tfjs, runDir: string, spec: RunSpec, kind: CheckpointKind): Promise<{ model: tfjs.LayersModel; epoch: number }> {
  const found = await checkpointDir(runDir, kind) ?? (kind === 'best' ? await checkpointDir(runDir, 'last') : null);
  if (!found) throw new LabError('IO_NOT_FOUND', `Expected a ${kind} checkpoint in the run folder (train at least one epoch). Received: runId=${JSON.stringify(spec.id)}`, { path: runDir, field: 'checkpoint' });
  const model = compileGraph(spec.graph, tf, { seed: spec.hyperparameters.seed });
  await loadWeightsInto(model, found.dir, tf);
  return { model, epoch: found.epoch };
}

/** Precision, recall, F1 and support per class from a confusion matrix (rows: true class). */
export function classificationReport(confusion: number[][]): { perClass: { precision: number; recall: number; f1: number; support: number }[]; macro: { precision: number; recall: number; f1: number; support: number }; weighted: { precision: number; recall: number; f1: number; support: number } } {
  const n = confusion.length;
  const perClass = confusion.map((row, c) => {
    const tp = row[c] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, r) => sum + (r[c] ?? 0), 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const total = perClass.reduce((s, c) => s + c.support, 0);
  const average = (weight: (c: (typeof perClass)[number]) => number, denominator: number) => ({
    precision: perClass.reduce((s, c) => s + c.precision * weight(c), 0) / Math.max(denominator, 1e-12),
    recall: perClass.reduce((s, c) => s + c.recall * weight(c), 0) / Math.max(denominator, 1e-12),
    f1: perClass.reduce((s, c) => s + c.f1 * weight(c), 0) / Math.max(denominator, 1e-12),
    support: total,
  });
  return { perClass, macro: average(() => 1, n), weighted: average((c) => c.support, total) };
}

/** An image as a PNG data URL (thumbnails of misclassified examples). */
export async function pngDataUrl(pixels: Uint8Array, height: number, width: number, channels: number): Promise<string> {
  const png = await sharp(Buffer.from(pixels), { raw: { width, height, channels: channels as 1 | 3 | 4 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * Evaluated examples with their images read from the dataset cache and encoded as PNG
 * thumbnails, in the order given.
 */
export async function withThumbnails(cache: DatasetCache, examples: readonly Omit<EvaluatedImage, 'thumbnail'>[]): Promise<EvaluatedImage[]> {
  if (examples.length === 0) return [];
  const [height, width, channels] = cache.info.imageShape;
  const recordBytes = height * width * channels;
  const pixels = await cache.readImages(examples.map((example) => example.index));
  return Promise.all(examples.map(async (example, n) => ({
    ...example,
    thumbnail: await pngDataUrl(pixels.subarray(n * recordBytes, (n + 1) * recordBytes), height, width, channels),
  })));
}

/** A float32 value at float32 precision, so the saved evaluation does not spell out float64 noise. */
function compactNumber(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(7)) : value;
}

/** What `evaluateModel` needs. */
export interface EvaluateOptions {
  tf: Tfjs;
  model: tfjs.LayersModel;
  cache: DatasetCache;
  spec: RunSpec;
  checkpoint: CheckpointKind;
  /** How many misclassified examples (highest loss first) to return with thumbnails. */
  misclassified: number;
  topK: number;
}

/**
 * Evaluates a model on the test split (the validation split when the dataset has no
 * test examples): loss, accuracy, top-k accuracy, confusion matrix, per-class precision,
 * recall, F1 and support with macro and weighted averages, the misclassified images
 * with the highest loss, and every example's prediction (numbers only, for the saved file).
 *
 * @throws LabError `DATASET_EMPTY` when both splits are empty.
 */
export async function evaluateModel(options: EvaluateOptions): Promise<StoredEvaluation> {
  const { tf, model, cache, spec } = options;
  const split = cache.indices('test').length > 0 ? 'test' : 'validation';
  const indices = cache.indices(split);
  if (indices.length === 0) throw new LabError('DATASET_EMPTY', `Expected test or validation examples to evaluate on. Received: ${split}=0`, { field: split });
  const classes = cache.info.classes.length;
  const hp = spec.hyperparameters;
  const outputUnits = (model.outputs[0]?.shape ?? []).at(-1) ?? classes;
  const encoding = targetEncoding(hp.loss, outputUnits);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const losses = new Float32Array(indices.length);
  const predicted = new Int32Array(indices.length);
  const confidence = new Float32Array(indices.length);
  let topKHits = 0;
  const k = Math.min(options.topK, classes);
  const batchSize = 256;
  for (let start = 0; start < indices.length; start += batchSize) {
    const raw = await readBatch(cache, indices.subarray(start, start + batchSize));
    const count = raw.indices.length;
    const [lossTensor, probabilityTensor] = tf.tidy(() => {
      const x = pixelsToTensor(tf, raw.pixels, count, cache.info.imageShape, pixelTransformOf(cache.info.preprocessing, spec.graph.metadata.inputPreprocessing));
      const output = model.apply(toModelInput(tf, x, model), { training: false }) as tfjs.Tensor;
      const loss = perExampleLoss(tf, hp.loss, encodeTargets(tf, raw.labels, encoding, classes), output, hp.fromLogits);
      let probabilities: tfjs.Tensor = hp.fromLogits ? (outputUnits === 1 ? tf.sigmoid(output) : tf.softmax(output)) : output;
      // A single sigmoid unit becomes [1 - p, p] so both classes have a probability.
      if (outputUnits === 1) probabilities = tf.concat([tf.sub(1, probabilities), probabilities], 1);
      return [loss, probabilities];
    }) as [tfjs.Tensor, tfjs.Tensor];
    const lossValues = await lossTensor.data();
    const probabilities = await probabilityTensor.data();
    tf.dispose([lossTensor, probabilityTensor]);
    for (let i = 0; i < count; i++) {
      const row = probabilities.subarray(i * classes, (i + 1) * classes);
      const truth = raw.labels[i] as number;
      let best = 0;
      for (let c = 1; c < classes; c++) if ((row[c] as number) > (row[best] as number)) best = c;
      let higher = 0;
      for (let c = 0; c < classes; c++) if ((row[c] as number) > (row[truth] as number)) higher++;
      if (higher < k) topKHits++;
      (confusion[truth] as number[])[best] = ((confusion[truth] as number[])[best] as number) + 1;
      losses[start + i] = lossValues[i] as number;
      predicted[start + i] = best;
      confidence[start + i] = row[best] as number;
    }
  }
  const labels = Array.from(indices, (i) => cache.labels[i] as number);
  const correct = labels.filter((label, i) => predicted[i] === label).length;
  const wrong = labels.map((label, i) => ({ i, label })).filter(({ label, i }) => predicted[i] !== label)
    .sort((a, b) => (losses[b.i] as number) - (losses[a.i] as number)).slice(0, options.misclassified);
  const misclassified = await withThumbnails(cache, wrong.map(({ i, label }) => ({
    index: indices[i] as number,
    trueClass: label,
    predictedClass: predicted[i] as number,
    confidence: confidence[i] as number,
    loss: losses[i] as number,
  })));
  const report = classificationReport(confusion);
  return {
    runId: spec.id,
    checkpoint: options.checkpoint,
    split,
    examples: indices.length,
    loss: losses.reduce((a, b) => a + b, 0) / indices.length,
    accuracy: correct / indices.length,
    topK: { k, accuracy: topKHits / indices.length },
    classes: cache.info.classes,
    confusionMatrix: confusion,
    perClass: report.perClass.map((c, index) => ({ ...c, className: cache.info.classes[index] ?? String(index) })),
    macroAverage: report.macro,
    weightedAverage: report.weighted,
    misclassified,
    evaluatedAt: new Date().toISOString(),
    predictions: {
      index: Array.from(indices),
      trueClass: labels,
      predictedClass: Array.from(predicted),
      confidence: Array.from(confidence, compactNumber),
      loss: Array.from(losses, compactNumber),
    },
  };
}

/**
 * Classifies image files with the dataset's own preprocessing (resize, colour mode,
 * scale) and the model's base preprocessing when it has one, so a new image is seen
 * exactly as the training images were.
 */
export async function predictFiles(tf: Tfjs, model: tfjs.LayersModel, files: readonly string[], preprocessing: Preprocessing, imageShape: readonly [number, number, number], classNames: readonly string[], top: number, fromLogits: boolean, basePreprocessing?: BasePreprocessing): Promise<Prediction[]> {
  const results: Prediction[] = [];
  const transform = pixelTransformOf(preprocessing, basePreprocessing);
  for (const file of files) {
    const pixels = await preprocessImageFile(file, preprocessing);
    const probabilities = tf.tidy(() => {
      const output = model.apply(toModelInput(tf, pixelsToTensor(tf, pixels, 1, imageShape, transform), model), { training: false }) as tfjs.Tensor;
      const units = output.shape.at(-1) ?? 1;
      const p = fromLogits ? (units === 1 ? tf.sigmoid(output) : tf.softmax(output)) : output;
      return units === 1 ? tf.concat([tf.sub(1, p), p], 1) : p;
    });
    const values = Array.from(await probabilities.data());
    probabilities.dispose();
    const ranked = values.map((probability, classIndex) => ({ classIndex, className: classNames[classIndex] ?? String(classIndex), probability }))
      .sort((a, b) => b.probability - a.probability);
    const first = ranked[0] as (typeof ranked)[number];
    results.push({ path: file, predictedClass: first.classIndex, className: first.className, confidence: first.probability, top: ranked.slice(0, top) });
  }
  return results;
}
