import {
  backend_util,
  Conv2D,
  Conv2DBackpropInput,
  Fill,
  Reverse,
  Transpose,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelScope, pair, sizeOf, type DisposingBackend } from './kernelScope';
import { convolutionPadding, planAxis, spreadGradient } from './transposedConvolution';

/**
 * The input gradient of a 2D convolution as one forward convolution on the backend's
 * optimised Conv2D (XNNPACK): dy spread out by the stride, convolved with the filter
 * flipped in space and with its channel axes swapped,
 *
 *   dx[n, h, w, ci] = sum over a, b, co of dy'[n, h + top - a, w + left - b, co] * W[a, b, ci, co]
 *
 * tfjs-backend-wasm 4.22 ships this kernel as a scalar loop, about ten times slower than
 * the forward convolution; it is the largest cost of training a CNN on wasm.
 */
function conv2DBackpropInput(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, filter } = args.inputs as Conv2DBackpropInputInputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const backend = args.backend as DisposingBackend;
  if (dy === undefined || filter === undefined) throw new Error('wasm backend Conv2DBackpropInput expects inputs dy and filter.');
  if (dataFormat !== 'NHWC') {
    throw new Error(`wasm backend Conv2DBackpropInput does not support dataFormat:'${dataFormat}'. Please use 'NHWC'.`);
  }
  const scope = new KernelScope(backend, 'wasm', 'Conv2DBackpropInput');
  try {
    if (sizeOf(inputShape) === 0 || sizeOf(dy.shape) === 0 || sizeOf(filter.shape) === 0) {
      return scope.keep(scope.run(Fill, {}, { shape: inputShape, value: 0, dtype: 'float32' }));
    }
    const filterShape = filter.shape as [number, number, number, number];
    const convInfo = backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const [strideHeight, strideWidth] = pair(strides);
    const [filterHeight, filterWidth] = filterShape;
    const rows = planAxis(inputShape[1], convInfo.outHeight, strideHeight, filterHeight, 1, convInfo.padInfo.top);
    const cols = planAxis(inputShape[2], convInfo.outWidth, strideWidth, filterWidth, 1, convInfo.padInfo.left);
    const spread = spreadGradient(scope, dy, rows, cols, [strideHeight, strideWidth]);
    const flipped = scope.run(Reverse, { x: filter }, { dims: [0, 1] });
    const swapped = scope.run(Transpose, { x: flipped }, { perm: [0, 1, 3, 2] });
    return scope.keep(scope.run(
      Conv2D,
      { x: spread, filter: swapped },
      { strides: [1, 1], pad: convolutionPadding(rows, cols), dataFormat: 'NHWC', dilations: [1, 1] },
    ));
  } finally {
    scope.dispose();
  }
}

/** Conv2DBackpropInput for the wasm backend, replacing its scalar-loop kernel. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
