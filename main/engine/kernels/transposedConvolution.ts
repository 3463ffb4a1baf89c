import { PadV2, Reshape, Slice, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelScope } from './kernelScope';

/**
 * Shared steps of input gradients computed as a stride-1 convolution over dy: dy is spread
 * out by the stride, cropped or padded, then convolved with the flipped filter.
 */

/** How far one spatial axis of dy is padded (negative: cropped) before the transposed pass. */
export interface AxisPlan {
  /** Rows (or columns) the dilated dy has: the stride times the output size. */
  dilatedSize: number;
  cropBefore: number;
  keep: number;
  padBefore: number;
  padAfter: number;
}

/**
 * Plans one axis of the transposed convolution. dy is spread out by the stride (zeros
 * between samples, and `stride - 1` zeros after the last), then padded so that a stride-1
 * convolution with the flipped filter produces exactly `inSize` values.
 */
export function planAxis(inSize: number, outSize: number, stride: number, filterSize: number, dilation: number, padStart: number): AxisPlan {
  const reach = (filterSize - 1) * dilation;
  const dilatedSize = outSize * stride;
  const before = reach - padStart;
  // Trailing zeros of the spread already pad the far side by `stride - 1`.
  const after = inSize - ((outSize - 1) * stride + 1) - before + reach - (stride - 1);
  const cropBefore = Math.max(0, -before);
  const cropAfter = Math.max(0, -after);
  return { dilatedSize, cropBefore, keep: dilatedSize - cropBefore - cropAfter, padBefore: Math.max(0, before), padAfter: Math.max(0, after) };
}

/**
 * Spreads dy ([batch, outH, outW, channels]) by the strides (zero insertion as pad +
 * reshape) and crops what the plans say; padding is left to the convolution.
 */
export function spreadGradient(scope: KernelScope, dy: TensorInfo, rows: AxisPlan, cols: AxisPlan, strides: [number, number]): TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape as [number, number, number, number];
  const [strideHeight, strideWidth] = strides;
  let spread = dy;
  if (strideHeight > 1 || strideWidth > 1) {
    const split = scope.run(Reshape, { x: dy }, { shape: [batch, outHeight, 1, outWidth, 1, channels] });
    const padded = scope.run(PadV2, { x: split }, {
      paddings: [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]],
      constantValue: 0,
    });
    spread = scope.run(Reshape, { x: padded }, { shape: [batch, rows.dilatedSize, cols.dilatedSize, channels] });
  }
  if (rows.keep !== rows.dilatedSize || cols.keep !== cols.dilatedSize) {
    spread = scope.run(Slice, { x: spread }, { begin: [0, rows.cropBefore, cols.cropBefore, 0], size: [batch, rows.keep, cols.keep, channels] });
  }
  return spread;
}

/** The explicit padding of the stride-1 convolution that follows `spreadGradient`. */
export function convolutionPadding(rows: AxisPlan, cols: AxisPlan): [[number, number], [number, number], [number, number], [number, number]] {
  return [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]];
}
