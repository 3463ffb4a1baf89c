import path from 'node:path';
import fs from 'node:fs/promises';
import type * as tfjs from '@tensorflow/tfjs';
import { LabError } from '../../../common/errors';
import type { BackendReport } from '../../../common/training/backend';
import type { RunEvent } from '../../../common/api/methods/runs';
import type { EpochRecord } from '../../../common/training/epochRecord';
import type { Hyperparameters } from '../../../common/training/hyperparameters';
import { pixelTransformOf, type PixelTransform } from '../../../common/data/basePreprocessing';
import type { LabEventOf } from '../../../common/api/events';
import type { DatasetCache } from '../../data/datasetCache';
import { augmentBatch, isAugmentationEnabled } from '../../data/augment';
import { createRandom, shuffleInPlace } from '../../data/random';
import { appendEpochRecord, checkpointDir, updateRunSpec, writeCheckpoint } from '../../project/runRepository';
import { writeJsonAtomic } from '../../project/atomicWrite';
import { diagnoseRun } from '../diagnosis';
import { CHECKPOINT_FILES, fileSaveHandler, loadOptimizerState, loadWeightsInto, saveOptimizerState } from './checkpointIo';
import { createOptimizer, setLearningRate, transformGradients } from './optimizers';
import { batchLoss, encodeTargets, inTopK, perExampleLoss, predictedClasses, targetEncoding, type TargetEncoding } from './losses';
import { LearningRateSchedule, type ScheduleState } from './schedules';
import { MonitorTracker, type MonitorState } from './monitor';
import { TrainingPhases, type FineTunePlan, type PhasesState } from './trainingPhases';
import { pixelsToTensor, prefetchBatches, readBatch, toModelInput, withResidentRecords, type RawBatch } from './batches';
import { StepResults } from './stepResults';
import { deviceResidentImages, type DeviceImages } from './deviceImages';
import type { Tfjs as TfModule } from '../backend';
import { explainGpuFailure, throwIfGpuFaulted } from '../gpuFaults';

/**
 * Training steps recorded ahead of the oldest step whose loss has not been read back: a GPU
 * keeps running while JavaScript records the next steps. Stop, pause and a non-finite loss
 * still take effect within this many steps.
 */
const STEPS_UNREAD = 3;

/** Pause and stop requests, answered at the next batch. */
export interface TrainingControl {
  readonly stopRequested: boolean;
  /** Resolves at once when not paused, otherwise when resumed or stopped. */
  waitWhilePaused(): Promise<void>;
}

/** A control that is never paused or stopped. */
export const NO_CONTROL: TrainingControl = { stopRequested: false, waitWhilePaused: () => Promise.resolve() };

/** A control driven by messages (the training process) or by calls (tests, benchmarks). */
export class ManualControl implements TrainingControl {
  stopRequested = false;
  private paused = false;
  private wake: (() => void) | null = null;
  /** Called with the new state when pause or resume takes effect. */
  onPauseChange: ((paused: boolean) => void) | null = null;

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  async waitWhilePaused(): Promise<void> {
    if (!this.paused || this.stopRequested) return;
    this.onPauseChange?.(true);
    while (this.paused && !this.stopRequested) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    this.onPauseChange?.(false);
  }
}

/** What a trainer reports: run events plus log lines (a learning-rate reduction). */
export type TrainerEvent = RunEvent | LabEventOf<'log'>;

/** Everything a training run needs. */
export interface TrainerOptions {
  tf: TfModule;
  model: tfjs.LayersModel;
  cache: DatasetCache;
  hyperparameters: Hyperparameters;
  runId: string;
  runDir: string;
  backend: BackendReport;
  emit: (event: TrainerEvent) => void;
  control?: TrainingControl;
  /** Continue from the last checkpoint in `runDir`. */
  resume?: boolean;
  /** Called after each epoch's bookkeeping (tests read tf.memory() here). */
  afterEpoch?: (epoch: number) => void;
  /** Minimum milliseconds between run.batch events (default 100: at most 10 per second). */
  batchEventIntervalMs?: number;
  /** How cached pixels become the model's input (default: the dataset's own `pixel * scale + offset`). */
  inputTransform?: PixelTransform;
  /** Phase 2 of a two-phase fine-tuning run (`fineTunePlanOf`); absent for one phase. */
  fineTune?: FineTunePlan | null;
}

