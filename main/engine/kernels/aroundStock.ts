import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** A kernel body that may hand the call to the stock kernel it wraps. */
export type WrappingKernel = (stock: KernelFunc, args: Parameters<KernelFunc>[0]) => TensorInfo;

/**
 * The config of a kernel wrapped around a backend's own (`stock`): same name and backend,
 * the stock kernel's setup (the backend still runs it when it starts, and the stock kernel
 * needs it), and `body` called with the stock kernel at hand.
 */
export function aroundStock(stock: KernelConfig, body: WrappingKernel): KernelConfig {
  return {
    kernelName: stock.kernelName,
    backendName: stock.backendName,
    ...(stock.setupFunc === undefined ? {} : { setupFunc: stock.setupFunc }),
    kernelFunc: (args) => body(stock.kernelFunc, args),
  };
}
