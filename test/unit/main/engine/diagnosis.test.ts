import { describe, expect, it } from 'vitest';
import { diagnoseRun } from '../../../../main/engine/diagnosis';
import type { EpochRecord } from '../../../../common/training/epochRecord';

const curve = (rows: Record<string, number>[]): EpochRecord[] => rows.map((logs, i) => ({ epoch: i + 1, logs, learningRate: 0.001, seconds: 1, imagesPerSecond: 100, time: 't' }));
const context = { classes: 10, epochs: 20, learningRate: 0.001 };
const kinds = (rows: Record<string, number>[]) => diagnoseRun(curve(rows), context).map((d) => d.kind);

describe('diagnoseRun', () => {
  it('finds nothing wrong with healthy curves', () => {
    expect(kinds([
      { loss: 1.0, accuracy: 0.6, val_loss: 1.0, val_accuracy: 0.6 },
      { loss: 0.7, accuracy: 0.75, val_loss: 0.72, val_accuracy: 0.74 },
      { loss: 0.5, accuracy: 0.82, val_loss: 0.55, val_accuracy: 0.8 },
    ])).toEqual([]);
  });

  it('names overfitting when the train/val gap grows while validation loss rises', () => {
    const found = diagnoseRun(curve([
      { loss: 0.6, accuracy: 0.8, val_loss: 0.6, val_accuracy: 0.8 },
      { loss: 0.4, accuracy: 0.87, val_loss: 0.55, val_accuracy: 0.82 },
      { loss: 0.25, accuracy: 0.92, val_loss: 0.6, val_accuracy: 0.81 },
      { loss: 0.12, accuracy: 0.97, val_loss: 0.75, val_accuracy: 0.8 },
    ]), context);
    expect(found.map((d) => d.kind)).toEqual(['overfitting']);
    expect(found[0]?.evidence).toMatch(/val_loss - loss grew/);
    expect(found[0]?.suggestions.some((s) => /augmentation/i.test(s))).toBe(true);
  });

  it('names divergence when the loss explodes, and nothing else', () => {
    expect(kinds([{ loss: 2.0, accuracy: 0.3 }, { loss: 1.5, accuracy: 0.4 }, { loss: 9.0, accuracy: 0.1 }])).toEqual(['divergence']);
    expect(kinds([{ loss: Number.NaN }])).toEqual(['divergence']);
  });

  it('names underfitting when training accuracy stays near chance', () => {
    expect(kinds([{ loss: 2.3, accuracy: 0.1 }, { loss: 2.29, accuracy: 0.11 }])).toContain('underfitting');
  });

  it('names a plateau when the monitored loss stops improving', () => {
    expect(kinds([
      { loss: 0.5, accuracy: 0.85, val_loss: 0.5 },
      { loss: 0.499, accuracy: 0.85, val_loss: 0.499 },
      { loss: 0.498, accuracy: 0.85, val_loss: 0.4985 },
      { loss: 0.4975, accuracy: 0.85, val_loss: 0.498 },
    ])).toEqual(['plateau']);
  });
});