/** How a run ended when it did not fail. */
export interface TrainResult {
  reason: 'completed' | 'stopped' | 'early_stopping';
  epochsCompleted: number;
  history: EpochRecord[];
}

/**
 * The error that stops a run whose loss is no longer finite: what to try, and which
 * checkpoint the run can resume from; before the first epoch ends there is none.
 *
 * @param lastGoodEpoch the epoch of the last checkpoint, 0 when none was saved.
 */
function nonFiniteLossError(loss: number, epoch: number, batch: number, learningRate: number, lastGoodEpoch: number): LabError {
  const remedy = `The learning rate (${learningRate.toPrecision(3)}) is likely too high or the inputs are not scaled: lower the learning rate, or enable gradient clipping (clipnorm or clipvalue).`;
  const checkpoint = lastGoodEpoch > 0
    ? `The last good checkpoint is epoch ${lastGoodEpoch}; resume from it after the change.`
    : 'No checkpoint was saved yet (no epoch finished), so there is nothing to resume: start the run again after the change.';
  return new LabError('TRAIN_NAN', `Expected a finite loss. Received: loss=${loss} at epoch ${epoch}, batch ${batch}. ${remedy} ${checkpoint}`, { field: 'loss', received: loss, epoch, batch, lastGoodEpoch });
}

/** Trainer state saved with the last checkpoint so a resumed run continues exactly. */
interface TrainerState {
  epoch: number;
  globalStep: number;
  best: MonitorState;
  earlyStopping: MonitorState | null;
  schedule: ScheduleState;
  history: EpochRecord[];
  /** Absent in checkpoints of one-phase runs written before phases existed. */
  phases?: PhasesState;
}

/** Sums of one pass over a split. */
interface PassTotals {
  examples: number;
  lossSum: number;
  correct: number;
  topK: number;
}

/** Example indices for training and validation, following `validationSplit` (Keras: the last fraction before shuffling). */
export function splitIndices(cache: DatasetCache, validationSplit: number | null): { train: Int32Array; validation: Int32Array } {
  const train = cache.indices('train');
  if (validationSplit === null || validationSplit === 0) return { train: Int32Array.from(train), validation: Int32Array.from(cache.indices('validation')) };
  const cut = Math.floor(train.length * (1 - validationSplit));
  return { train: Int32Array.from(train.subarray(0, cut)), validation: Int32Array.from(train.subarray(cut)) };
}

/** Per-class weights (Keras `class_weight`); 'balanced' is n / (classes * count) as scikit-learn computes it. */
export function classWeights(setting: Hyperparameters['classWeight'], labels: ArrayLike<number>, classes: number): Float32Array | null {
  if (setting === null) return null;
  const weights = new Float32Array(classes).fill(1);
  if (setting === 'balanced') {
    const counts = new Array<number>(classes).fill(0);
    for (let i = 0; i < labels.length; i++) counts[labels[i] as number] = (counts[labels[i] as number] ?? 0) + 1;
    for (let c = 0; c < classes; c++) weights[c] = (counts[c] as number) > 0 ? labels.length / (classes * (counts[c] as number)) : 0;
    return weights;
  }
  for (const [key, value] of Object.entries(setting)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= classes) {
      throw new LabError('TRAIN_BAD_CONFIG', `Expected class weight keys to be class indices in [0, ${classes}). Received: classWeight.${key}=${value}`, { field: `classWeight.${key}`, received: key });
    }
    weights[index] = value;
  }
  return weights;
}

/**
 * The custom training loop of a run (tf.variableGrads per batch), with Keras semantics
 * for the loss, metrics, clipping, class weights, schedules, early stopping and
 * checkpoints. It writes metrics.jsonl, the best and last checkpoints and run.json
 * itself, so whatever happens to the process afterwards, what was written stays.
 */
export class Trainer {
  private readonly tf: TfModule;
  private readonly hp: Hyperparameters;
  private optimizer: tfjs.Optimizer;
  private readonly phases: TrainingPhases;
  private readonly classes: number;
  private readonly encoding: TargetEncoding;
  private weights: Float32Array | null = null;
  /** The training split on the GPU, when the backend can hold it there (deviceImages.ts). */
  private deviceImages: DeviceImages | undefined;
  private readonly control: TrainingControl;
  private readonly inputTransform: PixelTransform;
  private lastBatchEvent = 0;

