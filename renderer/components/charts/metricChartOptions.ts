import type { ChartOptions } from 'chart.js';
import { AXIS_COLORS } from './chartSetup';
import type { SeriesPoint } from '../../charts/seriesPoints';

/** What the options of a metric chart depend on. */
export interface MetricChartOptionsInput {
  /** Every point drawn sits on a whole epoch (see `hasOnlyWholeX`). */
  wholeEpochs: boolean;
  logScale: boolean;
  xLabel: string;
  /** The x axis reaches at least this far. */
  xMax: number | undefined;
}

/** True when every point sits on a whole x (epoch records), false once any per-batch (fractional) point is drawn. */
export function hasOnlyWholeX(series: readonly (readonly SeriesPoint[])[]): boolean {
  return series.every((points) => points.every((point) => Number.isInteger(point.x)));
}

/** The tooltip title of an x value: `epoch 3` for a whole epoch, `epoch 2.45` within one. */
export function epochTitle(x: number): string {
  return `epoch ${Number.isInteger(x) ? String(x) : x.toFixed(2)}`;
}

/**
 * chart.js options of a metric chart. An axis of whole epochs gets whole ticks
 * (`precision: 0`: the step rounds up to a whole number, so a 1-epoch run shows 0 and 1
 * rather than 0, 0.2, 0.4 …, and a 100-epoch run still spaces its ticks); per-batch
 * points at fractional epochs keep chart.js's own steps.
 */
export function metricChartOptions(input: MetricChartOptionsInput): ChartOptions<'line'> {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', intersect: false, axis: 'x' },
    plugins: {
      legend: { labels: { color: AXIS_COLORS.tick, boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
      tooltip: { callbacks: { title: (items) => epochTitle(Number(items[0]?.parsed.x ?? 0)) } },
    },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        suggestedMax: input.xMax,
        title: { display: true, text: input.xLabel, color: AXIS_COLORS.tick },
        ticks: input.wholeEpochs ? { color: AXIS_COLORS.tick, precision: 0 } : { color: AXIS_COLORS.tick },
        grid: { color: AXIS_COLORS.grid },
        border: { color: AXIS_COLORS.border },
      },
      y: { type: input.logScale ? 'logarithmic' : 'linear', ticks: { color: AXIS_COLORS.tick, maxTicksLimit: 6 }, grid: { color: AXIS_COLORS.grid }, border: { color: AXIS_COLORS.border } },
    },
  };
}
