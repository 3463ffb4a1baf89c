import { describe, expect, it } from 'vitest';
import { classificationReport, pngDataUrl } from '../../../../main/engine/evaluate';

describe('classificationReport', () => {
  it('matches scikit-learn for a 3-class confusion matrix', () => {
    // y_true = [0,0,0,1,1,2], y_pred = [0,0,1,1,2,2] -> sklearn: precision [1, .5, .5], recall [.667, .5, 1].
    const report = classificationReport([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    expect(report.perClass.map((c) => c.precision)).toEqual([1, 0.5, 0.5]);
    expect(report.perClass[0]?.recall).toBeCloseTo(2 / 3, 6);
    expect(report.perClass[0]?.f1).toBeCloseTo(0.8, 6);
    expect(report.macro.precision).toBeCloseTo(2 / 3, 6);
    expect(report.macro.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 6);
    expect(report.weighted.recall).toBeCloseTo(4 / 6, 6);
    expect(report.weighted.support).toBe(6);
  });

  it('gives 0 instead of NaN for a class never predicted or never present', () => {
    const report = classificationReport([[1, 0], [1, 0]]);
    expect(report.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });
});

describe('pngDataUrl', () => {
  it('encodes a grayscale thumbnail as a PNG data URL', async () => {
    const url = await pngDataUrl(new Uint8Array(16).fill(128), 4, 4, 1);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1] ?? '', 'base64').subarray(1, 4).toString()).toBe('PNG');
  });
});
