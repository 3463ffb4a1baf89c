import {
  backend_util,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropInput,
  Fill,
  PadV2,
  Reshape,
  Reverse,
  Slice,
  Sum,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, pair, sizeOf, type DisposingBackend } from './kernelScope';

/** How far one spatial axis of dy is padded (negative: cropped) before the transposed pass. */
interface AxisPlan {
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
function planAxis(inSize: number, outSize: number, stride: number, filterSize: number, dilation: number, padStart: number): AxisPlan {
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
 * The input gradient of a depthwise convolution as a depthwise convolution of dy (spread
 * out by the stride) with the spatially flipped filter, one channel per (c, m) pair,
 * followed by a sum over the depth multiplier:
 *
 *   dx[n, h, w, c] = sum over a, b, m of dy'[n, h + top - a*d, w + left - b*d, c*M + m] * W[a, b, c, m]
 */
function depthwiseConv2dNativeBackpropInput(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, filter } = args.inputs as DepthwiseConv2dNativeBackpropInputInputs;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const backend = args.backend as DisposingBackend;
  if (dy === undefined || filter === undefined) throw new Error('wasm backend DepthwiseConv2dNativeBackpropInput expects inputs dy and filter.');
  const scope = new KernelScope(backend, 'wasm', 'DepthwiseConv2dNativeBackpropInput');
  try {
    if (sizeOf(inputShape) === 0 || sizeOf(dy.shape) === 0 || sizeOf(filter.shape) === 0) {
      return scope.keep(scope.run(Fill, {}, { shape: inputShape, value: 0, dtype: 'float32' }));
    }
    const filterShape = filter.shape as [number, number, number, number];
    const convInfo = backend_util.computeConv2DInfo(inputShape, filterShape, strides, dilations, pad, dimRoundingMode, true, 'channelsLast');
    const [strideHeight, strideWidth] = pair(strides);
    const [dilationHeight, dilationWidth] = pair(dilations);
    const [filterHeight, filterWidth, channels, multiplier] = filterShape;
    const [batch, inHeight, inWidth] = inputShape;
    const { outHeight, outWidth } = convInfo;
    const spreadChannels = channels * multiplier;
    const rows = planAxis(inHeight, outHeight, strideHeight, filterHeight, dilationHeight, convInfo.padInfo.top);
    const cols = planAxis(inWidth, outWidth, strideWidth, filterWidth, dilationWidth, convInfo.padInfo.left);

    let spread: TensorInfo = dy;
    if (strideHeight > 1 || strideWidth > 1) {
      // Zero insertion as pad + reshape: each sample gets `stride - 1` zeros after it.
      const split = scope.run(Reshape, { x: dy }, { shape: [batch, outHeight, 1, outWidth, 1, spreadChannels] });
      const padded = scope.run(PadV2, { x: split }, {
        paddings: [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]],
        constantValue: 0,
      });
      spread = scope.run(Reshape, { x: padded }, { shape: [batch, rows.dilatedSize, cols.dilatedSize, spreadChannels] });
    }
    if (rows.keep !== rows.dilatedSize || cols.keep !== cols.dilatedSize) {
      spread = scope.run(Slice, { x: spread }, { begin: [0, rows.cropBefore, cols.cropBefore, 0], size: [batch, rows.keep, cols.keep, spreadChannels] });
    }
    const flipped = scope.run(Reverse, { x: filter }, { dims: [0, 1] });
    const perChannelFilter = scope.run(Reshape, { x: flipped }, { shape: [filterHeight, filterWidth, spreadChannels, 1] });
    const product = scope.run(
      DepthwiseConv2dNative,
      { x: spread, filter: perChannelFilter },
      {
        strides: [1, 1],
        dilations: [dilationHeight, dilationWidth],
        pad: [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]],
      },
    );
    if (multiplier === 1) return scope.keep(product);
    const split = scope.run(Reshape, { x: product }, { shape: [batch, inHeight, inWidth, channels, multiplier] });
    return scope.keep(scope.run(Sum, { x: split }, { axis: [4], keepDims: false }));
  } finally {
    scope.dispose();
  }
}

/** DepthwiseConv2dNativeBackpropInput for the wasm backend, which ships without it. */
export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
