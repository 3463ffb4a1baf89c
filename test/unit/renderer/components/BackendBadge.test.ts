// @vitest-environment jsdom
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the test project does not include renderer/, and plain tsc needs its .vue shim
/// <reference path="../../../../renderer/env.d.ts" />
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { SystemInfo } from '../../../../common/api/methods/system';
import { LabError } from '../../../../common/errors';
import { createFakeLabClient } from '../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const BackendBadge = (await import('../../../../renderer/components/BackendBadge.vue')).default;

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

const wasmInfo: SystemInfo = {
  version: '0.1.0',
  platform: 'linux x64',
  node: '20.19.0',
  backend: {
    chosen: 'wasm',
    device: 'CPU, 2 threads (WebAssembly SIMD)',
    overridden: false,
    candidates: [
      { name: 'tensorflow-gpu', packageName: '@tensorflow/tfjs-node-gpu', available: false, reason: 'package not installed' },
      { name: 'webgpu', packageName: '@tensorflow/tfjs-backend-webgpu', available: false, reason: 'only a software adapter (llvmpipe): correct but CPU speed' },
      { name: 'tensorflow', packageName: '@tensorflow/tfjs-node', available: false, reason: 'libtensorflow failed to load' },
      { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', available: true, reason: 'chosen: best available' },
      { name: 'cpu', packageName: '@tensorflow/tfjs', available: true, reason: 'slower fallback' },
    ],
  },
};

describe('BackendBadge', () => {
  it('shows the chosen backend and device, and gives every candidate with its reason in the tooltip', async () => {
    fake.client.getSystemInfo.mockResolvedValue(wasmInfo);
    const wrapper = mount(BackendBadge);
    await flushPromises();
    const badge = wrapper.get('[data-testid="backend-badge"]');
    expect(badge.attributes('data-backend')).toBe('wasm');
    expect(badge.text()).toContain('WebAssembly');
    expect(badge.text()).toContain('CPU, 2 threads (WebAssembly SIMD)');
    const tooltip = badge.attributes('title') ?? '';
    expect(tooltip).toContain('TensorFlow CUDA (@tensorflow/tfjs-node-gpu): package not installed');
    expect(tooltip).toContain('WebGPU (@tensorflow/tfjs-backend-webgpu): only a software adapter (llvmpipe): correct but CPU speed');
    expect(tooltip).toContain('TensorFlow CPU (@tensorflow/tfjs-node): libtensorflow failed to load');
    expect(tooltip).toContain('WebAssembly (@tensorflow/tfjs-backend-wasm): chosen: best available');
    expect(tooltip).toContain('JavaScript CPU (@tensorflow/tfjs): slower fallback');
    expect(badge.classes()).toContain('backend-badge--fallback');
  });

  it('shows a WebGPU device as a GPU, and a skipped backend\'s notice as a warning', async () => {
    const webgpu: SystemInfo = { ...wasmInfo, backend: { ...wasmInfo.backend, chosen: 'webgpu', device: 'NVIDIA H200 (WebGPU, Vulkan)' } };
    fake.client.getSystemInfo.mockResolvedValue(webgpu);
    const onGpu = mount(BackendBadge);
    await flushPromises();
    expect(onGpu.get('[data-testid="backend-badge"]').text()).toContain('WebGPU');
    expect(onGpu.get('[data-testid="backend-badge"]').text()).toContain('NVIDIA H200 (WebGPU, Vulkan)');
    expect(onGpu.get('[data-testid="backend-badge"]').classes()).toContain('backend-badge--gpu');
    const notice = 'webgpu is not used because run r1 failed on NVIDIA H200 (WebGPU, Vulkan): The GPU device was lost.';
    // The system store asks once per window: a later badge reads the new report after a refresh.
    setActivePinia(createPinia());
    fake.client.getSystemInfo.mockResolvedValue({ ...wasmInfo, backend: { ...wasmInfo.backend, notice } });
    const skipped = mount(BackendBadge);
    await flushPromises();
    expect(skipped.get('[data-testid="backend-badge"]').attributes('title')).toContain(notice);
    expect(skipped.get('[data-testid="backend-badge"]').classes()).toContain('backend-badge--fallback');
  });

  it('says when the backend cannot be read', async () => {
    fake.client.getSystemInfo.mockRejectedValue(new LabError('API_TRANSPORT', 'Expected an open lab connection. Received: state="closed"'));
    const wrapper = mount(BackendBadge);
    await flushPromises();
    expect(wrapper.text()).toContain('Backend unknown');
    expect(wrapper.get('[data-testid="backend-badge"]').attributes('title')).toContain('Expected an open lab connection');
  });
});
