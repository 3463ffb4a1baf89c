import { LabError } from '../../common/errors';
import type { Preprocessing } from '../../common/data/preprocessing';
import { addChannelSums, addRgbSums } from './stats';

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
 * Bilinear taps along one axis, one entry per output position: the offsets of the near and
 * far source lines and their weights. A tap outside the image (letterbox padding) gets
 * offset 0 and weight 0, which adds exactly +0 to the sum, the same as skipping it, so the
 * pixel loop needs no bounds checks.
 */
interface AxisTaps {
  near: Int32Array;
  far: Int32Array;
  nearWeight: Float64Array;
  farWeight: Float64Array;
}

/**
 * Taps of `outputs` positions over a canvas of `canvasSize` source lines starting at
 * `origin`, of which `size` exist; `stride` is the distance between source lines in bytes.
 * Half-pixel centres as TensorFlow: x = max(0, (o + 0.5) * scale - 0.5).
 */
function axisTaps(outputs: number, canvasSize: number, origin: number, size: number, stride: number): AxisTaps {
  const scale = canvasSize / outputs;
  const taps: AxisTaps = { near: new Int32Array(outputs), far: new Int32Array(outputs), nearWeight: new Float64Array(outputs), farWeight: new Float64Array(outputs) };
  for (let o = 0; o < outputs; o++) {
    const x = Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, canvasSize - 1);
    const fraction = x - lo;
    const near = lo + origin;
    const far = hi + origin;
    if (near >= 0 && near < size) {
      taps.near[o] = near * stride;
      taps.nearWeight[o] = 1 - fraction;
    }
    if (far >= 0 && far < size) {
      taps.far[o] = far * stride;
      taps.farWeight[o] = fraction;
    }
  }
  return taps;
}

/**
 * Resizes to `preprocessing.targetSize` and converts to its colour mode in one pass, with
 * TensorFlow's `tf.image.resize(method="bilinear", antialias=False)` sampling (half-pixel
 * centres), which is what Keras `image_dataset_from_directory` applies. Grey is ITU-R 601
 * luma (0.299, 0.587, 0.114). Work is proportional to the output size, not the input.
 *
 * Each output value is computed in float64 as w00*TL + w01*TR + w10*BL + w11*BR with
 * w00 = (1 - fx) * (1 - fy) and so on, then rounded half up; the separate loops below for
 * colour and grey sources keep exactly that arithmetic (this runs for every imported image).
 *
 * Writes into `out` when given (an import's reused round buffer), which must hold exactly
 * `height * width * channels` bytes, and returns it. Adds the output's per-channel sums to
 * `sums` when given (as `addChannelSums`); for an RGB source and output, the common import
 * case, they are gathered in the same pass instead of a second one over the record.
 *
 * @throws LabError `INTERNAL` when `out` has another length.
 */
