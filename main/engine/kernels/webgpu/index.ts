import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';

/**
 * Kernels that replace tfjs-backend-webgpu 4.22's own where those leave the GPU idle (its
 * Conv2DBackpropFilter gives each filter element one thread and loops over the whole
 * batch). Listed explicitly for the reason `../index.ts` gives.
 */
export const WEBGPU_KERNEL_REPLACEMENTS: readonly KernelConfig[] = [];

/**
 * `MODEL_LAB_WEBGPU_KERNELS=stock` keeps tfjs-backend-webgpu's own kernels, so that the
 * GPU benchmark can show the gain of these over stock tfjs in the same run.
 */
export function webGpuKernelsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.MODEL_LAB_WEBGPU_KERNELS !== 'stock';
}

/** Registers the faster WebGPU kernels in place of tfjs's own (unless disabled). Idempotent. */
export function registerWebGpuKernels(): void {
  if (!webGpuKernelsEnabled()) return;
  for (const config of WEBGPU_KERNEL_REPLACEMENTS) {
    if (getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc) continue;
    unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
