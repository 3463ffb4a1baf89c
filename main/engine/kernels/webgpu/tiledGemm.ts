import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * The shared core of the WebGPU convolution kernels: a tiled GEMM C[m, n] = Σk A[m, k]·B[k, n]
 * whose operands are never materialised. Each kernel supplies WGSL functions that read A and
 * B straight from its tensors (an implicit GEMM: im2col happens in the loader), and one that
 * stores C; this file supplies the loop.
 *
 * A workgroup of 16×16 threads computes a 64×64 tile of C, each thread a 4×4 block held in
 * registers as four vec4 accumulators. Per step of 16 along k, every thread loads one vec4 of
 * A and one of B into workgroup memory (8 KiB, half the 16 KiB every WebGPU adapter offers),
 * and the next step's loads are issued before the current step's arithmetic, so global
 * memory latency overlaps the FMAs. The third dispatch dimension splits k: workgroup z
 * reduces only its `kPerSplit` slice, which is how a small C with a huge k (the filter
 * gradient: C is 3·3·Cin×Cout, k is batch·height·width) still fills a GPU. Row tiles
 * beyond the 65,535 workgroups a dimension may hold continue in z (z = split + splits ·
 * row block), for convolutions over more than four million output pixels.
 *
 * Each operand is read in vec4s along the dimension its tensor keeps contiguous (NHWC keeps
 * channels innermost): `kOuter` reads four consecutive rows of A (columns of B) at one k,
 * `kInner` reads four consecutive k of one row of A (column of B) and transposes them into
 * workgroup memory. The kernel's WGSL must define, before this loop:
 *   fn prepareLoads(a: i32, b: i32)   once per thread: the first of its four rows of A
 *       (kOuter) or its one row (kInner), and likewise its column(s) of B
 *   fn loadA(k: i32, kEnd: i32) -> vec4<f32>   A[a..a+3, k] (kOuter) or A[a, k..k+3] (kInner),
 *       zero where k >= kEnd or out of bounds
 *   fn loadB(k: i32, kEnd: i32) -> vec4<f32>   B[k, b..b+3] (kOuter) or B[k..k+3, b] (kInner)
 *   fn storeC(split: i32, row: i32, col: i32, value: vec4<f32>)   C[row, col..col+3] (bounds checked there)
 * and its uniforms must start with `GEMM_UNIFORMS`.
 */

/** How an operand is read: four rows (columns) at one k, or four k of one row (column). */
export type OperandLayout = 'kOuter' | 'kInner';

/** Rows and columns of C per workgroup. */
export const GEMM_TILE = 64;
/** Steps along k per round trip through workgroup memory. */
export const GEMM_TILE_K = 16;
/** Threads per workgroup along x and y; each computes a 4×4 block. */
const THREADS_PER_SIDE = GEMM_TILE / 4;

/**
 * Workgroups a dispatch should have to keep a large GPU busy: an H100 or H200 has 132
 * multiprocessors, each running several 256-thread workgroups at once, and a few waves
 * more hide the tail. Fewer only costs idle units; more costs the split reduction.
 */
const TARGET_WORKGROUPS = 640;
/**
 * The least k one split reduces: below this the partial sums written per split cost
 * about as much as the products they save.
 */
const MIN_K_PER_SPLIT = 512;

/** How a GEMM of this size is split along k. */
export interface GemmSplit {
  splits: number;
  kPerSplit: number;
}

/** Splits k so that `rows`×`cols` tiles times splits reaches the target workgroup count. */
export function chooseGemmSplit(rows: number, cols: number, kSize: number): GemmSplit {
  const tiles = Math.ceil(rows / GEMM_TILE) * Math.ceil(cols / GEMM_TILE);
  const wanted = Math.ceil(TARGET_WORKGROUPS / tiles);
  const allowed = Math.max(1, Math.floor(kSize / MIN_K_PER_SPLIT));
  const splits = Math.max(1, Math.min(wanted, allowed));
  const kPerSplit = Math.ceil(Math.ceil(kSize / splits) / GEMM_TILE_K) * GEMM_TILE_K;
  return { splits: Math.ceil(kSize / kPerSplit), kPerSplit };
}

/** Workgroups every WebGPU device takes per dispatch dimension (the spec's minimum limit). */
const WORKGROUPS_PER_DIMENSION = 65535;

/** The uniforms every GEMM program starts with, in the order `runSplitGemm` passes them. */
export const GEMM_UNIFORMS = 'kSize : i32, kPerSplit : i32, splits : i32, mSize : i32, nSize : i32,';

