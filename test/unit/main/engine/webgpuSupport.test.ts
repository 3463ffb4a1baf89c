import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { isSoftwareAdapter, nativeGraphicsApi, webGpuDeviceName } from '../../../../main/engine/webgpuSupport';
import { startWebGpuBackend } from './kernels/webgpu/webgpuTestBackend';

const llvmpipe = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1' };
const h200 = { vendor: 'nvidia', architecture: 'hopper', device: 'nvidia-h200', description: 'NVIDIA H200' };

describe('WebGPU adapters', () => {
  it('tells software rasterisers from GPUs', () => {
    expect(isSoftwareAdapter(llvmpipe)).toBe(true);
    expect(isSoftwareAdapter({ ...llvmpipe, architecture: '' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: '', device: '', description: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ ...h200, isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter(h200)).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', device: '', description: 'Apple M2 Pro' })).toBe(false);
  });

  it('names the device after the adapter and the graphics API', () => {
    expect(webGpuDeviceName(h200, 'Vulkan')).toBe('NVIDIA H200 (WebGPU, Vulkan)');
    expect(webGpuDeviceName(llvmpipe, 'Vulkan')).toBe('llvmpipe (WebGPU, Vulkan)');
    expect(webGpuDeviceName({ vendor: 'amd', device: 'gfx1100', description: '' }, 'D3D12')).toBe('gfx1100 (WebGPU, D3D12)');
    expect(nativeGraphicsApi('darwin')).toBe('Metal');
    expect(nativeGraphicsApi('win32')).toBe('D3D12');
    expect(nativeGraphicsApi('linux')).toBe('Vulkan');
  });
});

describe('WebGPU backend on Dawn', () => {
  it('keeps working after a garbage collection (the Dawn instance behind its device stays alive)', async () => {
    await startWebGpuBackend();
    v8.setFlagsFromString('--expose-gc');
    const collect = vm.runInNewContext('gc') as () => void;
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sum = tf.sum(tf.add(tf.ones([64]), tf.ones([64])));
    expect(await sum.data()).toEqual(new Float32Array([128]));
    tf.dispose(sum);
  });
});
