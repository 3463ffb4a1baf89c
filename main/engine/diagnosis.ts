import type { Diagnosis } from '../../common/training/diagnosis';
import type { EpochRecord } from '../../common/training/epochRecord';

/** What the diagnosis needs to know beyond the curves. */
export interface DiagnosisContext {
  classes: number;
  /** Epochs the run is set to train. */
  epochs: number;
  learningRate: number;
}

function fmt(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

function divergence(history: EpochRecord[], context: DiagnosisContext): Diagnosis | null {
  const last = history[history.length - 1] as EpochRecord;
  const loss = last.logs['loss'];
  if (loss === undefined) return null;
  const losses = history.map((r) => r.logs['loss'] ?? Number.NaN);
  const minLoss = Math.min(...losses.slice(0, -1));
  const chance = Math.log(Math.max(2, context.classes));
  const rising = history.length >= 2 && Number.isFinite(minLoss) && loss > minLoss * 1.5 && loss > (losses[losses.length - 2] ?? 0);
  const exploded = !Number.isFinite(loss) || loss > chance * 3;
  if (!rising && !exploded) return null;
  return {
    kind: 'divergence',
    severity: 'warning',
    message: 'Training loss is growing instead of shrinking: the optimisation is diverging.',
    evidence: exploded
      ? `loss ${fmt(loss)} at epoch ${last.epoch} is far above chance level ${fmt(chance)} (ln of ${context.classes} classes).`
      : `loss rose from its minimum ${fmt(minLoss)} to ${fmt(loss)} at epoch ${last.epoch}.`,
    suggestions: [
      `Lower the learning rate (try ${(context.learningRate / 10).toPrecision(2)}).`,
      'Enable gradient clipping (clipnorm 1.0).',
      'Add BatchNormalization after convolutions.',
      'Check that inputs are scaled to [0, 1] and the loss matches the output layer (softmax with categorical cross-entropy, or fromLogits).',
    ],
  };
}

function overfitting(history: EpochRecord[]): Diagnosis | null {
  if (history.length < 3) return null;
  const recent = history.slice(-3);
  const gaps = recent.map((r) => (r.logs['val_loss'] ?? Number.NaN) - (r.logs['loss'] ?? Number.NaN));
  if (gaps.some((g) => !Number.isFinite(g))) return null;
  const valLosses = recent.map((r) => r.logs['val_loss'] as number);
  const trainLosses = recent.map((r) => r.logs['loss'] as number);
  const gapGrowing = (gaps[2] as number) > (gaps[1] as number) && (gaps[1] as number) > (gaps[0] as number) && (gaps[2] as number) > 0.05;
  const valRising = (valLosses[2] as number) > Math.min(...history.map((r) => r.logs['val_loss'] ?? Infinity)) * 1.02;
  const trainFalling = (trainLosses[2] as number) < (trainLosses[0] as number);
  if (!(gapGrowing && trainFalling && valRising)) return null;
  const last = recent[2] as EpochRecord;
  const accGap = (last.logs['accuracy'] ?? Number.NaN) - (last.logs['val_accuracy'] ?? Number.NaN);
  return {
    kind: 'overfitting',
    severity: 'warning',
    message: 'The model is memorising the training set: training loss falls while validation loss rises.',
    evidence: `val_loss - loss grew ${gaps.map(fmt).join(' -> ')} over epochs ${recent.map((r) => r.epoch).join(', ')}`
      + (Number.isFinite(accGap) ? `; accuracy gap ${(accGap * 100).toFixed(1)} points.` : '.'),
    suggestions: [
      'Turn on data augmentation (flips, small shifts and rotations).',
      'Add Dropout (0.25-0.5) before the dense layers.',
      'Add L2 regularisation or use AdamW weight decay.',
      'Use early stopping on val_loss with restoreBestWeights.',
      'Reduce the model size or collect more training images.',
    ],
  };
}

function underfitting(history: EpochRecord[], context: DiagnosisContext): Diagnosis | null {
  if (history.length < 2) return null;
  const last = history[history.length - 1] as EpochRecord;
  const accuracy = last.logs['accuracy'];
  const chanceAccuracy = 1 / Math.max(2, context.classes);
  const loss = last.logs['loss'];
  const chanceLoss = Math.log(Math.max(2, context.classes));
  const nearChance = (accuracy !== undefined && accuracy < Math.min(0.95, chanceAccuracy * 1.5 + 0.05)) || (loss !== undefined && loss > chanceLoss * 0.9 && loss <= chanceLoss * 3);
  if (!nearChance) return null;
  return {
    kind: 'underfitting',
    severity: 'warning',
    message: 'The model barely beats guessing on its own training data: it is underfitting.',
    evidence: `after ${last.epoch} epochs training accuracy is ${accuracy !== undefined ? `${(accuracy * 100).toFixed(1)}%` : 'n/a'} (chance ${(chanceAccuracy * 100).toFixed(1)}%), loss ${loss !== undefined ? fmt(loss) : 'n/a'} (chance ${fmt(chanceLoss)}).`,
    suggestions: [
      'Train for more epochs.',
      'Increase capacity: more filters or another Conv2D block.',
      `Raise the learning rate (try ${(context.learningRate * 3).toPrecision(2)}) or switch to Adam.`,
      'Remove heavy regularisation (large Dropout, strong L2) and check the labels are right.',
    ],
  };
}

function plateau(history: EpochRecord[]): Diagnosis | null {
  if (history.length < 4) return null;
  const key = history.every((r) => r.logs['val_loss'] !== undefined) ? 'val_loss' : 'loss';
  const recent = history.slice(-4).map((r) => r.logs[key] as number);
  const first = recent[0] as number;
  const best = Math.min(...recent.slice(1));
  if (!Number.isFinite(first) || first <= 0) return null;
  const improvement = (first - best) / first;
  if (improvement >= 0.01) return null;
  const last = history[history.length - 1] as EpochRecord;
  return {
    kind: 'plateau',
    severity: 'info',
    message: `${key} has stopped improving.`,
    evidence: `${key} improved ${(improvement * 100).toFixed(2)}% over the last 3 epochs (${recent.map(fmt).join(' -> ')}), learning rate ${last.learningRate.toPrecision(3)}.`,
    suggestions: [
      'Lower the learning rate (reduce-on-plateau or a cosine schedule).',
      'Stop here: early stopping would end the run now.',
      'If accuracy is still low, the model needs more capacity.',
    ],
  };
}

/**
 * Reads the learning curves after an epoch and names what is going wrong, with the
 * numbers that show it and concrete changes to try. Pure: the same history always gives
 * the same findings. Divergence hides the other findings, since they mean little then.
 */
export function diagnoseRun(history: readonly EpochRecord[], context: DiagnosisContext): Diagnosis[] {
  if (history.length === 0) return [];
  const records = [...history];
  const diverging = divergence(records, context);
  if (diverging) return [diverging];
  return [overfitting(records), underfitting(records, context), plateau(records)].filter((d): d is Diagnosis => d !== null);
}
