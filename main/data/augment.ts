import type * as tfjs from '@tensorflow/tfjs';
import type { AugmentationOptions } from '../../common/data/augmentation';
import { createRandom } from './random';

/**
 * The tfjs functions augmentation uses. A structural subset, so the module from
 * `@tensorflow/tfjs`, `@tensorflow/tfjs-node` or `@tensorflow/tfjs-node-gpu` all fit.
 */
export type AugmentTf = Pick<typeof tfjs, 'tidy' | 'tensor2d' | 'tensor4d' | 'image' | 'clipByValue' | 'mean' | 'range' | 'getBackend' | 'concat'>;

/** The random draws for one image, in the units `augmentationMatrix` takes. */
export interface ImageAugmentation {
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Radians. */
  rotation: number;
  /** Pixels the content moves right (negative: left). */
  shiftX: number;
  /** Pixels the content moves down (negative: up). */
  shiftY: number;
  /** Radians. */
  shear: number;
  /** Keras ImageDataGenerator convention: factors below 1 zoom in. */
  zoomX: number;
  zoomY: number;
  brightness: number;
  contrast: number;
  /** Erased rectangle as [top, left, bottom, right) in pixels, or null. */
  cutout: [number, number, number, number] | null;
}

/** True when any geometric option is on (only then is `tf.image.transform` needed). */
function hasGeometry(options: AugmentationOptions): boolean {
  return options.horizontalFlip || options.verticalFlip || options.rotationRange > 0 || options.widthShiftRange > 0
    || options.heightShiftRange > 0 || options.shearRange > 0 || options.zoomRange > 0;
}

/** True when `options` changes anything at all. */
export function isAugmentationEnabled(options: AugmentationOptions): boolean {
  return hasGeometry(options) || options.brightnessRange !== null || options.contrastRange > 0 || options.cutoutSize > 0;
}

/**
 * Draws the random parameters of every image of a batch. Pure and seeded: the same
 * (options, size, seed) always gives the same draws. Exposed so tests and the preview
 * can predict what `augmentBatch` does.
 */
export function sampleAugmentations(options: AugmentationOptions, batchSize: number, height: number, width: number, seed: number): ImageAugmentation[] {
  const random = createRandom(seed);
  const degrees = Math.PI / 180;
  const draws: ImageAugmentation[] = [];
  for (let i = 0; i < batchSize; i++) {
    const flipHorizontal = options.horizontalFlip && random.next() < 0.5;
    const flipVertical = options.verticalFlip && random.next() < 0.5;
    const rotation = options.rotationRange > 0 ? random.uniform(-options.rotationRange, options.rotationRange) * degrees : 0;
    const shiftX = options.widthShiftRange > 0 ? random.uniform(-options.widthShiftRange, options.widthShiftRange) * width : 0;
    const shiftY = options.heightShiftRange > 0 ? random.uniform(-options.heightShiftRange, options.heightShiftRange) * height : 0;
    const shear = options.shearRange > 0 ? random.uniform(-options.shearRange, options.shearRange) * degrees : 0;
    const zoomX = options.zoomRange > 0 ? random.uniform(1 - options.zoomRange, 1 + options.zoomRange) : 1;
    const zoomY = options.zoomRange > 0 ? random.uniform(1 - options.zoomRange, 1 + options.zoomRange) : 1;
    const brightness = options.brightnessRange ? random.uniform(options.brightnessRange[0], options.brightnessRange[1]) : 1;
    const contrast = options.contrastRange > 0 ? random.uniform(1 - options.contrastRange, 1 + options.contrastRange) : 1;
    let cutout: ImageAugmentation['cutout'] = null;
    if (options.cutoutSize > 0) {
      // DeVries & Taylor: the centre may fall anywhere, the square is clipped at the border.
      const cutHeight = Math.max(1, Math.round(options.cutoutSize * height));
      const cutWidth = Math.max(1, Math.round(options.cutoutSize * width));
      const centreY = random.int(height);
      const centreX = random.int(width);
      const top = Math.max(0, centreY - Math.floor(cutHeight / 2));
      const left = Math.max(0, centreX - Math.floor(cutWidth / 2));
      cutout = [top, left, Math.min(height, top + cutHeight), Math.min(width, left + cutWidth)];
    }
    draws.push({ flipHorizontal, flipVertical, rotation, shiftX, shiftY, shear, zoomX, zoomY, brightness, contrast, cutout });
  }
  return draws;
}

type Matrix3 = [number, number, number, number, number, number, number, number, number];

function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9).fill(0) as Matrix3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
    }
  }
  return out;
}

/**
 * The `tf.image.transform` row (output pixel -> input pixel, x = column) of one image's
 * draws. Composed as Keras `apply_affine_transform` does (rotation . shift . shear . zoom,
 * about the image centre), with flips applied to the output coordinates first.
 */