  constructor(private readonly options: TrainerOptions) {
    this.tf = options.tf;
    this.hp = options.hyperparameters;
    this.control = options.control ?? NO_CONTROL;
    this.inputTransform = options.inputTransform ?? pixelTransformOf(options.cache.info.preprocessing, null);
    this.optimizer = createOptimizer(this.tf, this.hp.optimizer);
    this.phases = new TrainingPhases(this.hp.epochs, options.fineTune ?? null);
    const outputShape = options.model.outputs[0]?.shape ?? [];
    const units = outputShape[outputShape.length - 1] ?? 1;
    this.classes = options.cache.info.classes.length;
    if (units !== this.classes && !(units === 1 && this.classes === 2)) {
      throw new LabError('TRAIN_BAD_CONFIG', `Expected the model's output to have one unit per class (${this.classes}). Received: units=${units}`, { field: 'graph', received: units });
    }
    if (this.hp.loss === 'sparse_categorical_crossentropy' && units === 1) {
      throw new LabError('TRAIN_BAD_CONFIG', `Expected binary_crossentropy for a model with a single output unit. Received: loss=${JSON.stringify(this.hp.loss)}`, { field: 'loss', received: this.hp.loss });
    }
    this.encoding = targetEncoding(this.hp.loss, units);
  }

  /**
   * Trains until the last epoch, early stopping or a stop request.
   *
   * @throws LabError `TRAIN_NAN` when the loss stops being finite, `TRAIN_GPU_FAULT` when the
   *   GPU is lost, runs out of memory or a shader does not compile (the last good checkpoint stays).
   */
  async run(): Promise<TrainResult> {
    try {
      return await this.trainEpochs();
    } catch (error) {
      throw await explainGpuFailure(this.tf, error);
    } finally {
      this.optimizer.dispose();
      this.deviceImages?.dispose();
      this.deviceImages = undefined;
    }
  }