/** Dispatch size of a GEMM: column tiles, row tiles (up to the limit), splits × blocks of further row tiles. */
export function gemmDispatch(rows: number, cols: number, split: GemmSplit): [number, number, number] {
  const rowTiles = Math.ceil(rows / GEMM_TILE);
  const rowTilesPerBlock = Math.min(rowTiles, WORKGROUPS_PER_DIMENSION);
  return [Math.ceil(cols / GEMM_TILE), rowTilesPerBlock, split.splits * Math.ceil(rowTiles / rowTilesPerBlock)];
}

/** The workgroup size every GEMM program declares. */
export const GEMM_WORKGROUP: [number, number, number] = [THREADS_PER_SIDE, THREADS_PER_SIDE, 1];

/** WGSL of where one thread loads an operand from, and how it puts a loaded vec4 into its tile. */
function operandSource(tile: 'tileA' | 'tileB', start: string, layout: OperandLayout): { index: string; k: string; store: (value: string) => string } {
  const side = THREADS_PER_SIDE;
  if (layout === 'kOuter') {
    // Thread (tx, ty) reads the quad tx of the tile's rows at k offset ty.
    return { index: `${start} + tx * 4`, k: 'ty', store: (value) => `${tile}[flat] = ${value};` };
  }
  // Thread `flat` reads row flat / 4 at k offsets (flat % 4) * 4 .. + 3, stored transposed.
  return {
    index: `${start} + flat / 4`,
    k: '(flat % 4) * 4',
    store: (value) => `for (var j = 0; j < 4; j = j + 1) { ${tile}[(loadK${tile.slice(-1)} + j) * ${side} + flat / 16][(flat / 4) % 4] = ${value}[j]; }`,
  };
}

/**
 * WGSL of the GEMM loop (see the file comment for what the kernel must define). The trip
 * count comes from uniforms only: workgroupBarrier must sit in uniform control flow, and
 * tfjs hands the workgroup id to `main` through a private variable, which WGSL's uniformity
 * analysis counts as non-uniform. The last split therefore runs its full trip count with
 * loads past `kSize` reading zeros.
 */
export function gemmMainSource(aLayout: OperandLayout = 'kOuter', bLayout: OperandLayout = 'kOuter'): string {
  const side = THREADS_PER_SIDE;
  const quads = (GEMM_TILE_K * GEMM_TILE) / 4;
  const a = operandSource('tileA', 'rowStart', aLayout);
  const b = operandSource('tileB', 'colStart', bLayout);
  return `
  var<workgroup> tileA : array<vec4<f32>, ${quads}>;
  var<workgroup> tileB : array<vec4<f32>, ${quads}>;

  fn main() {
    let tx = i32(localId.x);
    let ty = i32(localId.y);
    let flat = ty * ${side} + tx;
    let split = i32(workgroupId.z) % uniforms.splits;
    let rowStart = (i32(workgroupId.y) + (i32(workgroupId.z) / uniforms.splits) * i32(numWorkgroups.y)) * ${GEMM_TILE};
    let colStart = i32(workgroupId.x) * ${GEMM_TILE};
    let kBegin = split * uniforms.kPerSplit;
    let kEnd = min(kBegin + uniforms.kPerSplit, uniforms.kSize);
    let loadKA = ${a.k};
    let loadKB = ${b.k};
    prepareLoads(${a.index}, ${b.index});

    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    var nextA = loadA(kBegin + loadKA, kEnd);
    var nextB = loadB(kBegin + loadKB, kEnd);
    let steps = uniforms.kPerSplit / ${GEMM_TILE_K};
    for (var step = 0; step < steps; step = step + 1) {
      ${a.store('nextA')}
      ${b.store('nextB')}
      workgroupBarrier();
      let kNext = kBegin + (step + 1) * ${GEMM_TILE_K};
      nextA = loadA(kNext + loadKA, kEnd);
      nextB = loadB(kNext + loadKB, kEnd);
      for (var kk = 0; kk < ${GEMM_TILE_K}; kk = kk + 1) {
        let a = tileA[kk * ${side} + ty];
        let b = tileB[kk * ${side} + tx];
        acc0 = fma(vec4<f32>(a.x), b, acc0);
        acc1 = fma(vec4<f32>(a.y), b, acc1);
        acc2 = fma(vec4<f32>(a.z), b, acc2);
        acc3 = fma(vec4<f32>(a.w), b, acc3);
      }
      workgroupBarrier();
    }
    let row = rowStart + ty * 4;
    let col = colStart + tx * 4;
    storeC(split, row, col, acc0);
    storeC(split, row + 1, col, acc1);
    storeC(split, row + 2, col, acc2);
    storeC(split, row + 3, col, acc3);
  }
  `;
}

