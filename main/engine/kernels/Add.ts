import { util, type AddInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { aroundStock } from './aroundStock';
import { addressOf, simdKernelsOf, type HeapBackend } from './heapBackend';

/** True when `bias` is a vector along `x`'s last axis (shape [C], or [1, …, 1, C] of no higher rank). */
function isLastAxisVector(x: TensorInfo, bias: TensorInfo): boolean {
  const channels = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || bias.shape.length > x.shape.length || bias.shape[bias.shape.length - 1] !== channels) return false;
  return bias.shape.slice(0, -1).every((size) => size === 1);
}

/**
 * A bias added along the last axis (every Conv2D and Dense layer's forward pass) as one SIMD
 * pass over the rows (simdKernels.c); tfjs-backend-wasm 4.22 broadcasts it element by
 * element. Every other addition keeps tfjs's kernel.
 */
function add(stock: KernelFunc, args: Parameters<KernelFunc>[0]): TensorInfo {
  const { a, b } = args.inputs as AddInputs;
  const backend = args.backend as HeapBackend;
  if (a === undefined || b === undefined) throw new Error('wasm backend Add expects inputs a and b.');
  const kernels = simdKernelsOf(backend);
  if (kernels === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || !isLastAxisVector(a, b)) return stock(args) as TensorInfo;
  const columns = a.shape[a.shape.length - 1] as number;
  const out = backend.makeOutput(a.shape, 'float32');
  kernels.addRows(addressOf(backend, a), addressOf(backend, b), addressOf(backend, out), util.sizeFromShape(a.shape) / Math.max(1, columns), columns);
  return out;
}

/** Add for the wasm backend around tfjs's own (`stock`), which keeps every other broadcast. */
export function addConfig(stock: KernelConfig): KernelConfig {
  return aroundStock(stock, add);
}