  private async trainEpochs(): Promise<TrainResult> {
    const { tf, hp, options } = this;
    const { model, cache } = options;
    const { train, validation } = splitIndices(cache, hp.validationSplit);
    if (train.length === 0) throw new LabError('DATASET_EMPTY', 'Expected training examples. Received: train=0', { field: 'train' });
    this.weights = classWeights(hp.classWeight, Array.from(train, (i) => cache.labels[i] as number), this.classes);
    const stepsPerEpoch = Math.ceil(train.length / hp.batchSize);
    let schedule = new LearningRateSchedule(hp.lrSchedule, hp.optimizer.learningRate, stepsPerEpoch * hp.epochs);
    const best = new MonitorTracker(hp.checkpoint.monitor, hp.checkpoint.mode);
    const newEarlyStopping = (): MonitorTracker | null => (hp.earlyStopping ? new MonitorTracker(hp.earlyStopping.monitor, hp.earlyStopping.mode, hp.earlyStopping.minDelta) : null);
    let early = newEarlyStopping();
    let history: EpochRecord[] = [];
    let globalStep = 0;
    let startEpoch = 1;
    if (options.resume) {
      const state = await this.restore();
      if (state) {
        startEpoch = state.epoch + 1;
        globalStep = state.globalStep;
        best.restore(state.best);
        if (early && state.earlyStopping) early.restore(state.earlyStopping);
        if (this.phases.phaseOf(state.epoch) === 2) schedule = this.phases.fineTuneSchedule(stepsPerEpoch);
        schedule.restore(state.schedule);
        history = state.history;
      }
    }
    const totalParams = model.countParams();
    await updateRunSpec(options.runDir, { status: 'running', backend: options.backend, endReason: null });
    options.emit({
      type: 'run.started', runId: options.runId, backend: options.backend, hyperparameters: hp, totalParams,
      trainExamples: train.length, validationExamples: validation.length, stepsPerEpoch, initialEpoch: startEpoch,
    });

    let variables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
    const runStart = performance.now();
    let runImages = 0;
    let reason: TrainResult['reason'] = 'completed';
    let lastGoodEpoch = startEpoch - 1;
    // The training split's pixels stay in memory for the run when they fit (batches.ts).
    const trainRecords = await withResidentRecords(cache, train);
    this.deviceImages = await deviceResidentImages(tf, trainRecords, train, this.inputTransform);
    for (let epoch = startEpoch; epoch <= this.phases.lastEpoch; epoch++) {
      if (this.phases.startsFineTuning(epoch)) {
        options.emit({ type: 'log', level: 'info', message: this.enterFineTuning() });
        variables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
        schedule = this.phases.fineTuneSchedule(stepsPerEpoch);
        early = newEarlyStopping();
      }
      const epochStart = performance.now();
      const order = Int32Array.from(train);
      if (hp.shuffle) shuffleInPlace(order, createRandom(hp.seed * 1_000_003 + epoch));
      const totals: PassTotals = { examples: 0, lossSum: 0, correct: 0, topK: 0 };
      let batch = 0;
      let stopped = false;
      let learningRate = schedule.rateAt(globalStep, epoch);
      const results = new StepResults(STEPS_UNREAD, (step) => {
        if (!Number.isFinite(step.loss)) {
          throw nonFiniteLossError(step.loss, step.epoch, step.batch, step.learningRate, lastGoodEpoch);
        }
        totals.examples += step.examples;
        totals.lossSum += step.loss * step.examples;
        totals.correct += step.correct;
        totals.topK += step.topK;
        runImages += step.examples;
        this.maybeEmitBatch(step.epoch, step.batch, stepsPerEpoch, totals, runImages, runStart, (this.phases.lastEpoch - step.epoch) * stepsPerEpoch + (stepsPerEpoch - step.batch), hp.batchSize);
      });
      for await (const raw of prefetchBatches(trainRecords, order, hp.batchSize)) {
        // A macrotask turn per batch lets pause/stop messages in even when reads are cached.
        await new Promise<void>((resolve) => setImmediate(resolve));
        results.takeArrived();
        await this.control.waitWhilePaused();
        if (this.control.stopRequested) {
          stopped = true;
          break;
        }
        learningRate = schedule.rateAt(globalStep, epoch);
        setLearningRate(this.optimizer, learningRate);
        batch++;
        const values = this.trainStep(raw, variables, globalStep);
        globalStep++;
        await results.add({ epoch, batch, examples: raw.indices.length, learningRate, values });
        // A faulted GPU returns garbage: its fault, not the loss it produced, is what the run reports.
        await throwIfGpuFaulted(tf);
      }
      // A stopped epoch is dropped whole, its unread steps with it (their tensors free themselves as they arrive).
      if (!stopped) await results.drain();
      if (stopped) {
        reason = 'stopped';
        break;
      }
      const trainSeconds = (performance.now() - epochStart) / 1000;
      const logs: Record<string, number> = { ...this.logsFrom(totals, '') };
      if (validation.length > 0) Object.assign(logs, this.logsFrom(await this.evaluatePass(validation), 'val_'));
      // Nothing of an epoch a faulted GPU may have corrupted is recorded: the last good checkpoint stays.
      await throwIfGpuFaulted(tf);
      const phase = this.phases.phaseOf(epoch);
      const record: EpochRecord = {
        epoch, logs, learningRate, seconds: (performance.now() - epochStart) / 1000,
        imagesPerSecond: totals.examples / Math.max(trainSeconds, 1e-9), time: new Date().toISOString(),
        ...(phase === undefined ? {} : { phase }),
      };
      history.push(record);
      await appendEpochRecord(options.runDir, record);
      const diagnosis = diagnoseRun(history, { classes: this.classes, epochs: this.phases.lastEpoch, learningRate });
      options.emit({ type: 'run.epoch', runId: options.runId, epochs: this.phases.lastEpoch, record, diagnosis });

      const improved = best.update(epoch, logs);
      const bestValue = best.valueFrom(logs);
      if (improved) {
        await writeCheckpoint(options.runDir, 'best', epoch, (dir) => this.saveModel(dir));
        options.emit({ type: 'run.checkpoint', runId: options.runId, kind: 'best', epoch, monitor: best.monitor, value: bestValue });
      }
      const plateauMessage = schedule.onEpochEnd(epoch, logs);
      if (plateauMessage) options.emit({ type: 'log', level: 'info', message: plateauMessage });
      // Keras EarlyStopping: from `startFromEpoch` (0-based) on, stop once `patience` epochs passed without improvement.
      const earlyStop = early !== null && epoch - 1 >= (hp.earlyStopping?.startFromEpoch ?? 0) && !early.update(epoch, logs) && early.wait >= (hp.earlyStopping?.patience ?? 0);
      // Keras's EarlyStopping ends phase 1's fit: phase 2 follows at the next epoch.
      const nextPhase = earlyStop && this.phases.endPhase1Early(epoch);
      const state: TrainerState = { epoch, globalStep, best: best.state(), earlyStopping: early?.state() ?? null, schedule: schedule.state(), history, phases: this.phases.state() };
      await writeCheckpoint(options.runDir, 'last', epoch, async (dir) => {
        await this.saveModel(dir);
        await saveOptimizerState(this.optimizer, path.join(dir, CHECKPOINT_FILES.optimizer), tf);
        await throwIfGpuFaulted(tf);
        await writeJsonAtomic(path.join(dir, CHECKPOINT_FILES.state), state);
      });
      options.emit({ type: 'run.checkpoint', runId: options.runId, kind: 'last', epoch, monitor: best.monitor, value: bestValue });
      lastGoodEpoch = epoch;
      await updateRunSpec(options.runDir, {
        epochsCompleted: epoch,
        best: best.best === null ? null : { epoch: best.bestEpoch, monitor: best.monitor, value: best.best },
        last: { epoch, monitor: best.monitor, value: bestValue },
      });
      options.afterEpoch?.(epoch);
      if (earlyStop) {
        if (hp.earlyStopping?.restoreBestWeights) {
          const bestCheckpoint = await checkpointDir(options.runDir, 'best');
          if (bestCheckpoint) await loadWeightsInto(model, bestCheckpoint.dir, tf);
        }
        if (nextPhase) continue;
        reason = 'early_stopping';
        break;
      }
    }
    return { reason, epochsCompleted: lastGoodEpoch, history };
  }

