import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput';

/**
 * Gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks and a CNN needs to
 * train. Listed explicitly, not discovered, for the same reason tfjs's own
 * register_all_kernels does it: bundlers drop modules nothing imports, and a kernel that
 * silently failed to register would only surface as "kernel not registered" in the
 * middle of a training run.
 */
export const WASM_GRADIENT_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
];

/**
 * Registers the missing wasm gradient kernels. Idempotent, and it never replaces a
 * kernel that a newer wasm backend registers itself.
 */
export function registerWasmGradientKernels(): void {
  for (const config of WASM_GRADIENT_KERNELS) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
}
