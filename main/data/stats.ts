import type { DatasetInfo, DatasetStats } from '../../common/api/methods/datasets';

/** Ratio (largest / smallest training class) from which an imbalance warning is given. */
export const IMBALANCE_WARNING_RATIO = 1.5;

/** Most frequent original sizes kept in the stats (the rest are summed into the list's tail counts). */
const MAX_SIZES = 50;

/** The parts of `DatasetStats` computed while writing, stored in stats.json. */
export interface StoredStats {
  sizeDistribution: DatasetStats['sizeDistribution'];
  channelMean: number[];
  channelStd: number[];
}

/** Adds one RGB record's sums and sums of squares to `sums` (`addChannelSums` layout). */
export function addRgbSums(sums: Float64Array, red: number, green: number, blue: number, redSquares: number, greenSquares: number, blueSquares: number): void {
  sums[0]! += red;
  sums[1]! += green;
  sums[2]! += blue;
  sums[3]! += redSquares;
  sums[4]! += greenSquares;
  sums[5]! += blueSquares;
}

/**
 * Adds the per-channel sums of interleaved `pixels` (`channels` per pixel) to `sums`:
 * entries 0..channels-1 get the sums of the bytes, entries channels..2*channels-1 the sums of
 * their squares. Integers far below 2^53, so the totals are exact in any order.
 */
export function addChannelSums(pixels: Uint8Array, channels: number, sums: Float64Array): void {
  if (channels === 3) {
    // One interleaved pass: this runs for every record an import does not sum while resizing.
    let r = 0, g = 0, b = 0, rr = 0, gg = 0, bb = 0;
    for (let i = 0; i < pixels.length; i += 3) {
      const vr = pixels[i]!;
      const vg = pixels[i + 1]!;
      const vb = pixels[i + 2]!;
      r += vr;
      g += vg;
      b += vb;
      rr += vr * vr;
      gg += vg * vg;
      bb += vb * vb;
    }
    addRgbSums(sums, r, g, b, rr, gg, bb);
    return;
  }
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    let square = 0;
    for (let i = c; i < pixels.length; i += channels) {
      const v = pixels[i]!;
      sum += v;
      square += v * v;
    }
    sums[c]! += sum;
    sums[channels + c]! += square;
  }
}

/** Size distribution and per-channel mean/std (in [0, 1]) from the writer's sums. */
export function computeStoredStats(originalSizes: Array<[number, number]>, sums: number[], squares: number[], pixelsPerChannel: number): StoredStats {
  const sizes = new Map<string, { width: number; height: number; count: number }>();
  for (const [width, height] of originalSizes) {
    const key = `${width}x${height}`;
    const entry = sizes.get(key);
    if (entry) entry.count += 1;
    else sizes.set(key, { width, height, count: 1 });
  }
  const sizeDistribution = [...sizes.values()].sort((a, b) => b.count - a.count || a.width - b.width || a.height - b.height).slice(0, MAX_SIZES);
  const channelMean = sums.map((sum) => (pixelsPerChannel > 0 ? sum / pixelsPerChannel / 255 : 0));
  const channelStd = squares.map((square, c) => {
    if (pixelsPerChannel === 0) return 0;
    const mean = sums[c]! / pixelsPerChannel;
    return Math.sqrt(Math.max(0, square / pixelsPerChannel - mean * mean)) / 255;
  });
  return { sizeDistribution, channelMean, channelStd };
}

/** Full stats of a dataset: class counts and imbalance from its info, the rest from stats.json. */
export function buildDatasetStats(info: DatasetInfo, stored: StoredStats): DatasetStats {
  const imagesPerClass = info.classes.map((_, c) => (info.classCounts.train[c] ?? 0) + (info.classCounts.validation[c] ?? 0) + (info.classCounts.test[c] ?? 0));
  const train = info.classCounts.train;
  const max = Math.max(...train);
  const min = Math.min(...train);
  let imbalanceRatio: number | null = null;
  let imbalanceWarning: string | null = null;
  if (min === 0) {
    const empty = info.classes.filter((_, c) => train[c] === 0);
    imbalanceWarning = `No training images for class(es) ${empty.map((n) => JSON.stringify(n)).join(', ')}: the model cannot learn them.`;
  } else {
    imbalanceRatio = max / min;
    if (imbalanceRatio >= IMBALANCE_WARNING_RATIO) {
      const largest = info.classes[train.indexOf(max)];
      const smallest = info.classes[train.indexOf(min)];
      imbalanceWarning = `Classes are imbalanced: ${JSON.stringify(largest)} has ${max} training images, ${JSON.stringify(smallest)} has ${min} (ratio ${imbalanceRatio.toFixed(2)}). Consider class weights or more data.`;
    }
  }
  return {
    id: info.id,
    classes: info.classes,
    imagesPerClass,
    classCounts: info.classCounts,
    total: info.splits.train + info.splits.validation + info.splits.test,
    imbalanceRatio,
    imbalanceWarning,
    ...stored,
  };
}