  /**
   * Records forward, backward and update for one batch and starts reading back its loss
   * and metric counts, [loss, correct, inTopK], without waiting for them.
   */
  private trainStep(raw: RawBatch, variables: tfjs.Variable[], step: number): Promise<ArrayLike<number>> {
    const { tf, hp } = this;
    const { model, cache } = this.options;
    const count = raw.indices.length;
    const wantAccuracy = hp.metrics.includes('accuracy');
    const wantTopK = hp.metrics.includes('top_k_accuracy');
    const stats = tf.tidy(() => {
      let x: tfjs.Tensor4D = this.deviceImages?.batch(raw.indices) ?? pixelsToTensor(tf, raw.pixels, count, cache.info.imageShape, this.inputTransform);
      if (hp.augmentation && isAugmentationEnabled(hp.augmentation)) x = augmentBatch(tf, x, hp.augmentation, hp.seed * 7919 + step);
      const targets = encodeTargets(tf, raw.labels, this.encoding, this.classes);
      const sampleWeights = this.weights ? tf.tensor1d(Array.from(raw.labels, (label) => this.weights?.[label] ?? 1)) : null;
      let predictions: tfjs.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const output = model.apply(toModelInput(tf, x, model), { training: true }) as tfjs.Tensor;
        // Kept past variableGrads' own tidy so the metrics reuse this forward pass.
        predictions = tf.keep(output);
        return batchLoss(tf, perExampleLoss(tf, hp.loss, targets, output, hp.fromLogits), sampleWeights);
      }, variables);
      this.optimizer.applyGradients(transformGradients(tf, grads, hp));
      const output = predictions as unknown as tfjs.Tensor;
      const labels = tf.tensor1d(raw.labels, 'int32');
      const parts: tfjs.Tensor[] = [tf.reshape(value, [1])];
      parts.push(wantAccuracy ? tf.reshape(tf.sum(tf.cast(tf.equal(predictedClasses(tf, output, hp.fromLogits), labels), 'float32')), [1]) : tf.zeros([1]));
      parts.push(wantTopK && this.classes > 1 && output.shape[1] !== 1 ? tf.reshape(tf.sum(inTopK(tf, output, labels, hp.topK)), [1]) : tf.zeros([1]));
      const packed = tf.concat(parts);
      output.dispose();
      return packed;
    });
    return stats.data().finally(() => stats.dispose());
  }

  /** Loss and metrics of the model in inference mode over `indices`. */
  async evaluatePass(indices: Int32Array): Promise<PassTotals> {
    const { tf, hp } = this;
    const { model, cache } = this.options;
    const totals: PassTotals = { examples: 0, lossSum: 0, correct: 0, topK: 0 };
    const batchSize = Math.max(hp.batchSize, 128);
    for (let start = 0; start < indices.length; start += batchSize) {
      const raw = await readBatch(cache, indices.subarray(start, start + batchSize));
      const count = raw.indices.length;
      const packed = tf.tidy(() => {
        const x = pixelsToTensor(tf, raw.pixels, count, cache.info.imageShape, this.inputTransform);
        const output = model.apply(toModelInput(tf, x, model), { training: false }) as tfjs.Tensor;
        const labels = tf.tensor1d(raw.labels, 'int32');
        const targets = encodeTargets(tf, raw.labels, this.encoding, this.classes);
        const lossSum = tf.sum(perExampleLoss(tf, hp.loss, targets, output, hp.fromLogits));
        const correct = tf.sum(tf.cast(tf.equal(predictedClasses(tf, output, hp.fromLogits), labels), 'float32'));
        const topK = output.shape[1] !== 1 ? tf.sum(inTopK(tf, output, labels, hp.topK)) : tf.scalar(0);
        return tf.stack([lossSum, correct, topK]);
      });
      const values = await packed.data();
      packed.dispose();
      totals.examples += count;
      totals.lossSum += values[0] as number;
      totals.correct += values[1] as number;
      totals.topK += values[2] as number;
    }
    return totals;
  }

  /** Keras-style log keys of a pass: loss, accuracy, top_k_accuracy with an optional `val_` prefix. */
  private logsFrom(totals: PassTotals, prefix: string): Record<string, number> {
    const n = Math.max(1, totals.examples);
    const logs: Record<string, number> = { [`${prefix}loss`]: totals.lossSum / n };
    if (this.hp.metrics.includes('accuracy')) logs[`${prefix}accuracy`] = totals.correct / n;
    if (this.hp.metrics.includes('top_k_accuracy')) logs[`${prefix}top_k_accuracy`] = totals.topK / n;
    return logs;
  }

  private maybeEmitBatch(epoch: number, batch: number, batches: number, totals: PassTotals, runImages: number, runStart: number, remainingSteps: number, batchSize: number): void {
    const now = performance.now();
    const interval = this.options.batchEventIntervalMs ?? 100;
    if (now - this.lastBatchEvent < interval && batch !== batches) return;
    this.lastBatchEvent = now;
    const imagesPerSecond = runImages / Math.max((now - runStart) / 1000, 1e-9);
    this.options.emit({
      type: 'run.batch', runId: this.options.runId, epoch, batch, batches, logs: this.logsFrom(totals, ''),
      imagesPerSecond, etaSeconds: (remainingSteps * batchSize) / Math.max(imagesPerSecond, 1e-9),
    });
  }

  /** Saves the weights; a GPU fault during the reads throws before the checkpoint pointer moves to them. */
  private async saveModel(dir: string): Promise<void> {
    await this.options.model.save(fileSaveHandler(dir, this.tf));
    await throwIfGpuFaulted(this.tf);
  }

  /**
   * Phase 2 begins: unfreezes the top of the base and swaps in a fresh optimizer at the
   * fine-tuning learning rate. Returns the log line saying so.
   */
  private enterFineTuning(): string {
    const message = this.phases.unfreeze(this.options.model);
    this.optimizer.dispose();
    this.optimizer = this.phases.fineTuneOptimizer(this.tf, this.hp);
    return message;
  }

  /**
   * Loads the last checkpoint (weights, optimizer, trainer state); null when the run has
   * none. A checkpoint inside phase 2 unfreezes first, so the phase 2 optimizer takes its state.
   */
  private async restore(): Promise<TrainerState | null> {
    const last = await checkpointDir(this.options.runDir, 'last');
    if (!last) return null;
    const state = JSON.parse(await fs.readFile(path.join(last.dir, CHECKPOINT_FILES.state), 'utf8')) as TrainerState;
    this.phases.restore(state.phases);
    if (this.phases.phaseOf(state.epoch) === 2) this.enterFineTuning();
    await loadWeightsInto(this.options.model, last.dir, this.tf);
    await loadOptimizerState(this.optimizer, path.join(last.dir, CHECKPOINT_FILES.optimizer), this.tf);
    return state;
  }
}
