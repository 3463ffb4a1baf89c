import {
  backend_util,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropFilter,
  Fill,
  Reshape,
  Slice,
  Sum,
  Transpose,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, pair, sizeOf, type DisposingBackend } from './kernelScope';

/**
 * The filter gradient of a depthwise convolution as one depthwise convolution:
 *
 *   dW[a, b, c, m] = sum over n, i, j of x[n, i*s - top + a*d, j*s - left + b*d, c] * dy[n, i, j, c*M + m]
 *
 * Folding the batch into the channels (channel n*C + c) makes each (n, c) pair an
 * independent depthwise channel whose filter is dy, with stride and dilation swapped;
 * summing the result over n gives dW. Work and memory stay those of the forward pass.
 */
function depthwiseConv2dNativeBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = args.inputs as DepthwiseConv2dNativeBackpropFilterInputs;
  const { strides, dilations, pad, dimRoundingMode, filterShape } = args.attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const backend = args.backend as DisposingBackend;
  if (x === undefined || dy === undefined) throw new Error('wasm backend DepthwiseConv2dNativeBackpropFilter expects inputs x and dy.');
  const scope = new KernelScope(backend, 'wasm', 'DepthwiseConv2dNativeBackpropFilter');
  try {
    if (sizeOf(x.shape) === 0 || sizeOf(dy.shape) === 0) {
      return scope.keep(scope.run(Fill, {}, { shape: filterShape, value: 0, dtype: 'float32' }));
    }
    const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true, 'channelsLast',
    );
    const [strideHeight, strideWidth] = pair(strides);
    const [dilationHeight, dilationWidth] = pair(dilations);
    const [filterHeight, filterWidth, channels, multiplier] = filterShape;
    const [batch, inHeight, inWidth] = x.shape as [number, number, number, number];
    const { outHeight, outWidth } = convInfo;
    const { top, left } = convInfo.padInfo;
    const bottom = Math.max(0, (filterHeight - 1) * dilationHeight + (outHeight - 1) * strideHeight + 1 - inHeight - top);
    const right = Math.max(0, (filterWidth - 1) * dilationWidth + (outWidth - 1) * strideWidth + 1 - inWidth - left);

    const xBatchInChannels = scope.run(Transpose, { x }, { perm: [1, 2, 0, 3] });
    const xImage = scope.run(Reshape, { x: xBatchInChannels }, { shape: [1, inHeight, inWidth, batch * channels] });
    const dySplit = scope.run(Reshape, { x: dy }, { shape: [batch, outHeight, outWidth, channels, multiplier] });
    const dyBatchInChannels = scope.run(Transpose, { x: dySplit }, { perm: [1, 2, 0, 3, 4] });
    const dyFilter = scope.run(Reshape, { x: dyBatchInChannels }, { shape: [outHeight, outWidth, batch * channels, multiplier] });
    const product = scope.run(
      DepthwiseConv2dNative,
      { x: xImage, filter: dyFilter },
      {
        strides: [dilationHeight, dilationWidth],
        dilations: [strideHeight, strideWidth],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      },
    );
    const cropped = product.shape[1] === filterHeight && product.shape[2] === filterWidth
      ? product
      : scope.run(Slice, { x: product }, { begin: [0, 0, 0, 0], size: [1, filterHeight, filterWidth, batch * channels * multiplier] });
    const perExample = scope.run(Reshape, { x: cropped }, { shape: [filterHeight, filterWidth, batch, channels * multiplier] });
    const summed = scope.run(Sum, { x: perExample }, { axis: [2], keepDims: false });
    return scope.keep(scope.run(Reshape, { x: summed }, { shape: filterShape }));
  } finally {
    scope.dispose();
  }
}

/** DepthwiseConv2dNativeBackpropFilter for the wasm backend, which ships without it. */
export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
