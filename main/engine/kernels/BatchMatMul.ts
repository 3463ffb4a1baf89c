import {
  Transpose,
  type BatchMatMulAttrs,
  type BatchMatMulInputs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { aroundStock } from './aroundStock';
import { KernelScope, sizeOf, type DisposingBackend } from './kernelScope';

/** `[0, 1, …, rank - 1, rank - 2]`: swaps a matrix's rows and columns. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * tfjs-backend-wasm 4.22 multiplies through XNNPACK only when neither operand is
 * transposed (and both are single matrices); a transposed operand falls to a scalar loop
 * about twelve times slower (2.4 vs 30 GFLOPS). Training asks for both transposes in every
 * Dense layer's gradients (dy·Wᵀ and xᵀ·dy), so this kernel transposes the operand
 * explicitly, a copy that costs what one pass over it costs, and multiplies untransposed.
 */
function batchMatMul(stock: KernelFunc, args: Parameters<KernelFunc>[0]): TensorInfo {
  const { a, b } = args.inputs as BatchMatMulInputs;
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  if (a === undefined || b === undefined) throw new Error('wasm backend BatchMatMul expects inputs a and b.');
  const single = sizeOf(a.shape.slice(0, -2)) === 1 && sizeOf(b.shape.slice(0, -2)) === 1;
  if ((!transposeA && !transposeB) || !single || a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args) as TensorInfo;
  const scope = new KernelScope(args.backend as DisposingBackend, 'wasm', 'BatchMatMul');
  try {
    const left = transposeA ? scope.run(Transpose, { x: a }, { perm: swapLastTwo(a.shape.length) }) : a;
    const right = transposeB ? scope.run(Transpose, { x: b }, { perm: swapLastTwo(b.shape.length) }) : b;
    const attrs: BatchMatMulAttrs = { transposeA: false, transposeB: false };
    return stock({ inputs: { a: left, b: right }, backend: args.backend, attrs: attrs as unknown as NamedAttrMap }) as TensorInfo;
  } finally {
    scope.dispose();
  }
}

/**
 * BatchMatMul for the wasm backend around tfjs's own (`stock`, whose setup the backend
 * still runs), sending transposed products to its XNNPACK path.
 */
export function batchMatMulConfig(stock: KernelConfig): KernelConfig {
  return aroundStock(stock, batchMatMul);
}
