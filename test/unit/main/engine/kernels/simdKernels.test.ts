import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { seededTensor as values } from '../seededTensor';
import { initBackend } from '../../../../../main/engine/backend';
import { simdKernelsOf, type HeapBackend } from '../../../../../main/engine/kernels/heapBackend';
import { confirmWasmKernels, registerWasmKernels, WASM_FUSED_KERNELS } from '../../../../../main/engine/kernels/index';
import { emscriptenMemory, simdKernelsOn, webAssembly, type SimdKernels } from '../../../../../main/engine/kernels/simd/simdKernels';
import {
  SIMD_KERNELS_PLAIN_BASE64,
  SIMD_KERNELS_SHARED_BASE64,
  SIMD_KERNELS_SOURCE_SHA256,
} from '../../../../../main/engine/kernels/simd/simdKernelsBinary';
import { relativeError, runOn } from './compareBackends';

const SOURCE = path.resolve(__dirname, '../../../../../main/engine/kernels/simd/simdKernels.c');

/** The ids of a module's sections, in order (the binary format's top level). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++] as number;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++] as number;
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

describe('simdKernels.wasm', () => {
  it('was built from the simdKernels.c in the tree (rebuild: node scripts/build-simd-kernels.mjs)', () => {
    expect(createHash('sha256').update(readFileSync(SOURCE)).digest('hex')).toBe(SIMD_KERNELS_SOURCE_SHA256);
  });

  it.each([
    ['plain', SIMD_KERNELS_PLAIN_BASE64],
    ['shared', SIMD_KERNELS_SHARED_BASE64],
  ])('the %s module owns nothing in the memory it imports: no data segment, only env.memory imported', (_, base64) => {
    const bytes = Buffer.from(base64, 'base64');
    const ids = sectionIds(bytes);
    expect(ids).not.toContain(11); // data
    expect(ids).not.toContain(12); // data count
    const wasm = globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): unknown[]; exports(m: object): Array<{ name: string }> } } };
    const module = new wasm.WebAssembly.Module(bytes);
    expect(wasm.WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(wasm.WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual([
      'adam_update', 'add_rows', 'batch_norm_training', 'batch_norm_training_grad', 'column_sum', 'conv2d_backprop_filter_taps',
      'max_pool_grad', 'momentum_update', 'moving_averages_update', 'rmsprop_update', 'sgd_update',
    ]);
  });

  it.each([
    ['plain', { initial: 4 }],
    ['shared', { initial: 4, maximum: 65536, shared: true }],
  ])('runs on %s memory, working in place at the addresses it is given', (_, descriptor) => {
    const memory = new webAssembly.Memory(descriptor);
    const kernels = simdKernelsOn(memory);
    expect(simdKernelsOn(memory)).toBe(kernels);
    const heap = new Float32Array(memory.buffer);
    const rows = 300;
    const cols = 7;
    const x = 1024;
    for (let i = 0; i < rows * cols; i++) heap[x + i] = (i % cols) + 0.5;
    const out = x + rows * cols;
    const partial = out + cols;
    heap.fill(-1, out, partial + cols + 4);
    kernels.columnSum(x * 4, out * 4, partial * 4, rows, cols);
    expect(Array.from(heap.subarray(out, out + cols))).toEqual([0, 1, 2, 3, 4, 5, 6].map((c) => rows * (c + 0.5)));
    // Nothing past the scratch was touched, and nothing below the input.
    expect(heap[partial + cols]).toBe(-1);
    expect(heap[x - 1]).toBe(0);
  });
});

describe('the wasm backend runs the SIMD kernels on its own memory', () => {
  let kernels: SimdKernels;

  beforeAll(async () => {
    await initBackend({ preference: 'wasm' });
    const backend = tf.backend() as unknown as HeapBackend;
    expect(emscriptenMemory(backend.wasm)).toBeDefined();
    kernels = simdKernelsOf(backend)!;
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function expectSimd(kernelName: keyof SimdKernels, run: () => Promise<void>, used = true): Promise<void> {
    const spy = vi.spyOn(kernels, kernelName);
    await run();
    if (used) expect(spy).toHaveBeenCalled();
    else expect(spy).not.toHaveBeenCalled();
  }

  it('MaxPoolGrad runs the SIMD kernel: each window\'s maximum gets its gradient once', async () => {
    await tf.setBackend('wasm');
    const x = values([2, 6, 6, 9], 61);
    await expectSimd('maxPoolGrad', async () => {
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(x);
      expect(await dx.sum().data()).toEqual(Float32Array.of(2 * 3 * 3 * 9));
      dx.dispose();
    });
  });

  it.each([
    { name: 'a convolution bias gradient (axes 0, 1, 2)', shape: [3, 5, 6, 8], axis: [0, 1, 2], keepDims: false },
    { name: 'a Dense bias gradient (axis 0)', shape: [7, 6], axis: [0], keepDims: false },
    { name: 'negative axes, in another order, kept', shape: [4, 3, 5], axis: [-2, -3], keepDims: true },
    { name: 'a long sum that float32 must keep precise', shape: [120000, 3], axis: 0, keepDims: false },
  ])('Sum over every axis but the last runs the column sum: $name', async (c) => {
    const x = c.shape[0] === 120000 ? tf.add(tf.mul(values(c.shape, 71), 0.01), 1) : values(c.shape, 72);
    const attrs = { axis: c.axis, keepDims: c.keepDims };
    const expected = await runOn('cpu', 'Sum', { x }, attrs);
    await expectSimd('columnSum', async () => {
      const actual = await runOn('wasm', 'Sum', { x }, attrs);
      expect(actual.shape).toEqual(expected.shape);
      expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-6);
    });
  });

  it.each([
    { name: 'the last axis', shape: [4, 5], axis: [1], dtype: 'float32' as const },
    { name: 'middle axes', shape: [2, 3, 4, 5], axis: [1, 2], dtype: 'float32' as const },
    { name: 'int32', shape: [6, 4], axis: [0], dtype: 'int32' as const },
  ])('other sums keep tfjs\'s kernel: $name', async (c) => {
    const x = c.dtype === 'int32' ? tf.cast(tf.mul(values(c.shape, 73), 10), 'int32') : values(c.shape, 74);
    const attrs = { axis: c.axis, keepDims: false };
    const expected = await runOn('cpu', 'Sum', { x }, attrs);
    await expectSimd('columnSum', async () => {
      const actual = await runOn('wasm', 'Sum', { x }, attrs);
      expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-5);
    }, false);
  });

  it.each([
    { name: 'a convolution bias', a: [3, 5, 6, 8], b: [8], simd: true },
    { name: 'a Dense bias of odd width, as [1, C]', a: [7, 5], b: [1, 5], simd: true },
    { name: 'a vector along the first axis', a: [4, 5], b: [4, 1], simd: false },
    { name: 'two vectors', a: [5], b: [5], simd: false },
    { name: 'two tensors of one shape', a: [3, 4], b: [3, 4], simd: false },
  ])('Add: $name', async (c) => {
    const inputs = { a: values(c.a, 75), b: values(c.b, 76) };
    const expected = await runOn('cpu', 'Add', inputs, {});
    await expectSimd('addRows', async () => {
      const actual = await runOn('wasm', 'Add', inputs, {});
      expect(actual.shape).toEqual(expected.shape);
      expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
    }, c.simd);
  });

  it.each([
    { name: 'one channel, 32 filters (a first layer)', input: [3, 12, 12, 1], filter: [3, 3, 1, 32], strides: [1, 1], pad: 'valid', simd: true },
    { name: 'RGB, 37 filters, same padding (a 32-filter block, a vector and single filters)', input: [2, 8, 7, 3], filter: [3, 3, 3, 37], strides: [1, 1], pad: 'same', simd: true },
    { name: 'RGB, stride 2 same (27 taps)', input: [2, 9, 9, 3], filter: [3, 3, 3, 10], strides: [2, 2], pad: 'same', simd: true },
    { name: '4 channels (36 taps) keeps the convolution form', input: [2, 7, 7, 4], filter: [3, 3, 4, 8], strides: [1, 1], pad: 'same', simd: false },
  ])('Conv2DBackpropFilter: $name', async (c) => {
    const x = values(c.input, 81);
    await tf.setBackend('cpu');
    const y = tf.conv2d(x as tf.Tensor4D, values(c.filter, 82) as tf.Tensor4D, c.strides as [number, number], c.pad as 'same' | 'valid');
    const dy = values(y.shape, 83);
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    const expected = await runOn('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs);
    await expectSimd('conv2dBackpropFilterTaps', async () => {
      const actual = await runOn('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs);
      expect(actual.shape).toEqual(c.filter);
      expect(relativeError(actual.data, expected.data)).toBeLessThan(1e-5);
    }, c.simd);
  });

  it('a backend that hides its memory keeps tfjs\'s optimizer steps: the fused kernels are unregistered', () => {
    expect(confirmWasmKernels(tf.backend())).toBe(true);
    for (const config of WASM_FUSED_KERNELS) expect(tf.getKernel(config.kernelName, 'wasm')).toBeDefined();
    const hidden = { wasm: { asm: {} }, getMemoryOffset: () => 0 };
    try {
      expect(confirmWasmKernels(hidden as unknown as tf.KernelBackend)).toBe(false);
      for (const config of WASM_FUSED_KERNELS) expect(tf.getKernel(config.kernelName, 'wasm')).toBeUndefined();
    } finally {
      registerWasmKernels();
    }
    for (const config of WASM_FUSED_KERNELS) expect(tf.getKernel(config.kernelName, 'wasm')).toBeDefined();
  });

  it('leaves no tensors behind: scratch buffers are freed', async () => {
    await tf.setBackend('wasm');
    const x = values([2, 8, 8, 3], 91);
    const dy = values([2, 6, 6, 16], 92);
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const ids = backend.dataIdMap.numDataIds();
    const bytes = tf.memory().numBytes;
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 16] } as unknown as NamedAttrMap) as tf.Tensor;
    const bias = tf.sum(dy, [0, 1, 2]);
    tf.dispose([dw, bias]);
    expect(backend.dataIdMap.numDataIds()).toBe(ids);
    expect(tf.memory().numBytes).toBe(bytes);
  });
});
