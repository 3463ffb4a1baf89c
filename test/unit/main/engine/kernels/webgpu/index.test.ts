import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { registerWebGpuKernels, restoreStockWebGpuKernels, stockWebGpuKernelNames, webGpuKernelsEnabled, WEBGPU_KERNEL_REPLACEMENTS } from '../../../../../../main/engine/kernels/webgpu/index';
import { startWebGpuBackend } from './webgpuTestBackend';

beforeAll(async () => {
  await startWebGpuBackend();
});

afterEach(() => {
  delete process.env.MODEL_LAB_WEBGPU_KERNELS;
  restoreStockWebGpuKernels();
});

const ours = (name: string) => WEBGPU_KERNEL_REPLACEMENTS.find((config) => config.kernelName === name)?.kernelFunc;

describe('WebGPU kernel registration', () => {
  it('reads which kernels stay tfjs\'s own from MODEL_LAB_WEBGPU_KERNELS', () => {
    expect(stockWebGpuKernelNames({})).toEqual(new Set());
    expect(stockWebGpuKernelNames({ MODEL_LAB_WEBGPU_KERNELS: 'stock' })).toBe('all');
    expect(stockWebGpuKernelNames({ MODEL_LAB_WEBGPU_KERNELS: 'stock: Conv2D, FusedConv2D' })).toEqual(new Set(['Conv2D', 'FusedConv2D']));
    expect(webGpuKernelsEnabled({ MODEL_LAB_WEBGPU_KERNELS: 'stock' })).toBe(false);
    expect(webGpuKernelsEnabled({ MODEL_LAB_WEBGPU_KERNELS: 'stock:Conv2D' })).toBe(true);
  });

  it('registers every kernel, none, or all but the named ones, and puts tfjs\'s back', () => {
    const stockConv = tf.getKernel('Conv2D', 'webgpu')?.kernelFunc;
    registerWebGpuKernels();
    for (const config of WEBGPU_KERNEL_REPLACEMENTS) expect(tf.getKernel(config.kernelName, 'webgpu')?.kernelFunc).toBe(config.kernelFunc);
    restoreStockWebGpuKernels();
    expect(tf.getKernel('Conv2D', 'webgpu')?.kernelFunc).toBe(stockConv);
    expect(tf.getKernel('ModelLabFusedAdamUpdate', 'webgpu')).toBeUndefined();

    process.env.MODEL_LAB_WEBGPU_KERNELS = 'stock';
    registerWebGpuKernels();
    expect(tf.getKernel('Conv2D', 'webgpu')?.kernelFunc).toBe(stockConv);

    process.env.MODEL_LAB_WEBGPU_KERNELS = 'stock:Conv2D';
    registerWebGpuKernels();
    expect(tf.getKernel('Conv2D', 'webgpu')?.kernelFunc).toBe(stockConv);
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu')?.kernelFunc).toBe(ours('Conv2DBackpropFilter'));
  });
});
