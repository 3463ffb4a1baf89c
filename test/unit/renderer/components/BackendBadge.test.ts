// @vitest-environment jsdom
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the test project does not include renderer/, and plain tsc needs its .vue shim
/// <reference path="../../../../renderer/env.d.ts" />
import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import BackendBadge from '../../../../renderer/components/BackendBadge.vue';
import type { SystemInfo } from '../../../../common/api/methods/system';
import { LabError } from '../../../../common/errors';

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
      { name: 'tensorflow', packageName: '@tensorflow/tfjs-node', available: false, reason: 'libtensorflow failed to load' },
      { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', available: true, reason: 'chosen: best available' },
      { name: 'cpu', packageName: '@tensorflow/tfjs', available: true, reason: 'slower fallback' },
    ],
  },
};

describe('BackendBadge', () => {
  it('shows the chosen backend and device, and explains in the tooltip why better ones are unavailable', async () => {
    const wrapper = mount(BackendBadge, { props: { client: { getSystemInfo: async () => wasmInfo } } });
    await flushPromises();
    const badge = wrapper.get('[data-testid="backend-badge"]');
    expect(badge.attributes('data-backend')).toBe('wasm');
    expect(badge.text()).toContain('WebAssembly');
    expect(badge.text()).toContain('CPU, 2 threads (WebAssembly SIMD)');
    const tooltip = badge.attributes('title') ?? '';
    expect(tooltip).toContain('TensorFlow CUDA (@tensorflow/tfjs-node-gpu): package not installed');
    expect(tooltip).toContain('TensorFlow CPU (@tensorflow/tfjs-node): libtensorflow failed to load');
    // Candidates below the chosen one are not "better" and are not listed.
    expect(tooltip).not.toContain('slower fallback');
    expect(badge.classes()).toContain('backend-badge--fallback');
  });

  it('says when the backend cannot be read', async () => {
    const wrapper = mount(BackendBadge, {
      props: {
        client: {
          getSystemInfo: async () => {
            throw new LabError('API_TRANSPORT', 'Expected an open lab connection. Received: state="closed"');
          },
        },
      },
    });
    await flushPromises();
    expect(wrapper.text()).toContain('Backend unknown');
    expect(wrapper.get('[data-testid="backend-badge"]').attributes('title')).toContain('Expected an open lab connection');
  });
});
