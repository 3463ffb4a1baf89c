import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BACKEND_ORDER, initBackend, parseBackendName, probeBackends } from '../../../../main/engine/backend';
import { backendReportSchema } from '../../../../common/training/backend';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { wantedWasmThreads } from '../../../../main/engine/wasmThreads';
import { LabError } from '../../../../common/errors';

function installed(packageName: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${packageName}/package.json`);
    return true;
  } catch {
    return false;
  }
}

describe('probeBackends', () => {
  it('reports every candidate in preference order, each with a reason', async () => {
    const report = backendReportSchema.parse(await probeBackends());
    expect(report.candidates.map((c) => c.name)).toEqual([...BACKEND_ORDER]);
    for (const candidate of report.candidates) expect(candidate.reason.length).toBeGreaterThan(10);
    expect(report.candidates.find((c) => c.name === report.chosen)?.available).toBe(true);
    expect(report.overridden).toBe(false);
    // The chosen backend is the first available one.
    expect(report.chosen).toBe(report.candidates.find((c) => c.available)?.name);
  });

  it('says why a native package is missing', async () => {
    const report = await probeBackends();
    const native = report.candidates.find((c) => c.name === 'tensorflow');
    expect(native?.packageName).toBe('@tensorflow/tfjs-node');
    if (!installed('@tensorflow/tfjs-node')) {
      expect(native?.available).toBe(false);
      expect(native?.reason).toMatch(/not installed \(its libtensorflow download needs internet at install time\)/);
    }
  });

  it('shows an available preference as the choice and an unavailable one in its reason', async () => {
    const cpu = await probeBackends({ preference: 'cpu' });
    expect(cpu.chosen).toBe('cpu');
    expect(cpu.overridden).toBe(true);
    const auto = await probeBackends();
    const unavailable = auto.candidates.find((c) => !c.available);
    if (unavailable) {
      const report = await probeBackends({ preference: unavailable.name });
      expect(report.chosen).toBe(auto.chosen);
      expect(report.candidates.find((c) => c.name === unavailable.name)?.reason).toMatch(/^requested but unavailable: /);
    }
  });
});

describe('parseBackendName', () => {
  it('accepts backend names and treats empty or auto as automatic', () => {
    expect(parseBackendName('wasm')).toBe('wasm');
    expect(parseBackendName(undefined)).toBeUndefined();
    expect(parseBackendName('')).toBeUndefined();
    expect(parseBackendName('auto')).toBeUndefined();
  });

  it('rejects an unknown name with BACKEND_UNAVAILABLE', () => {
    expect(parseBackendName('webgpu')).toBe('webgpu');
    expect(() => parseBackendName('tpu')).toThrow(expect.objectContaining({ code: 'BACKEND_UNAVAILABLE' }));
  });
});

describe('initBackend', () => {
  it('starts the requested wasm backend with the gradient kernels and names the device', async () => {
    const { tf, report } = await initBackend({ preference: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
    expect(report.chosen).toBe('wasm');
    expect(report.overridden).toBe(true);
    expect(report.device).toMatch(/^CPU \(WebAssembly( SIMD)?, \d+ threads?\)$/);
    const kernels = tf.getKernelsForBackend('wasm').map((k) => k.kernelName);
    expect(kernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']));
  });

  it('runs wasm on one thread per available core (the threaded build) and says so', async () => {
    const { report } = await initBackend({ preference: 'wasm' });
    const threads = wantedWasmThreads();
    expect(getThreadsCount()).toBe(threads);
    expect(report.device).toBe(`CPU (WebAssembly SIMD, ${threads} thread${threads === 1 ? '' : 's'})`);
    const wasm = report.candidates.find((c) => c.name === 'wasm');
    expect(wasm?.reason).toContain(`${threads} thread`);
    expect(wasm?.reason).not.toContain('did not start');
  });

  it('starts the JavaScript cpu backend on request', async () => {
    const { tf, report } = await initBackend({ preference: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(report.device).toBe('CPU (JavaScript, 1 thread)');
  });

  it('picks the first available candidate automatically', async () => {
    const { tf, report } = await initBackend();
    const probe = await probeBackends();
    expect(report.chosen).toBe(probe.chosen);
    expect(report.overridden).toBe(false);
    expect(tf.getBackend()).toBe(report.chosen === 'tensorflow-gpu' ? 'tensorflow' : report.chosen);
  });

  it('refuses an unavailable backend with BACKEND_UNAVAILABLE naming why', async () => {
    const probe = await probeBackends();
    // A software WebGPU adapter is unavailable automatically but starts on request (see webgpuBackend.test.ts).
    for (const candidate of probe.candidates.filter((c) => !c.available && !c.reason.startsWith('only a software adapter'))) {
      const attempt = initBackend({ preference: candidate.name });
      await expect(attempt).rejects.toBeInstanceOf(LabError);
      await expect(attempt).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining(candidate.reason) });
    }
  });
});
