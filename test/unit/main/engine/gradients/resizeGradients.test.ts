import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../../../main/engine/backend';
import { seededTensor } from '../seededTensor';

interface ResizeCase {
  name: string;
  input: [number, number, number, number];
  size: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/**
 * The image gradient by finite structure: the resize is linear in the image, so the
 * gradient of sum(resize(x) * w) at pixel p is sum(resize(e_p) * w). Computed by running
 * the forward op on basis images, independent of the gradient code under test.
 */
function referenceGradient(c: ResizeCase, bilinear: boolean, weights: tf.Tensor4D): Float32Array {
  const [batch, height, width, channels] = c.input;
  const out = new Float32Array(batch * height * width * channels);
  const w = weights.dataSync();
  const [outH, outW] = c.size;
  for (let h = 0; h < height; h++) {
    for (let x = 0; x < width; x++) {
      const basis = tf.buffer([1, height, width, 1]);
      basis.set(1, 0, h, x, 0);
      const image = basis.toTensor() as tf.Tensor4D;
      const resized = (bilinear
        ? tf.image.resizeBilinear(image, c.size, c.alignCorners, c.halfPixelCenters)
        : tf.image.resizeNearestNeighbor(image, c.size, c.alignCorners, c.halfPixelCenters)).dataSync();
      for (let n = 0; n < batch; n++) {
        for (let k = 0; k < channels; k++) {
          let sum = 0;
          for (let i = 0; i < outH * outW; i++) sum += (resized[i] as number) * (w[((n * outH * outW) + i) * channels + k] as number);
          out[((n * height + h) * width + x) * channels + k] = sum;
        }
      }
    }
  }
  return out;
}

const CASES: ResizeCase[] = [
  { name: 'upsample x2, batch 2', input: [2, 3, 4, 3], size: [6, 8], alignCorners: false, halfPixelCenters: false },
  { name: 'non-square x(2,3)', input: [2, 5, 3, 2], size: [10, 9], alignCorners: false, halfPixelCenters: false },
  { name: 'align corners', input: [1, 4, 3, 1], size: [7, 5], alignCorners: true, halfPixelCenters: false },
  { name: 'half-pixel centers', input: [2, 3, 3, 2], size: [5, 7], alignCorners: false, halfPixelCenters: true },
];

describe('resize gradients', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const bilinear of [false, true]) {
      it.each(CASES)(`${backend} ${bilinear ? 'bilinear' : 'nearest'}: $name`, async (c) => {
        await initBackend({ preference: backend });
        const x = seededTensor(c.input, 1) as tf.Tensor4D;
        const w = seededTensor([c.input[0], ...c.size, c.input[3]], 2) as tf.Tensor4D;
        const resize = (image: tf.Tensor4D): tf.Tensor4D => (bilinear
          ? tf.image.resizeBilinear(image, c.size, c.alignCorners, c.halfPixelCenters)
          : tf.image.resizeNearestNeighbor(image, c.size, c.alignCorners, c.halfPixelCenters));
        const gradient = tf.grad((image: tf.Tensor) => tf.sum(tf.mul(resize(image as tf.Tensor4D), w)))(x);
        expect(gradient.shape).toEqual(c.input);
        const expected = referenceGradient(c, bilinear, w);
        Array.from(gradient.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 4));
      });
    }
  }
});
