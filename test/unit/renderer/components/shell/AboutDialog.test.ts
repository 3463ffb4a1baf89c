// @vitest-environment jsdom
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the test project does not include renderer/, and plain tsc needs its .vue shim
/// <reference path="../../../../../renderer/env.d.ts" />
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SystemInfo } from '../../../../../common/api/methods/system';
import { createFakeLabClient } from '../../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const AboutDialog = (await import('../../../../../renderer/components/shell/AboutDialog.vue')).default;

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

const info: SystemInfo = {
  version: '0.1.0',
  platform: 'linux x64',
  node: '22.0.0',
  dataDir: '/home/me/.model-lab',
  license: 'MIT',
  backend: {
    chosen: 'wasm', device: 'CPU, 2 threads (WebAssembly SIMD)', overridden: false,
    notice: 'webgpu is not used because run r1 failed on NVIDIA H200 (WebGPU, Vulkan): The GPU device was lost.',
    candidates: [
      { name: 'webgpu', packageName: '@tensorflow/tfjs-backend-webgpu', available: false, reason: 'skipped: run r1 failed on it' },
      { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', available: true, reason: 'chosen (first available): XNNPACK' },
    ],
  },
};

describe('AboutDialog', () => {
  it('shows version, backend and device with every candidate, data folder and licence, and closes with Esc', async () => {
    const onClose = vi.fn();
    fake.client.getSystemInfo.mockResolvedValue(info);
    const wrapper = mount(AboutDialog, { props: { onClose }, attachTo: document.body });
    await flushPromises();
    expect(wrapper.get('[data-testid="about-version"]').text()).toBe('0.1.0');
    expect(wrapper.get('[data-testid="about-backend"]').text()).toBe('WebAssembly: CPU, 2 threads (WebAssembly SIMD)');
    expect(wrapper.get('[data-testid="about-backend-notice"]').text()).toContain('webgpu is not used because run r1 failed');
    const candidates = wrapper.findAll('[data-testid="about-backend-candidates"] li').map((item) => item.text());
    expect(candidates).toEqual(['WebGPU (@tensorflow/tfjs-backend-webgpu): skipped: run r1 failed on it', 'WebAssembly (@tensorflow/tfjs-backend-wasm): chosen (first available): XNNPACK']);
    expect(wrapper.get('[data-testid="about-data-dir"]').text()).toBe('/home/me/.model-lab');
    expect(wrapper.get('[data-testid="about-license"]').text()).toBe('MIT');
    expect(document.activeElement).toBe(wrapper.get('[data-testid="about-close"]').element);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(onClose).not.toHaveBeenCalled();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    wrapper.unmount();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('says why when the system information cannot be read, and the Close button closes', async () => {
    fake.client.getSystemInfo.mockRejectedValue(new Error('Expected a connected lab. Received: socket=closed'));
    const wrapper = mount(AboutDialog);
    await flushPromises();
    expect(wrapper.get('[data-testid="about-failure"]').text()).toContain('socket=closed');
    await wrapper.get('[data-testid="about-close"]').trigger('click');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });
});
