import { FusedConv2D, type FusedConv2DAttrs, type FusedConv2DInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convForward } from './convForward';
import { runStockKernel } from './stockKernels';

function fusedConv2D(args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const { x, filter, bias, preluActivationWeights } = args.inputs as FusedConv2DInputs;
  if (x === undefined || filter === undefined) throw new Error('webgpu backend FusedConv2D expects inputs x and filter.');
  // PReLU needs its weights in the epilogue; tfjs's kernel has that.
  if (preluActivationWeights != null) return runStockKernel(FusedConv2D, args);
  const attrs = args.attrs as unknown as FusedConv2DAttrs;
  return convForward(FusedConv2D, args, { x, filter, bias: bias ?? undefined, ...attrs });
}

/** FusedConv2D (convolution, bias, activation) for the webgpu backend: one implicit GEMM with the bias and activation applied as it stores. */
export const fusedConv2DConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'webgpu',
  kernelFunc: fusedConv2D,
};
