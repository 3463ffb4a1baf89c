import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { BackendFault } from '../../../common/training/backend';
import { getKernel } from '@tensorflow/tfjs-core';
import { initBackend, probeBackends } from '../../../main/engine/backend';
import { WEBGPU_KERNEL_REPLACEMENTS } from '../../../main/engine/kernels/webgpu/index';
import { WEBGPU_ADAPTER_ENV, registerWebGpuBackend, requestWebGpuAdapter } from '../../../main/engine/webgpuSupport';
import { SOFTWARE_ADAPTER, startSoftwareWebGpu } from './softwareWebGpu';

/** The webgpu backend on lavapipe: how it is chosen, reported, started and skipped. */

const fault: BackendFault = {
  backend: 'webgpu', device: 'llvmpipe (WebGPU, Vulkan)', runId: 'run-lost', at: '2026-12-04T10:00:00.000Z',
  reason: 'The GPU device was lost (llvmpipe (WebGPU, Vulkan), reason unknown).',
};

describe('the webgpu backend', () => {
  it('never picks a software adapter automatically, says why, and starts it on request', async () => {
    process.env[WEBGPU_ADAPTER_ENV] = SOFTWARE_ADAPTER;
    const automatic = await probeBackends({ refresh: true });
    const webgpu = automatic.candidates.find((c) => c.name === 'webgpu');
    expect(automatic.candidates.map((c) => c.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    expect(webgpu?.packageName).toBe('@tensorflow/tfjs-backend-webgpu');
    expect(webgpu?.available).toBe(false);
    expect(webgpu?.reason).toMatch(/^only a software adapter \(llvmpipe.*\): correct but CPU speed; never chosen automatically/);
    expect(automatic.chosen).not.toBe('webgpu');

    const { tf, report } = await startSoftwareWebGpu();
    expect(tf.getBackend()).toBe('webgpu');
    expect(report.chosen).toBe('webgpu');
    expect(report.overridden).toBe(true);
    expect(report.device).toBe('llvmpipe (WebGPU, Vulkan)');
    expect(report.candidates.find((c) => c.name === 'webgpu')).toMatchObject({ available: true, reason: expect.stringMatching(/^chosen \(requested\): only a software adapter/) });
    // The engine's kernels, not tfjs-backend-webgpu's own, which its import registers over any registered before it.
    for (const config of WEBGPU_KERNEL_REPLACEMENTS) expect(getKernel(config.kernelName, 'webgpu')?.kernelFunc, config.kernelName).toBe(config.kernelFunc);
    const product = tf.matMul(tf.ones([64, 32]), tf.ones([32, 16]));
    expect(Array.from(await product.data()).every((value) => value === 32)).toBe(true);
    product.dispose();
  });

  it('says why when the named adapter does not exist', async () => {
    const { adapter, probe } = await requestWebGpuAdapter({ adapterName: 'no-such-gpu' });
    expect(adapter).toBeUndefined();
    expect(probe.found).toBe(false);
    expect(probe.evidence).toMatch(/^no WebGPU adapter named "no-such-gpu" \(MODEL_LAB_WEBGPU_ADAPTER\); Dawn found llvmpipe/);
  });

  it('skips a backend an earlier run failed on, with a notice, even when the setting prefers it', async () => {
    process.env[WEBGPU_ADAPTER_ENV] = SOFTWARE_ADAPTER;
    const { tf, report } = await initBackend({ preference: 'webgpu', avoid: [fault] });
    expect(report.chosen).not.toBe('webgpu');
    expect(tf.getBackend()).toBe(report.chosen);
    expect(report.overridden).toBe(false);
    expect(report.notice).toBe(`webgpu is not used because run run-lost failed on llvmpipe (WebGPU, Vulkan): ${fault.reason} Training runs on ${report.chosen} instead; start a run with the webgpu backend to try it again.`);
    expect(report.candidates.find((c) => c.name === 'webgpu')?.reason).toMatch(/^skipped: run run-lost failed on it \(2026-12-04T10:00:00.000Z\): The GPU device was lost/);
    const probed = await probeBackends({ preference: 'webgpu', avoid: [fault] });
    expect(probed.chosen).toBe(report.chosen);
    expect(probed.notice).toBe(report.notice);
    // A backend that would not have been chosen anyway is marked, without a notice.
    const automatic = await probeBackends({ avoid: [fault] });
    expect(automatic.notice).toBeUndefined();
    expect(automatic.candidates.find((c) => c.name === 'webgpu')?.reason).toMatch(/^skipped: /);
  });

  it('keeps the Dawn instance alive while its device works, whatever the garbage collector does', async () => {
    v8.setFlagsFromString('--expose-gc');
    const collectGarbage = vm.runInNewContext('gc') as () => void;
    const tfjs = await import('@tensorflow/tfjs');
    const { adapter } = await requestWebGpuAdapter({ adapterName: SOFTWARE_ADAPTER });
    if (adapter === undefined) throw new Error('lavapipe is required (bookworm-backports mesa-vulkan-drivers)');
    await registerWebGpuBackend(tfjs, adapter);
    await tfjs.setBackend('webgpu');
    for (let round = 0; round < 20; round++) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Above the CPU hand-off size, so every round dispatches and maps a buffer.
      const sum = tfjs.tidy(() => tfjs.add(tfjs.fill([2048], round), 1));
      const values = await sum.data();
      sum.dispose();
      expect(values[2047]).toBe(round + 1);
    }
  });
});
