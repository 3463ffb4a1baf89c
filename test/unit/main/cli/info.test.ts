import { describe, expect, it } from 'vitest';
import { main } from '../../../../main/cli';
import { formatBackendReport } from '../../../../main/cli/info';
import { bufferIo } from './bufferIo';
import { backendReportSchema } from '../../../../common/training/backend';


describe('model-lab info', () => {
  it('prints the chosen backend, the device and every candidate with its reason', async () => {
    const io = bufferIo();
    expect(await main(['info'], io)).toBe(0);
    expect(io.stdout).toMatch(/^Model Lab \S+ on /);
    expect(io.stdout).toMatch(/Backend: \S+/);
    expect(io.stdout).toMatch(/Device: {2}\S+/);
    for (const name of ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']) expect(io.stdout).toContain(name);
    expect(io.stdout).toContain('@tensorflow/tfjs-backend-webgpu');
    expect(io.stdout).toContain('@tensorflow/tfjs-node-gpu');
  });

  it('--json prints the BackendReport', async () => {
    const io = bufferIo();
    expect(await main(['info', '--json'], io)).toBe(0);
    const report = backendReportSchema.parse(JSON.parse(io.stdout));
    expect(report.candidates).toHaveLength(5);
  });

  it('prints the notice of a backend skipped after a failed run', () => {
    const text = formatBackendReport({
      chosen: 'wasm', device: 'CPU (WebAssembly SIMD, 1 thread)', overridden: false,
      notice: 'webgpu is not used because run r1 failed on NVIDIA H200 (WebGPU, Vulkan): The GPU device was lost.',
      candidates: [
        { name: 'webgpu', packageName: '@tensorflow/tfjs-backend-webgpu', available: false, reason: 'skipped: run r1 failed on it' },
        { name: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', available: true, reason: 'chosen (first available)' },
      ],
    });
    expect(text).toContain('Notice:  webgpu is not used because run r1 failed on NVIDIA H200 (WebGPU, Vulkan)');
    expect(text).toMatch(/- webgpu\s+@tensorflow\/tfjs-backend-webgpu\n\s+skipped: run r1 failed on it/);
  });
});