export function augmentationMatrix(draw: ImageAugmentation, height: number, width: number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(draw.rotation);
  const sin = Math.sin(draw.rotation);
  const toCentre: Matrix3 = [1, 0, -cx, 0, 1, -cy, 0, 0, 1];
  const fromCentre: Matrix3 = [1, 0, cx, 0, 1, cy, 0, 0, 1];
  const flip: Matrix3 = [draw.flipHorizontal ? -1 : 1, 0, 0, 0, draw.flipVertical ? -1 : 1, 0, 0, 0, 1];
  const zoom: Matrix3 = [draw.zoomX, 0, 0, 0, draw.zoomY, 0, 0, 0, 1];
  const shear: Matrix3 = [1, -Math.sin(draw.shear), 0, 0, Math.cos(draw.shear), 0, 0, 0, 1];
  // Content moves by +shift, so the output pixel reads from input - shift.
  const shift: Matrix3 = [1, 0, -draw.shiftX, 0, 1, -draw.shiftY, 0, 0, 1];
  const rotation: Matrix3 = [cos, -sin, 0, sin, cos, 0, 0, 0, 1];
  let m = fromCentre;
  for (const step of [rotation, shift, shear, zoom, flip, toCentre]) m = multiply(m, step);
  return [m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]];
}

/**
 * Augments a batch as tensor ops (DESIGN.md principle 7): one `tf.image.transform` with a
 * composed matrix per image, then per-image brightness, contrast and cutout as
 * elementwise ops. Deterministic for a given seed; leaks no tensors (the input is not
 * disposed). Use for training batches only.
 *
 * @param tf the tfjs module in use.
 * @param images NHWC float32 pixels in [0, 1].
 * @param options parsed `augmentationSchema`; all off returns a copy-free identity.
 * @param seed draws the random parameters (pass a different seed per batch).
 * @returns the augmented batch, same shape, values in [0, 1].
 */
export function augmentBatch(tf: AugmentTf, images: tfjs.Tensor4D, options: AugmentationOptions, seed: number): tfjs.Tensor4D {
  const [batch, height, width] = images.shape;
  if (!isAugmentationEnabled(options) || batch === 0) return tf.tidy(() => images.clone());
  const draws = sampleAugmentations(options, batch, height, width, seed);
  return tf.tidy(() => {
    let out: tfjs.Tensor4D = images;
    if (hasGeometry(options)) {
      const rows = draws.map((draw) => augmentationMatrix(draw, height, width));
      const source = out;
      if (tf.getBackend() === 'cpu' && batch > 1) {
        // tfjs-backend-cpu 4.22's Transform returns after the first image of a batch (the
        // rest stay zero), so that backend gets one call per image.
        out = tf.concat(rows.map((row, i) => tf.image.transform(
          source.slice([i, 0, 0, 0], [1, -1, -1, -1]), tf.tensor2d([row], [1, 8], 'float32'), 'bilinear', options.fillMode, options.fillValue)), 0);
      } else {
        out = tf.image.transform(source, tf.tensor2d(rows, [batch, 8], 'float32'), 'bilinear', options.fillMode, options.fillValue);
      }
    }
    if (options.brightnessRange !== null) {
      const factors = tf.tensor4d(draws.map((d) => d.brightness), [batch, 1, 1, 1], 'float32');
      out = tf.clipByValue(out.mul(factors), 0, 1);
    }
    if (options.contrastRange > 0) {
      const factors = tf.tensor4d(draws.map((d) => d.contrast), [batch, 1, 1, 1], 'float32');
      const channelMeans = tf.mean(out, [1, 2], true);
      out = tf.clipByValue(out.sub(channelMeans).mul(factors).add(channelMeans), 0, 1);
    }
    if (options.cutoutSize > 0) {
      const bounds = (pick: (c: [number, number, number, number]) => number): number[] => draws.map((d) => (d.cutout ? pick(d.cutout) : 0));
      const rowIndex = tf.range(0, height, 1, 'float32').reshape([1, height, 1, 1]);
      const colIndex = tf.range(0, width, 1, 'float32').reshape([1, 1, width, 1]);
      const top = tf.tensor4d(bounds((c) => c[0]), [batch, 1, 1, 1]);
      const left = tf.tensor4d(bounds((c) => c[1]), [batch, 1, 1, 1]);
      const bottom = tf.tensor4d(bounds((c) => c[2]), [batch, 1, 1, 1]);
      const right = tf.tensor4d(bounds((c) => c[3]), [batch, 1, 1, 1]);
      const inRows = rowIndex.greaterEqual(top).logicalAnd(rowIndex.less(bottom));
      const inCols = colIndex.greaterEqual(left).logicalAnd(colIndex.less(right));
      const mask = inRows.logicalAnd(inCols).cast('float32');
      out = out.mul(mask.neg().add(1)).add(mask.mul(options.cutoutValue));
    }
    return out;
  });
}
