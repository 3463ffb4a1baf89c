import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WASM_MAX_THREADS, patchThreadedGlue, plannedWasmThreads, wantedWasmThreads } from '../../../../main/engine/wasmThreads';

const packageFolder = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const glue = readFileSync(path.join(packageFolder, 'wasm-out/tfjs-backend-wasm-threaded-simd.js'), 'utf8');

describe('wantedWasmThreads', () => {
  it('takes every available core up to the build\'s cap', () => {
    expect(wantedWasmThreads({}, 2)).toBe(2);
    expect(wantedWasmThreads({}, 1)).toBe(1);
    expect(wantedWasmThreads({}, 64)).toBe(WASM_MAX_THREADS);
  });

  it('follows MODEL_LAB_WASM_THREADS, capped', () => {
    expect(wantedWasmThreads({ MODEL_LAB_WASM_THREADS: '1' }, 16)).toBe(1);
    expect(wantedWasmThreads({ MODEL_LAB_WASM_THREADS: '3' }, 2)).toBe(3);
    expect(wantedWasmThreads({ MODEL_LAB_WASM_THREADS: '99' }, 2)).toBe(WASM_MAX_THREADS);
  });

  it('rejects a MODEL_LAB_WASM_THREADS that is not a positive integer, naming it', () => {
    for (const bad of ['0', '-2', '1.5', 'two']) {
      expect(() => wantedWasmThreads({ MODEL_LAB_WASM_THREADS: bad }, 2)).toThrow(/MODEL_LAB_WASM_THREADS/);
    }
  });
});

describe('plannedWasmThreads', () => {
  it('plans the threaded build only with SIMD and more than one thread, and says why not', () => {
    expect(plannedWasmThreads(true, { MODEL_LAB_WASM_THREADS: '2' })).toEqual({ threads: 2, why: "2 threads (tfjs-backend-wasm's threaded build, MODEL_LAB_WASM_THREADS=2)" });
    expect(plannedWasmThreads(false, { MODEL_LAB_WASM_THREADS: '2' })).toEqual({ threads: 1, why: '1 thread (the threaded build needs SIMD)' });
    expect(plannedWasmThreads(true, { MODEL_LAB_WASM_THREADS: '1' })).toEqual({ threads: 1, why: '1 thread (MODEL_LAB_WASM_THREADS=1)' });
    expect(plannedWasmThreads(true, { MODEL_LAB_WASM_THREADS: 'x' })).toMatchObject({ threads: 1, why: expect.stringContaining('MODEL_LAB_WASM_THREADS') });
  });
});

describe('patchThreadedGlue', () => {
  it('patches the installed threaded build: core count and worker count come from the module settings', () => {
    const patched = patchThreadedGlue(glue);
    expect(patched).toContain('return Module["nodeLogicalCores"]');
    expect(patched).toContain('var pthreadPoolSize=Module["pthreadPoolSize"]');
    expect(patched).not.toContain('require("os").cpus().length');
  });

  it('refuses a glue it does not know, naming what it looked for', () => {
    expect(() => patchThreadedGlue(glue.replace('var pthreadPoolSize=8;', 'var pthreadPoolSize=4;'))).toThrow(/number of pthread workers started/);
    expect(() => patchThreadedGlue('')).toThrow(/logical core count under Node/);
  });
});
