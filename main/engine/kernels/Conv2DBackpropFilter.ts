import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  Fill,
  Slice,
  Transpose,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { addressOf, simdKernelsOf, withScratch, type HeapBackend } from './heapBackend';
import { KernelScope, pair, sizeOf } from './kernelScope';

/**
 * Up to this many input taps per output pixel (filter height × width × input channels)
 * the filter gradient runs as outer products (simdKernels.c): a first layer on 1 or 3
 * channels, whose convolution form is a convolution with an image-sized filter and a
 * 3×3 output that XNNPACK neither vectorises nor splits well.
 */
const MAX_TAPS_FOR_OUTER_PRODUCTS = 27;

/**
 * The filter gradient of a 2D convolution. With few taps per pixel, as outer products
 * (above); otherwise as one forward convolution, so it runs on the backend's optimised
 * Conv2D (XNNPACK on wasm):
 *
 *   dW[a, b, ci, co] = sum over n, i, j of x[n, i*s - top + a, j*s - left + b, ci] * dy[n, i, j, co]
 *
 * is a convolution whose batch is the input channel, whose input channels are the batch,
 * whose filter is dy (stride and dilation swapped: the forward stride becomes the
 * dilation) and whose output spatial size is the filter size.
 */
function conv2DBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = args.inputs as Conv2DBackpropFilterInputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const backend = args.backend as HeapBackend;
  if (x === undefined || dy === undefined) throw new Error('wasm backend Conv2DBackpropFilter expects inputs x and dy.');
  if (dataFormat !== 'NHWC') {
    throw new Error(`wasm backend Conv2DBackpropFilter does not support dataFormat:'${dataFormat}'. Please use 'NHWC'.`);
  }
  const scope = new KernelScope(backend, 'wasm', 'Conv2DBackpropFilter');
  try {
    if (sizeOf(x.shape) === 0 || sizeOf(dy.shape) === 0) {
      return scope.keep(scope.run(Fill, {}, { shape: filterShape, value: 0, dtype: 'float32' }));
    }
    const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast',
    );
    const [strideHeight, strideWidth] = pair(strides);
    const [filterHeight, filterWidth, inChannels, outChannels] = filterShape;
    const { top, left } = convInfo.padInfo;
    const kernels = simdKernelsOf(backend);
    if (kernels !== undefined && x.dtype === 'float32' && dy.dtype === 'float32' && filterHeight * filterWidth * inChannels <= MAX_TAPS_FOR_OUTER_PRODUCTS) {
      const result = backend.makeOutput(filterShape, 'float32');
      const at = (tensor: TensorInfo): number => addressOf(backend, tensor);
      try {
        withScratch(backend, sizeOf(filterShape), (partial) => kernels.conv2dBackpropFilterTaps(
          at(x), at(dy), at(result), partial, convInfo.batchSize, convInfo.inHeight, convInfo.inWidth, inChannels,
          convInfo.outHeight, convInfo.outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, top, left,
        ));
      } catch (error) {
        backend.disposeData(result.dataId);
        throw error;
      }
      return result;
    }
    // The far side only needs enough padding for the last filter tap; more would only be cropped.
    const bottom = Math.max(0, filterHeight - 1 + (convInfo.outHeight - 1) * strideHeight + 1 - convInfo.inHeight - top);
    const right = Math.max(0, filterWidth - 1 + (convInfo.outWidth - 1) * strideWidth + 1 - convInfo.inWidth - left);

    const channelsAsBatch = scope.run(Transpose, { x }, { perm: [3, 1, 2, 0] });
    const dyAsFilter = scope.run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
    const product = scope.run(
      Conv2D,
      { x: channelsAsBatch, filter: dyAsFilter },
      { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [strideHeight, strideWidth] },
    );
    const cropped = product.shape[1] === filterHeight && product.shape[2] === filterWidth
      ? product
      : scope.run(Slice, { x: product }, { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] });
    return scope.keep(scope.run(Transpose, { x: cropped }, { perm: [1, 2, 0, 3] }));
  } finally {
    scope.dispose();
  }
}

/** Conv2DBackpropFilter for the wasm backend, which ships without it. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
