import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput';
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
 * Kernels tfjs-backend-wasm 4.22 has but runs as scalar loops; these compose its
 * XNNPACK convolutions instead.
 */
export const WASM_KERNEL_REPLACEMENTS: readonly KernelConfig[] = [conv2DBackpropInputConfig];

/**
 * Registers the missing wasm gradient kernels (never replacing one that a newer wasm
 * backend registers itself) and the faster replacements. Idempotent.
 */
export function registerWasmGradientKernels(): void {
  for (const config of WASM_GRADIENT_KERNELS) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
  for (const config of WASM_KERNEL_REPLACEMENTS) {
    if (getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc) continue;
    unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
