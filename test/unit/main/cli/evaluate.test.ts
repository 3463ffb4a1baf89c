import { describe, expect, it } from 'vitest';
import { formatEvaluation } from '../../../../main/cli/evaluate';
import type { Evaluation } from '../../../../common/training/evaluation';

function evaluation(classes: string[]): Evaluation {
  const metrics = { precision: 1, recall: 1, f1: 1, support: 2 };
  return {
    runId: 'r1', checkpoint: 'best', split: 'test', examples: 4, loss: 0.1, accuracy: 1, topK: { k: 1, accuracy: 1 }, classes,
    confusionMatrix: [[2, 0], [0, 2]], perClass: classes.map((className) => ({ ...metrics, className })),
    macroAverage: metrics, weightedAverage: metrics, misclassified: [], evaluatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('formatEvaluation', () => {
  it('labels confusion-matrix rows by digit once when the classes are named by their digits', () => {
    const text = formatEvaluation(evaluation(['0', '1']));
    const rows = text.split('\n').slice(text.split('\n').findIndex((line) => line.startsWith('Confusion matrix')) + 2);
    expect(rows[0]).toMatch(/^0\s+2\s+0$/);
    expect(rows[1]).toMatch(/^1\s+0\s+2$/);
  });

  it('labels rows by label and name otherwise', () => {
    const text = formatEvaluation(evaluation(['T-shirt/top', 'Trouser']));
    expect(text).toMatch(/\n0 T-shirt\/top\s+2\s+0\n1 Trouser\s+0\s+2\n/);
  });
});
