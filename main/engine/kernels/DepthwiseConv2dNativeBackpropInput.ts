import {
  backend_util,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropInput,
  Fill,
  Reshape,
  Reverse,
  Sum,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, pair, sizeOf, type DisposingBackend } from './kernelScope';
import { convolutionPadding, planAxis, spreadGradient } from './transposedConvolution';

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

    const spread = spreadGradient(scope, dy, rows, cols, [strideHeight, strideWidth]);
    const flipped = scope.run(Reverse, { x: filter }, { dims: [0, 1] });
    const perChannelFilter = scope.run(Reshape, { x: flipped }, { shape: [filterHeight, filterWidth, spreadChannels, 1] });
    const product = scope.run(
      DepthwiseConv2dNative,
      { x: spread, filter: perChannelFilter },
      {
        strides: [1, 1],
        dilations: [dilationHeight, dilationWidth],
        pad: convolutionPadding(rows, cols),
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
