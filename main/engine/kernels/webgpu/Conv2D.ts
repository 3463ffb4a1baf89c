import { Conv2D, type Conv2DAttrs, type Conv2DInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convForward } from './convForward';

function conv2D(args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const { x, filter } = args.inputs as Conv2DInputs;
  if (x === undefined || filter === undefined) throw new Error('webgpu backend Conv2D expects inputs x and filter.');
  const attrs = args.attrs as unknown as Conv2DAttrs;
  return convForward(Conv2D, args, { x, filter, ...attrs });
}

/** Conv2D for the webgpu backend: an implicit GEMM over output pixels × filters. */
export const conv2DConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'webgpu',
  kernelFunc: conv2D,
};
