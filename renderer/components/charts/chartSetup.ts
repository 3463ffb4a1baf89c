import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

/**
 * Registers only the chart.js pieces the app draws (line and bar charts on linear,
 * logarithmic and category scales, with legend and tooltip), so the bundle carries no
 * unused controllers. Idempotent: chart.js ignores repeated registrations.
 */
export function registerCharts(): void {
  Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Tooltip);
}

/** Series colours, in the order curves are added (readable on the dark theme). */
export const SERIES_COLORS = ['#4fc1ff', '#ce9178', '#89d185', '#c586c0', '#dcdcaa', '#f14c4c', '#4ec9b0', '#d7ba7d', '#9cdcfe', '#b5cea8'];

/** Axis and grid colours of the dark theme. */
export const AXIS_COLORS = { tick: '#9d9d9d', grid: 'rgba(255,255,255,0.06)', border: '#3c3c3c' };
