import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchNormTrainingConfig } from './BatchNormTraining';
import { batchNormTrainingGradConfig } from './BatchNormTrainingGrad';
import { conv2DConfig } from './Conv2D';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput';
import { fusedConv2DConfig } from './FusedConv2D';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput';
import { fusedAdamUpdateConfig } from './FusedAdamUpdate';
import { gatherImagesConfig } from './GatherImages';
import { fusedMomentumUpdateConfig } from './FusedMomentumUpdate';
import { fusedRmspropUpdateConfig } from './FusedRmspropUpdate';
import { fusedSgdUpdateConfig } from './FusedSgdUpdate';
import { movingAveragesUpdateConfig } from './MovingAveragesUpdate';
import { rememberStockKernel, stockKernel } from './stockKernels';

/**
 * Kernels that replace tfjs-backend-webgpu 4.22's own where those leave the GPU idle (its
 * Conv2DBackpropFilter and depthwise filter gradient give each filter element one thread
 * and loop over the whole batch) or are wrong (its depthwise gradients ignore dilation), and the fused optimizer updates, batch normalization and batch gathering it has no kernels for
 * (`../fusedUpdates.ts`, `../fusedBatchNorm.ts`, `../../train/deviceImages.ts`).
 * Listed explicitly for the reason `../index.ts` gives.
 */
export const WEBGPU_KERNEL_REPLACEMENTS: readonly KernelConfig[] = [
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  fusedConv2DConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  fusedAdamUpdateConfig,
  fusedMomentumUpdateConfig,
  fusedRmspropUpdateConfig,
  fusedSgdUpdateConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  movingAveragesUpdateConfig,
  gatherImagesConfig,
];

/**
 * The kernels to leave to tfjs-backend-webgpu: `MODEL_LAB_WEBGPU_KERNELS=stock` keeps all of
 * tfjs's own (the GPU benchmark shows the gain of these over stock tfjs in the same run),
 * `stock:Conv2D,FusedConv2D` keeps just those (to measure one kernel against tfjs's on a GPU).
 * Returns 'all', or the kernel names.
 */
export function stockWebGpuKernelNames(env: NodeJS.ProcessEnv = process.env): 'all' | ReadonlySet<string> {
  const setting = env.MODEL_LAB_WEBGPU_KERNELS?.trim() ?? '';
  if (setting === 'stock') return 'all';
  if (!setting.startsWith('stock:')) return new Set();
  return new Set(setting.slice('stock:'.length).split(',').map((name) => name.trim()).filter((name) => name !== ''));
}

/** False when `MODEL_LAB_WEBGPU_KERNELS=stock` keeps every one of tfjs-backend-webgpu's own kernels. */
export function webGpuKernelsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return stockWebGpuKernelNames(env) !== 'all';
}

/**
 * Registers the faster WebGPU kernels in place of tfjs's own (unless disabled, all or by
 * name). Call it after tfjs-backend-webgpu is imported: importing it registers its own
 * kernels, which would replace these. Idempotent.
 */
export function registerWebGpuKernels(): void {
  const stock = stockWebGpuKernelNames();
  if (stock === 'all') return;
  for (const config of WEBGPU_KERNEL_REPLACEMENTS) {
    if (stock.has(config.kernelName)) continue;
    const current = getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      rememberStockKernel(current);
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
  }
}

/**
 * Puts tfjs-backend-webgpu's own kernels back and removes the fused updates, so that a
 * benchmark can compare both in one run.
 */
export function restoreStockWebGpuKernels(): void {
  for (const config of WEBGPU_KERNEL_REPLACEMENTS) {
    const stock = stockKernel(config.kernelName);
    if (getKernel(config.kernelName, config.backendName)?.kernelFunc !== config.kernelFunc) continue;
    unregisterKernel(config.kernelName, config.backendName);
    if (stock !== undefined) registerKernel(stock);
  }
}
