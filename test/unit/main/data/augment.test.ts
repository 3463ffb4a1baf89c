import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { augmentationSchema } from '../../../../common/data/augmentation';
import { augmentBatch, augmentationMatrix, isAugmentationEnabled, sampleAugmentations } from '../../../../main/data/augment';

await tf.setBackend('cpu');

/** A batch of two 5x6 RGB images with distinct values everywhere. */
function knownBatch(): tf.Tensor4D {
  const values = Array.from({ length: 2 * 5 * 6 * 3 }, (_, i) => (i % 251) / 250);
  return tf.tensor4d(values, [2, 5, 6, 3]);
}

describe('augmentBatch', () => {
  it('is the identity when every option is off', () => {
    const options = augmentationSchema.parse({});
    expect(isAugmentationEnabled(options)).toBe(false);
    const images = knownBatch();
    const out = augmentBatch(tf, images, options, 7);
    expect(out.arraySync()).toEqual(images.arraySync());
    tf.dispose([images, out]);
  });

  it('flips horizontally to the reversed columns', () => {
    const options = augmentationSchema.parse({ horizontalFlip: true });
    const seed = [1, 2, 3, 4, 5, 6, 7, 8].find((s) => sampleAugmentations(options, 2, 5, 6, s).every((d) => d.flipHorizontal));
    expect(seed).toBeDefined();
    const images = knownBatch();
    const out = augmentBatch(tf, images, options, seed!);
    const expected = tf.reverse(images, 2);
    const diff = tf.max(tf.abs(out.sub(expected))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([images, out, expected]);
  });

  it('moves a known pixel by the drawn shift', () => {
    const options = augmentationSchema.parse({ widthShiftRange: 0.2, heightShiftRange: 0.2, fillMode: 'constant' });
    const size = 21;
    const pixel = tf.buffer([1, size, size, 1], 'float32');
    pixel.set(1, 0, 10, 10, 0);
    const image = pixel.toTensor() as tf.Tensor4D;
    const seed = 11;
    const [draw] = sampleAugmentations(options, 1, size, size, seed);
    const out = augmentBatch(tf, image, options, seed);
    const values = out.dataSync();
    let total = 0;
    let sumX = 0;
    let sumY = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = values[y * size + x]!;
        total += v;
        sumX += v * x;
        sumY += v * y;
      }
    }
    // Bilinear sampling keeps the centre of mass, so it lands exactly at pixel + shift.
    expect(Math.abs(draw!.shiftX) + Math.abs(draw!.shiftY)).toBeGreaterThan(0.5);
    expect(total).toBeCloseTo(1, 4);
    expect(sumX / total).toBeCloseTo(10 + draw!.shiftX, 4);
    expect(sumY / total).toBeCloseTo(10 + draw!.shiftY, 4);
    tf.dispose([image, out]);
  });

  it('is deterministic under a seed and differs across seeds', () => {
    const options = augmentationSchema.parse({ rotationRange: 30, zoomRange: 0.2, shearRange: 10, brightnessRange: [0.8, 1.2], contrastRange: 0.3, cutoutSize: 0.3 });
    const images = knownBatch();
    const a = augmentBatch(tf, images, options, 3);
    const b = augmentBatch(tf, images, options, 3);
    const c = augmentBatch(tf, images, options, 4);
    expect(a.arraySync()).toEqual(b.arraySync());
    expect(a.arraySync()).not.toEqual(c.arraySync());
    const min = tf.min(a).dataSync()[0]!;
    const max = tf.max(a).dataSync()[0]!;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    tf.dispose([images, a, b, c]);
  });

  it('erases the cutout square with the cutout value', () => {
    const options = augmentationSchema.parse({ cutoutSize: 0.5, cutoutValue: 0 });
    const images = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    const [draw] = sampleAugmentations(options, 1, 8, 8, 5);
    const out = augmentBatch(tf, images, options, 5);
    const [top, left, bottom, right] = draw!.cutout!;
    const values = out.dataSync();
    expect(values[top * 8 + left]).toBe(0);
    expect(values[(bottom - 1) * 8 + (right - 1)]).toBe(0);
    expect(tf.sum(out).dataSync()[0]).toBe(64 - (bottom - top) * (right - left));
    tf.dispose([images, out]);
  });

  it('leaks no tensors', () => {
    const options = augmentationSchema.parse({ horizontalFlip: true, rotationRange: 20, widthShiftRange: 0.1, brightnessRange: [0.5, 1.5], contrastRange: 0.2, cutoutSize: 0.2 });
    const images = knownBatch();
    const before = tf.memory().numTensors;
    const out = augmentBatch(tf, images, options, 1);
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  it('composes the identity matrix when nothing is drawn', () => {
    const [draw] = sampleAugmentations(augmentationSchema.parse({}), 1, 4, 4, 1);
    expect(augmentationMatrix(draw!, 4, 4)).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
  });
});

describe('augmentBatch on the wasm backend', () => {
  it('flips every image of a batch', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    try {
      const options = augmentationSchema.parse({ horizontalFlip: true });
      const seed = [1, 2, 3, 4, 5, 6, 7, 8].find((s) => sampleAugmentations(options, 2, 5, 6, s).every((d) => d.flipHorizontal))!;
      const images = knownBatch();
      const out = augmentBatch(tf, images, options, seed);
      const expected = tf.reverse(images, 2);
      expect(tf.max(tf.abs(out.sub(expected))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([images, out, expected]);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