export function resizeToTarget(image: RawImage, preprocessing: Pick<Preprocessing, 'targetSize' | 'colorMode' | 'resizeMode'>, out?: Uint8Array, sums?: Float64Array): Uint8Array {
  const [targetHeight, targetWidth] = preprocessing.targetSize;
  const { data, width, height, channels } = image;
  const canvas = canvasOf(width, height, targetWidth, targetHeight, preprocessing.resizeMode);
  const columns = axisTaps(targetWidth, canvas.width, canvas.x0, width, channels);
  const rows = axisTaps(targetHeight, canvas.height, canvas.y0, height, width * channels);
  const greyOut = preprocessing.colorMode === 'grayscale';
  const outBytes = targetWidth * targetHeight * (greyOut ? 1 : 3);
  if (out && out.length !== outBytes) throw new LabError('INTERNAL', `Expected an output buffer of ${outBytes} bytes. Received: length=${out.length}`);
  const target = out ?? new Uint8Array(outBytes);
  const { near: left, far: right, nearWeight: leftWeight, farWeight: rightWeight } = columns;
  if (channels >= 3 && !greyOut) {
    colourToRgb(data, columns, rows, target, sums);
    return target;
  }
  let o = 0;
  for (let oy = 0; oy < targetHeight; oy++) {
    const top = rows.near[oy]!;
    const bottom = rows.far[oy]!;
    const topWeight = rows.nearWeight[oy]!;
    const bottomWeight = rows.farWeight[oy]!;
    for (let ox = 0; ox < targetWidth; ox++) {
      const l = left[ox]!;
      const r = right[ox]!;
      const w00 = leftWeight[ox]! * topWeight;
      const w01 = rightWeight[ox]! * topWeight;
      const w10 = leftWeight[ox]! * bottomWeight;
      const w11 = rightWeight[ox]! * bottomWeight;
      const i00 = top + l;
      const i01 = top + r;
      const i10 = bottom + l;
      const i11 = bottom + r;
      if (channels >= 3) {
        const red = w00 * data[i00]! + w01 * data[i01]! + w10 * data[i10]! + w11 * data[i11]!;
        const green = w00 * data[i00 + 1]! + w01 * data[i01 + 1]! + w10 * data[i10 + 1]! + w11 * data[i11 + 1]!;
        const blue = w00 * data[i00 + 2]! + w01 * data[i01 + 2]! + w10 * data[i10 + 2]! + w11 * data[i11 + 2]!;
        if (greyOut) {
          target[o++] = (0.299 * red + 0.587 * green + 0.114 * blue + 0.5) | 0;
        } else {
          // Weights sum to at most 1, so values stay in [0, 255]; `| 0` after +0.5 rounds them.
          target[o++] = (red + 0.5) | 0;
          target[o++] = (green + 0.5) | 0;
          target[o++] = (blue + 0.5) | 0;
        }
      } else {
        // A grey source is read as R = G = B.
        const value = w00 * data[i00]! + w01 * data[i01]! + w10 * data[i10]! + w11 * data[i11]!;
        if (greyOut) {
          target[o++] = (0.299 * value + 0.587 * value + 0.114 * value + 0.5) | 0;
        } else {
          const rounded = (value + 0.5) | 0;
          target[o++] = rounded;
          target[o++] = rounded;
          target[o++] = rounded;
        }
      }
    }
  }
  if (sums) addChannelSums(target, greyOut ? 1 : 3, sums);
  return target;
}

/**
 * The colour-source, RGB-output case of `resizeToTarget` (every photo an import decodes) on
 * its own, with the same arithmetic, summing the output as it goes: kept out of the general
 * loop, the sums cost about nothing here, where they slow the general loop as much as a
 * second pass would.
 */
function colourToRgb(data: Uint8Array, columns: AxisTaps, rows: AxisTaps, target: Uint8Array, sums: Float64Array | undefined): void {
  const { near: left, far: right, nearWeight: leftWeight, farWeight: rightWeight } = columns;
  const targetWidth = left.length;
  const targetHeight = rows.near.length;
  let sumRed = 0, sumGreen = 0, sumBlue = 0, squareRed = 0, squareGreen = 0, squareBlue = 0;
  let o = 0;
  for (let oy = 0; oy < targetHeight; oy++) {
    const top = rows.near[oy]!;
    const bottom = rows.far[oy]!;
    const topWeight = rows.nearWeight[oy]!;
    const bottomWeight = rows.farWeight[oy]!;
    for (let ox = 0; ox < targetWidth; ox++) {
      const l = left[ox]!;
      const r = right[ox]!;
      const w00 = leftWeight[ox]! * topWeight;
      const w01 = rightWeight[ox]! * topWeight;
      const w10 = leftWeight[ox]! * bottomWeight;
      const w11 = rightWeight[ox]! * bottomWeight;
      const i00 = top + l;
      const i01 = top + r;
      const i10 = bottom + l;
      const i11 = bottom + r;
      const red = (w00 * data[i00]! + w01 * data[i01]! + w10 * data[i10]! + w11 * data[i11]! + 0.5) | 0;
      const green = (w00 * data[i00 + 1]! + w01 * data[i01 + 1]! + w10 * data[i10 + 1]! + w11 * data[i11 + 1]! + 0.5) | 0;
      const blue = (w00 * data[i00 + 2]! + w01 * data[i01 + 2]! + w10 * data[i10 + 2]! + w11 * data[i11 + 2]! + 0.5) | 0;
      target[o++] = red;
      target[o++] = green;
      target[o++] = blue;
      sumRed += red;
      sumGreen += green;
      sumBlue += blue;
      squareRed += red * red;
      squareGreen += green * green;
      squareBlue += blue * blue;
    }
  }
  if (sums) addRgbSums(sums, sumRed, sumGreen, sumBlue, squareRed, squareGreen, squareBlue);
}
