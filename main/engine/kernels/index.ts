import { getKernel, registerKernel, unregisterKernel, type KernelBackend, type KernelConfig } from '@tensorflow/tfjs-core';
import { addConfig } from './Add';
import { batchMatMulConfig } from './BatchMatMul';
import { batchNormTrainingConfig } from './BatchNormTraining';
import { batchNormTrainingGradConfig } from './BatchNormTrainingGrad';
import { castConfig } from './Cast';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput';
import { fusedAdamUpdateConfig } from './FusedAdamUpdate';
import { fusedMomentumUpdateConfig } from './FusedMomentumUpdate';
import { fusedRmspropUpdateConfig } from './FusedRmspropUpdate';
import { fusedSgdUpdateConfig } from './FusedSgdUpdate';
import { simdKernelsOf, type HeapBackend } from './heapBackend';
import { identityConfig } from './Identity';
import { maxPoolGradConfig } from './MaxPoolGrad';
import { movingAveragesUpdateConfig } from './MovingAveragesUpdate';
import { sumConfig } from './Sum';

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
 * The fused optimizer updates (./fusedUpdates.ts) and batch normalization
 * (./fusedBatchNorm.ts) as SIMD passes over the backend's memory: registering them is what
 * makes the trainer's optimizers and BatchNormalization layers use them on wasm.
 */
export const WASM_FUSED_KERNELS: readonly KernelConfig[] = [
  fusedSgdUpdateConfig,
  fusedMomentumUpdateConfig,
  fusedAdamUpdateConfig,
  fusedRmspropUpdateConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  movingAveragesUpdateConfig,
];

/**
 * Kernels that keep tfjs-backend-wasm's own for the cases it runs well and run the others
 * another way (reshaped into those cases, or as one pass of simd/simdKernels.c over the
 * backend's memory): each is built around the stock kernel it wraps.
 */
export const WASM_KERNEL_WRAPPERS: ReadonlyArray<{ kernelName: string; wrap(stock: KernelConfig): KernelConfig }> = [
  { kernelName: 'Add', wrap: addConfig },
  { kernelName: 'BatchMatMul', wrap: batchMatMulConfig },
  { kernelName: 'Cast', wrap: castConfig },
  { kernelName: 'Identity', wrap: identityConfig },
  { kernelName: 'MaxPoolGrad', wrap: maxPoolGradConfig },
  { kernelName: 'Sum', wrap: sumConfig },
];

/** The wrappers registered so far, so that registering again never wraps a wrapper. */
const wrappers = new WeakSet<KernelConfig['kernelFunc']>();

/**
 * Registers the missing wasm gradient kernels (never replacing one that a newer wasm
 * backend registers itself), the faster replacements, the fused kernels and the wrappers.
 * Idempotent.
 */
export function registerWasmKernels(): void {
  for (const config of WASM_GRADIENT_KERNELS) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
  for (const config of [...WASM_KERNEL_REPLACEMENTS, ...WASM_FUSED_KERNELS]) {
    const registered = getKernel(config.kernelName, config.backendName);
    if (registered?.kernelFunc === config.kernelFunc) continue;
    if (registered !== undefined) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
  for (const { kernelName, wrap } of WASM_KERNEL_WRAPPERS) {
    const stock = getKernel(kernelName, 'wasm');
    if (stock === undefined || wrappers.has(stock.kernelFunc)) continue;
    const wrapper = wrap(stock);
    wrappers.add(wrapper.kernelFunc);
    unregisterKernel(kernelName, 'wasm');
    registerKernel(wrapper);
  }
}

/**
 * Once the wasm backend runs: when its module hides its memory (a tfjs-backend-wasm other
 * than 4.22), unregisters the fused kernels, which have no tfjs kernel to fall back on, so
 * the optimizers and BatchNormalization layers keep tfjs's own ops. The other SIMD kernels
 * fall back by themselves. Returns whether the SIMD kernels run.
 */
export function confirmWasmKernels(backend: KernelBackend): boolean {
  if (simdKernelsOf(backend as unknown as HeapBackend) !== undefined) return true;
  for (const config of WASM_FUSED_KERNELS) {
    if (getKernel(config.kernelName, config.backendName) !== undefined) unregisterKernel(config.kernelName, config.backendName);
  }
  return false;
}
