import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type MaxPoolGradInputs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { aroundStock } from './aroundStock';
import { simdKernelsOf, type HeapBackend } from './heapBackend';

/**
 * The gradient of max pooling as one SIMD pass over the pooling windows (simdKernels.c):
 * each window's first maximum (row-major window order, as the cpu backend picks it)
 * receives that window's dy. tfjs-backend-wasm 4.22's own kernel visits every dy position
 * for every dx position, and was the largest single cost of a CNN's training step.
 */
function maxPoolGrad(stock: KernelFunc, args: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, input, output } = args.inputs as MaxPoolGradInputs;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const backend = args.backend as HeapBackend;
  if (dy === undefined || input === undefined || output === undefined) throw new Error('wasm backend MaxPoolGrad expects inputs dy, input and output.');
  const kernels = simdKernelsOf(backend);
  if (kernels === undefined || input.dtype !== 'float32' || dy.dtype !== 'float32' || output.dtype !== 'float32') {
    return stock(args) as TensorInfo;
  }
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const result = backend.makeOutput(input.shape, 'float32');
  const at = (tensor: TensorInfo): number => backend.getMemoryOffset(tensor.dataId);
  kernels.maxPoolGrad(
    at(input), at(output), at(dy), at(result), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.effectiveFilterHeight, info.effectiveFilterWidth, info.padInfo.top, info.padInfo.left,
  );
  return result;
}

/** MaxPoolGrad for the wasm backend around tfjs's own (`stock`), which handles what the SIMD kernel cannot reach. */
export function maxPoolGradConfig(stock: KernelConfig): KernelConfig {
  return aroundStock(stock, maxPoolGrad);
}
