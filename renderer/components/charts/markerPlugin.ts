import type { Chart, Plugin } from 'chart.js';

/** A vertical line at an x value with a short label at its top. */
export interface VerticalMarker {
  x: number;
  label: string;
  color: string;
}

/**
 * A chart.js plugin drawing vertical markers (checkpoints, learning-rate drops) behind the
 * curves. The markers are read through `getMarkers` at draw time, so changing them needs
 * only a chart update, not a new plugin.
 */
export function verticalMarkerPlugin(getMarkers: () => readonly VerticalMarker[]): Plugin<'line'> {
  return {
    id: 'verticalMarkers',
    beforeDatasetsDraw(chart: Chart<'line'>) {
      const xScale = chart.scales['x'];
      const area = chart.chartArea;
      if (!xScale || !area) return;
      const context = chart.ctx;
      context.save();
      context.font = '10px system-ui, sans-serif';
      const labelsAt = new Map<number, number>();
      const drawn: string[] = [];
      for (const marker of getMarkers()) {
        const x = xScale.getPixelForValue(marker.x);
        // Markers at the same place stack their labels instead of overprinting them.
        const row = labelsAt.get(Math.round(x)) ?? 0;
        labelsAt.set(Math.round(x), row + 1);
        if (x < area.left || x > area.right) continue;
        context.strokeStyle = marker.color;
        context.fillStyle = marker.color;
        context.setLineDash([4, 3]);
        context.beginPath();
        context.moveTo(x, area.top);
        context.lineTo(x, area.bottom);
        context.stroke();
        context.fillText(marker.label, Math.min(x + 3, area.right - context.measureText(marker.label).width), area.top + 10 + row * 12);
        drawn.push(`${marker.label}@${marker.x}`);
      }
      context.restore();
      // What the canvas shows, in words: for assistive reading of the chart and for the end-to-end tests.
      chart.canvas.dataset['markers'] = JSON.stringify(drawn);
    },
  };
}
