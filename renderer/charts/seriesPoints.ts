/** One point of a metric curve: x is the (fractional) epoch, y the value. */
export interface SeriesPoint {
  x: number;
  y: number;
}

/**
 * Appends `point` to `points` in place, keeping at most `limit` points: when the limit is
 * passed, the older half is thinned to every second point, so recent batches keep full
 * detail while a long run's history stays a bounded, evenly shaped curve. Chart updates
 * then cost the same at epoch 1 and at epoch 500.
 *
 * @param limit Largest number of points kept (at least 4).
 * @returns The same array, for chaining.
 */
export function appendDecimated(points: SeriesPoint[], point: SeriesPoint, limit: number): SeriesPoint[] {
  points.push(point);
  if (points.length <= Math.max(4, limit)) return points;
  const half = Math.floor(points.length / 2);
  const thinned: SeriesPoint[] = [];
  for (let index = 0; index < half; index += 2) {
    const kept = points[index];
    if (kept) thinned.push(kept);
  }
  points.splice(0, half, ...thinned);
  return points;
}

/**
 * Exponential moving average with TensorBoard's debiasing, so the first points are not
 * pulled towards zero. `weight` 0 returns the points unchanged.
 */
export function smoothSeries(points: readonly SeriesPoint[], weight: number): SeriesPoint[] {
  if (weight <= 0) return points.slice();
  let last = 0;
  let debias = 0;
  return points.map((point) => {
    last = last * weight + (1 - weight) * point.y;
    debias = debias * weight + (1 - weight);
    return { x: point.x, y: last / debias };
  });
}
