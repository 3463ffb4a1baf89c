import { LinearScale } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { epochTitle, hasOnlyWholeX, metricChartOptions } from '../../../../../renderer/components/charts/metricChartOptions';

const base = { logScale: false, xLabel: 'epoch', xMax: 1 };

/**
 * The ticks chart.js's own linear scale generates for the x axis of the options over
 * [0, max] on a 600 px wide chart. Layout (canvas, fonts) is stubbed: jsdom has no canvas.
 */
function xTicks(wholeEpochs: boolean, max: number): number[] {
  const x = metricChartOptions({ ...base, wholeEpochs, xMax: max }).scales?.x as { min: number; ticks: object };
  const scale = new LinearScale({ id: 'x', type: 'linear', ctx: null, chart: null });
  const stubs = scale as unknown as { options: object; computeTickLimit: () => number; _maxDigits: () => number; isHorizontal: () => boolean };
  stubs.options = { bounds: 'ticks', min: x.min, ticks: { maxTicksLimit: undefined, ...x.ticks } };
  stubs.computeTickLimit = () => 600 / 40;
  stubs._maxDigits = () => 600 / 14;
  stubs.isHorizontal = () => true;
  scale.min = 0;
  scale.max = max;
  return scale.buildTicks().map((tick) => tick.value);
}

describe('hasOnlyWholeX', () => {
  it('is true for epoch records, false once a per-batch point is fractional', () => {
    expect(hasOnlyWholeX([[{ x: 1, y: 0.5 }, { x: 2, y: 0.4 }], [{ x: 1, y: 0.6 }]])).toBe(true);
    expect(hasOnlyWholeX([[{ x: 0.25, y: 0.9 }, { x: 0.5, y: 0.8 }], [{ x: 1, y: 0.7 }]])).toBe(false);
    expect(hasOnlyWholeX([[]])).toBe(true);
  });
});

describe('metricChartOptions', () => {
  it('gives an axis of whole epochs whole ticks and leaves a per-batch axis to chart.js', () => {
    const whole = metricChartOptions({ ...base, wholeEpochs: true }).scales?.x;
    const batch = metricChartOptions({ ...base, wholeEpochs: false }).scales?.x;
    expect(whole).toMatchObject({ type: 'linear', min: 0, suggestedMax: 1, ticks: { precision: 0 } });
    expect(batch?.ticks).not.toHaveProperty('precision');
    expect(batch).toMatchObject({ type: 'linear', min: 0, suggestedMax: 1 });
  });

  it('makes chart.js tick a 1-epoch axis at 0 and 1 only, while batches keep fractional ticks', () => {
    expect(xTicks(true, 1)).toEqual([0, 1]);
    expect(xTicks(true, 3)).toEqual([0, 1, 2, 3]);
    expect(xTicks(true, 100).every(Number.isInteger)).toBe(true);
    expect(xTicks(true, 100).length).toBeLessThanOrEqual(11);
    expect(xTicks(false, 1)).toContain(0.5);
  });

  it('switches the y axis to logarithmic and keeps the x label', () => {
    const options = metricChartOptions({ ...base, wholeEpochs: true, logScale: true, xLabel: 'step' });
    expect(options.scales?.y?.type).toBe('logarithmic');
    expect(options.scales?.x).toMatchObject({ title: { text: 'step' } });
  });
});

describe('epochTitle', () => {
  it('names whole epochs without decimals and batches with two', () => {
    expect(epochTitle(3)).toBe('epoch 3');
    expect(epochTitle(2.456)).toBe('epoch 2.46');
  });
});
