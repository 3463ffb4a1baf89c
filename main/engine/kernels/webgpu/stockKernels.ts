import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** tfjs-backend-webgpu's own kernels that ours replaced, by kernel name. */
const stock = new Map<string, KernelConfig>();

/** Remembers tfjs-backend-webgpu's kernel before one of ours takes its name. */
export function rememberStockKernel(config: KernelConfig): void {
  stock.set(config.kernelName, config);
}

/** tfjs-backend-webgpu's kernel of that name, if ours replaced it. */
export function stockKernel(kernelName: string): KernelConfig | undefined {
  return stock.get(kernelName);
}

/**
 * Runs tfjs-backend-webgpu's own kernel, for inputs ours does not cover (NCHW data, an
 * activation the fused epilogue lacks).
 * @throws Error naming the kernel when tfjs's kernel was never registered.
 */
export function runStockKernel(kernelName: string, args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const config = stock.get(kernelName);
  if (config === undefined) throw new Error(`webgpu backend ${kernelName}: tfjs-backend-webgpu's own kernel is not registered.`);
  return config.kernelFunc(args);
}
