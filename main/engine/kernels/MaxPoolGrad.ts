import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { HeapBackend } from './heapBackend';

/**
 * The position (an index into x) of the first maximum among `taps` (offsets of one
 * window's pixels, channel 0, in row-major window order) for channel `d`: strictly
 * greater wins, so ties keep the first and NaN never wins, as the cpu backend picks it.
 * -1 when no value beats -Infinity.
 */
function firstMaximum(x: Float32Array, taps: Int32Array, count: number, d: number): number {
  let best = -Infinity;
  let where = -1;
  for (let t = 0; t < count; t++) {
    const value = x[(taps[t] as number) + d] as number;
    if (value > best) {
      best = value;
      where = (taps[t] as number) + d;
    }
  }
  return where;
}

/**
 * The gradient of max pooling as one pass over the pooling windows in JavaScript, on the
 * backend's own memory: each window's first maximum (row-major window order, as the cpu
 * backend picks it) receives that window's dy. The forward output y is that maximum, so
 * the pass looks for the first pixel equal to y, and rescans only a window whose y is NaN
 * or matches nothing. tfjs-backend-wasm 4.22 ships this kernel as a loop that visits every
 * dy position for every dx position, about three times slower than this pass; it was the
 * largest single cost of a CNN's training step.
 */
function maxPoolGrad(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, input, output } = args.inputs as MaxPoolGradInputs;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const backend = args.backend as HeapBackend;
  if (dy === undefined || input === undefined || output === undefined) throw new Error('wasm backend MaxPoolGrad expects inputs dy, input and output.');
  if (input.dtype !== 'float32' || dy.dtype !== 'float32' || output.dtype !== 'float32') {
    throw new Error(`wasm backend MaxPoolGrad expects float32 tensors. Received: input=${input.dtype}, dy=${dy.dtype}, output=${output.dtype}`);
  }
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const result = backend.makeOutput(input.shape, 'float32');
  // Views are taken after the allocation: growing the heap detaches views taken before.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const y = backend.typedArrayFromHeap(output) as Float32Array;
  const gradient = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(result) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const taps = new Int32Array(effectiveFilterHeight * effectiveFilterWidth);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const rowCorner = yR * strideHeight - top;
      let rowStart = rowCorner;
      while (rowStart < 0) rowStart += dilationHeight;
      const rowEnd = Math.min(inHeight, rowCorner + effectiveFilterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const colCorner = yC * strideWidth - left;
        let colStart = colCorner;
        while (colStart < 0) colStart += dilationWidth;
        const colEnd = Math.min(inWidth, colCorner + effectiveFilterWidth);
        let count = 0;
        for (let xR = rowStart; xR < rowEnd; xR += dilationHeight) {
          for (let xC = colStart; xC < colEnd; xC += dilationWidth) taps[count++] = ((b * inHeight + xR) * inWidth + xC) * channels;
        }
        const yBase = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          const maximum = y[yBase + d] as number;
          let where = -1;
          for (let t = 0; t < count; t++) {
            if (x[(taps[t] as number) + d] === maximum) {
              where = (taps[t] as number) + d;
              break;
            }
          }
          if (where < 0) where = firstMaximum(x, taps, count, d);
          if (where >= 0) dx[where] = (dx[where] as number) + (gradient[yBase + d] as number);
        }
      }
    }
  }
  return result;
}

/** MaxPoolGrad for the wasm backend, replacing its dx-by-dy loop. */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