/**
 * WGSL storing one row quad of C into `result`, laid out [split, rows, cols] and written as
 * vec4 when `vec4Columns` (cols a multiple of 4) or as scalars otherwise. `stored` is the
 * WGSL expression written for `value` (an epilogue such as bias and activation).
 */
export function gemmStoreSource(vec4Columns: boolean, stored = 'value'): string {
  const body = vec4Columns
    ? 'result[(split * uniforms.mSize * uniforms.nSize + row * uniforms.nSize + col) / 4] = out;'
    : `let base = split * uniforms.mSize * uniforms.nSize + row * uniforms.nSize + col;
       for (var j = 0; j < 4; j = j + 1) {
         if (col + j < uniforms.nSize) { result[base + j] = out[j]; }
       }`;
  return `
  fn storeC(split: i32, row: i32, col: i32, value: vec4<f32>) {
    if (row >= uniforms.mSize || col >= uniforms.nSize) { return; }
    let out = ${stored};
    ${body}
  }`;
}

/**
 * Sums the `splits` partial GEMM results ([splits, size] as vec4 or scalars) into [size]:
 * the second pass of a split-k GEMM, one thread per output element. Partial sums are added
 * in split order, so the result does not depend on scheduling (no atomics).
 */
export class SplitSumProgram implements WebGPUProgram {
  variableNames = ['partials'];
  uniforms = 'splits : i32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  outputShape: number[];
  outputComponent: number;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(outputShape: number[], vec4: boolean) {
    this.outputShape = outputShape;
    this.outputComponent = vec4 ? 4 : 1;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const elements = outputShape.reduce((a, b) => a * b, 1) / this.outputComponent;
    this.dispatch = [Math.ceil(elements / this.workgroupSize[0]), 1, 1];
    this.shaderKey = `modelLabSplitSum_${this.outputComponent}`;
  }

  getUserCode(): string {
    const type = this.outputComponent === 4 ? 'vec4<f32>' : 'f32';
    return `
    fn main(index : i32) {
      if (index >= uniforms.size) { return; }
      var sum = ${type}(0.0);
      for (var s = 0; s < uniforms.splits; s = s + 1) {
        sum = sum + partials[s * uniforms.size + index];
      }
      result[index] = sum;
    }`;
  }
}

/** Uniform values as tfjs's `runWebGPUProgram` takes them. */
export type ProgramUniforms = Array<{ type: string; data: number[] }>;

/**
 * Runs a GEMM program whose output is [splits, rows, cols] and returns C as `shape`: with
 * one split that output is C already (a reshape), otherwise the split partial sums are
 * added by `SplitSumProgram`. `uniforms` are the program's own after `kSize, kPerSplit, splits`.
 */
export function runSplitGemm(
  backend: WebGPUBackend,
  program: WebGPUProgram & { outputComponent?: number },
  inputs: TensorInfo[],
  kSize: number,
  split: GemmSplit,
  uniforms: ProgramUniforms,
  shape: number[],
): TensorInfo {
  const partials = backend.runWebGPUProgram(program, inputs, 'float32', [
    { type: 'int32', data: [kSize] },
    { type: 'int32', data: [split.kPerSplit] },
    { type: 'int32', data: [split.splits] },
    ...uniforms,
  ]);
  return sumSplits(backend, partials, split.splits, shape, program.outputComponent === 4);
}

/**
 * The sum over `splits` of `partials` ([splits, size of shape]) shaped as `shape`: with one
 * split, `partials` itself (a reshape); otherwise a `SplitSumProgram`, freeing `partials`.
 */
export function sumSplits(backend: WebGPUBackend, partials: TensorInfo, splits: number, shape: number[], vec4: boolean): TensorInfo {
  if (splits === 1) return { dataId: partials.dataId, shape, dtype: 'float32' };
  const result = backend.runWebGPUProgram(new SplitSumProgram(shape, vec4), [partials], 'float32', [{ type: 'int32', data: [splits] }]);
  backend.disposeData(partials.dataId);
  return result;
}
