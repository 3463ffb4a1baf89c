import * as tf from '@tensorflow/tfjs';
import { createRandom, type SeededRandom } from '../../../../../../main/data/random';

/**
 * The largest difference relative to the largest magnitude of `expected`: the error
 * measure a sum of many products allows (an element near zero after cancellation carries
 * the absolute error of the large terms it summed).
 */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    maxDiff = Math.max(maxDiff, Number.isNaN(a) ? Infinity : Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return maxDiff / Math.max(scale, 1e-30);
}

/** Deterministic values in [-1, 1). */
export function randomTensor(shape: readonly number[], random: SeededRandom): tf.Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random.uniform(-1, 1);
  return tf.tensor(data, [...shape]);
}

/** One convolution to test: NHWC input, [fh, fw, in, out] filter. */
export interface ConvCase {
  name: string;
  input: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid';
}

/** Output height or width of a convolution, as tfjs computes it. */
export function convOutSize(input: number, filter: number, stride: number, dilation: number, pad: 'same' | 'valid'): number {
  const effective = (filter - 1) * dilation + 1;
  return pad === 'same' ? Math.ceil(input / stride) : Math.ceil((input - effective + 1) / stride);
}

/** The dy shape of a case: the forward output's shape. */
export function convOutShape(c: ConvCase): [number, number, number, number] {
  return [
    c.input[0],
    convOutSize(c.input[1], c.filter[0], c.strides[0], c.dilations[0], c.pad),
    convOutSize(c.input[2], c.filter[1], c.strides[1], c.dilations[1], c.pad),
    c.filter[3],
  ];
}

/**
 * `count` convolutions drawn from `seed`: strides 1-2, same and valid padding, filters 1-5
 * wide, odd and even sizes, channel counts that are and are not multiples of 4, batch 1-3
 * (and one case of batch 256, so that the reduction over the batch is long). With
 * `dilated`, half the stride-1 cases get a dilation of 2 or 3 (tfjs has no strided dilated
 * convolution). Sizes stay small: lavapipe runs these on the CPU.
 */
export function randomConvCases(seed: number, count: number, dilated: boolean): ConvCase[] {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const big = cases.length === 0;
    const stride = pick([1, 2] as const);
    const dilation = dilated && stride === 1 && random.next() < 0.5 ? pick([2, 3]) : 1;
    const fh = pick([1, 2, 3, 3, 5]);
    const fw = random.next() < 0.7 ? fh : pick([1, 2, 3]);
    // The batch of 256 gets few pixels and channels: the cpu backend's reference is a scalar loop.
    const c: ConvCase = {
      name: '',
      input: big ? [256, 3 + random.int(2), 3 + random.int(2), pick([1, 3, 4])] : [pick([1, 2, 3]), 3 + random.int(11), 3 + random.int(11), pick([1, 3, 4, 5, 8, 12, 16])],
      filter: [fh, fw, 0, big ? pick([1, 2, 4]) : pick([1, 2, 4, 6, 8, 13, 16])],
      strides: [stride, stride],
      dilations: [dilation, dilation],
      pad: pick(['same', 'valid'] as const),
    };
    c.filter[2] = c.input[3];
    const [, oh, ow] = convOutShape(c);
    if (oh < 1 || ow < 1) continue;
    c.name = `x ${c.input.join('x')}, filter ${c.filter.join('x')}, stride ${stride}, dilation ${dilation}, ${c.pad}`;
    cases.push(c);
  }
  return cases;
}
