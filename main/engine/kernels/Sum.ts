import { util, type KernelConfig, type KernelFunc, type SumAttrs, type SumInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import { aroundStock } from './aroundStock';
import { addressOf, simdKernelsOf, withScratch, type HeapBackend } from './heapBackend';

/** True when `axis` names exactly the axes before the last of `shape`, in any order. */
function isEveryAxisButLast(axis: number | number[], shape: number[]): boolean {
  if (shape.length < 2) return false;
  const axes = util.parseAxisParam(axis, shape);
  if (axes.length !== shape.length - 1) return false;
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((value, index) => value === index);
}

/**
 * Sum over every axis but the last (every bias gradient: Dense, Conv2D) as one SIMD pass
 * over the rows (simdKernels.c). tfjs-backend-wasm 4.22 transposes the tensor so that the
 * reduced axes come last and then reduces: two passes, the first a strided copy. Other
 * reductions keep tfjs's kernel.
 */
function sum(stock: KernelFunc, args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x } = args.inputs as SumInputs;
  const { axis, keepDims } = args.attrs as unknown as SumAttrs;
  const backend = args.backend as HeapBackend;
  if (x === undefined) throw new Error('wasm backend Sum expects input x.');
  const kernels = simdKernelsOf(backend);
  if (kernels === undefined || x.dtype !== 'float32' || !isEveryAxisButLast(axis, x.shape)) return stock(args) as TensorInfo;
  const columns = x.shape[x.shape.length - 1] as number;
  const rows = util.sizeFromShape(x.shape) / Math.max(1, columns);
  const result = backend.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), columns] : [columns], 'float32');
  withScratch(backend, columns, (partial) => kernels.columnSum(addressOf(backend, x), addressOf(backend, result), partial, rows, columns));
  return result;
}

/** Sum for the wasm backend around tfjs's own (`stock`), which keeps every other reduction. */
export function sumConfig(stock: KernelConfig): KernelConfig {
  return aroundStock(stock, sum);
}
