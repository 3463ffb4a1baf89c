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
 * The gradient of max pooling as one pass over the pooling windows in JavaScript, on the
 * backend's own memory: each window's first maximum (row-major window order, as the cpu
 * backend picks it) receives that window's dy. tfjs-backend-wasm 4.22 ships this kernel as
 * a loop that visits every dy position for every dx position, about ten times slower than
 * this pass; it was the largest single cost of a CNN's training step.
 */
function maxPoolGrad(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, input } = args.inputs as MaxPoolGradInputs;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const backend = args.backend as HeapBackend;
  if (dy === undefined || input === undefined) throw new Error('wasm backend MaxPoolGrad expects inputs dy and input.');
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`wasm backend MaxPoolGrad expects float32 tensors. Received: input=${input.dtype}, dy=${dy.dtype}`);
  }
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const result = backend.makeOutput(input.shape, 'float32');
  // Views are taken after the allocation: growing the heap detaches views taken before.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const gradient = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(result) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
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
        best.fill(-Infinity);
        where.fill(-1);
        for (let xR = rowStart; xR < rowEnd; xR += dilationHeight) {
          for (let xC = colStart; xC < colEnd; xC += dilationWidth) {
            const base = ((b * inHeight + xR) * inWidth + xC) * channels;
            for (let d = 0; d < channels; d++) {
              const value = x[base + d] as number;
              // Strictly greater: ties keep the first maximum, and NaN never wins.
              if (value > (best[d] as number)) {
                best[d] = value;
                where[d] = base + d;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          const target = where[d] as number;
          if (target >= 0) dx[target] = (dx[target] as number) + (gradient[dyBase + d] as number);
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
