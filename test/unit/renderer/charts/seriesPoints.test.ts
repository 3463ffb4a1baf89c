import { describe, expect, it } from 'vitest';
import { appendDecimated, smoothSeries, type SeriesPoint } from '../../../../renderer/charts/seriesPoints';

describe('appendDecimated', () => {
  it('keeps every point up to the limit', () => {
    const points: SeriesPoint[] = [];
    for (let i = 0; i < 10; i++) appendDecimated(points, { x: i, y: i }, 10);
    expect(points.map((point) => point.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stays within the limit over a long run, keeps the newest points whole and the first point', () => {
    const points: SeriesPoint[] = [];
    for (let i = 0; i < 100_000; i++) appendDecimated(points, { x: i, y: Math.sin(i) }, 1000);
    expect(points.length).toBeLessThanOrEqual(1000);
    expect(points.length).toBeGreaterThan(500);
    expect(points[0]?.x).toBe(0);
    expect(points.at(-1)?.x).toBe(99_999);
    const tail = points.slice(-100).map((point) => point.x);
    expect(tail).toEqual(Array.from({ length: 100 }, (_, i) => 99_900 + i));
    for (let i = 1; i < points.length; i++) expect((points[i] as SeriesPoint).x).toBeGreaterThan((points[i - 1] as SeriesPoint).x);
  });
});

describe('smoothSeries', () => {
  it('returns the points unchanged for weight 0', () => {
    expect(smoothSeries([{ x: 0, y: 1 }, { x: 1, y: 3 }], 0)).toEqual([{ x: 0, y: 1 }, { x: 1, y: 3 }]);
  });

  it('is debiased: a constant series stays constant from the first point', () => {
    const smoothed = smoothSeries([{ x: 0, y: 2 }, { x: 1, y: 2 }, { x: 2, y: 2 }], 0.9);
    for (const point of smoothed) expect(point.y).toBeCloseTo(2, 10);
  });

  it('moves part of the way towards a jump', () => {
    const smoothed = smoothSeries([{ x: 0, y: 0 }, { x: 1, y: 10 }], 0.5);
    expect(smoothed[1]?.y).toBeGreaterThan(0);
    expect(smoothed[1]?.y).toBeLessThan(10);
  });
});
