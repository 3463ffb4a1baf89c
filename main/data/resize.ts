import type { Preprocessing } from '../../common/api/methods/datasets';

/** Interleaved pixels with their geometry. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (alpha is ignored). */
  channels: number;
}

/**
 * The region of the source that maps onto the target, as Keras computes it: the whole
 * image (squash), the largest centred window with the target's aspect ratio
 * (`crop_to_aspect_ratio`), or the image centred on a zero canvas with that ratio
 * (`pad_to_aspect_ratio`). `x0`/`y0` is where the canvas starts in source pixels.
 */
function canvasOf(width: number, height: number, targetWidth: number, targetHeight: number, mode: Preprocessing['resizeMode']): { x0: number; y0: number; width: number; height: number } {
  if (mode === 'center-crop') {
    const cropHeight = Math.min(height, Math.trunc((width * targetHeight) / targetWidth));
    const cropWidth = Math.min(width, Math.trunc((height * targetWidth) / targetHeight));
    return { x0: Math.trunc((width - cropWidth) / 2), y0: Math.trunc((height - cropHeight) / 2), width: Math.max(1, cropWidth), height: Math.max(1, cropHeight) };
  }
  if (mode === 'letterbox') {
    const padHeight = Math.max(height, Math.trunc((width * targetHeight) / targetWidth));
    const padWidth = Math.max(width, Math.trunc((height * targetWidth) / targetHeight));
    return { x0: -Math.trunc((padWidth - width) / 2), y0: -Math.trunc((padHeight - height) / 2), width: padWidth, height: padHeight };
  }
  return { x0: 0, y0: 0, width, height };
}

/**
 * Resizes to `preprocessing.targetSize` and converts to its colour mode in one pass, with
 * TensorFlow's `tf.image.resize(method="bilinear", antialias=False)` sampling (half-pixel
 * centres), which is what Keras `image_dataset_from_directory` applies. Grey is ITU-R 601
 * luma (0.299, 0.587, 0.114). Work is proportional to the output size, not the input.
 */
export function resizeToTarget(image: RawImage, preprocessing: Pick<Preprocessing, 'targetSize' | 'colorMode' | 'resizeMode'>): Uint8Array {
  const [targetHeight, targetWidth] = preprocessing.targetSize;
  const outChannels = preprocessing.colorMode === 'grayscale' ? 1 : 3;
  const { data, width, height, channels } = image;
  const colour = channels >= 3;
  const canvas = canvasOf(width, height, targetWidth, targetHeight, preprocessing.resizeMode);
  const scaleX = canvas.width / targetWidth;
  const scaleY = canvas.height / targetHeight;
  const out = new Uint8Array(targetWidth * targetHeight * outChannels);
  // Per output column: the two source columns and the weight of the right one (-1: outside the image).
  const left = new Int32Array(targetWidth);
  const right = new Int32Array(targetWidth);
  const fracX = new Float64Array(targetWidth);
  for (let ox = 0; ox < targetWidth; ox++) {
    const x = Math.max(0, (ox + 0.5) * scaleX - 0.5);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, canvas.width - 1);
    fracX[ox] = x - lo;
    const sl = lo + canvas.x0;
    const sr = hi + canvas.x0;
    left[ox] = sl >= 0 && sl < width ? sl : -1;
    right[ox] = sr >= 0 && sr < width ? sr : -1;
  }
  // Offsets of the sampled source columns inside a row (-1: outside the image).
  const leftOffset = new Int32Array(targetWidth);
  const rightOffset = new Int32Array(targetWidth);
  for (let ox = 0; ox < targetWidth; ox++) {
    leftOffset[ox] = left[ox]! < 0 ? -1 : left[ox]! * channels;
    rightOffset[ox] = right[ox]! < 0 ? -1 : right[ox]! * channels;
  }
  const rowOffset = (sy: number): number => (sy >= 0 && sy < height ? sy * width * channels : -1);
  // Channel offsets of R, G, B (a grey source reads its one channel three times).
  const g = colour ? 1 : 0;
  const b = colour ? 2 : 0;
  let o = 0;
  for (let oy = 0; oy < targetHeight; oy++) {
    const y = Math.max(0, (oy + 0.5) * scaleY - 0.5);
    const lo = Math.floor(y);
    const hi = Math.min(lo + 1, canvas.height - 1);
    const fy = y - lo;
    const top = rowOffset(lo + canvas.y0);
    const bottom = rowOffset(hi + canvas.y0);
    for (let ox = 0; ox < targetWidth; ox++) {
      const fx = fracX[ox]!;
      const l = leftOffset[ox]!;
      const r = rightOffset[ox]!;
      let red = 0;
      let green = 0;
      let blue = 0;
      if (top >= 0) {
        if (l >= 0) {
          const w = (1 - fx) * (1 - fy);
          const i = top + l;
          red += w * data[i]!;
          green += w * data[i + g]!;
          blue += w * data[i + b]!;
        }
        if (r >= 0) {
          const w = fx * (1 - fy);
          const i = top + r;
          red += w * data[i]!;
          green += w * data[i + g]!;
          blue += w * data[i + b]!;
        }
      }
      if (bottom >= 0) {
        if (l >= 0) {
          const w = (1 - fx) * fy;
          const i = bottom + l;
          red += w * data[i]!;
          green += w * data[i + g]!;
          blue += w * data[i + b]!;
        }
        if (r >= 0) {
          const w = fx * fy;
          const i = bottom + r;
          red += w * data[i]!;
          green += w * data[i + g]!;
          blue += w * data[i + b]!;
        }
      }
      if (outChannels === 3) {
        // Weights sum to at most 1, so values stay in [0, 255]; `| 0` after +0.5 rounds them.
        out[o++] = (red + 0.5) | 0;
        out[o++] = (green + 0.5) | 0;
        out[o++] = (blue + 0.5) | 0;
      } else {
        out[o++] = (0.299 * red + 0.587 * green + 0.114 * blue + 0.5) | 0;
      }
    }
  }
  return out;
}
