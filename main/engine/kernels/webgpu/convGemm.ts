import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { convUniformData, convUniforms, zerosTensor } from './convLoaders';
import { chooseGemmSplit, gemmDispatch, GEMM_TILE_K, GEMM_UNIFORMS, GEMM_WORKGROUP, runSplitGemm, type GemmSplit, type ProgramUniforms } from './tiledGemm';

/** The GEMM a convolution kernel runs: C is rows × cols, reduced over kSize. */
export interface ConvGemm {
  convInfo: backend_util.Conv2DInfo;
  rows: number;
  cols: number;
  kSize: number;
  split: GemmSplit;
}

/**
 * Sizes a convolution GEMM; null when C or k is empty (the result is zeros). `splitK`
 * lets k be split over workgroups; without it (an epilogue needs whole sums) k is one slice.
 */
export function convGemm(convInfo: backend_util.Conv2DInfo, rows: number, cols: number, kSize: number, splitK: boolean): ConvGemm | null {
  if (rows * cols === 0 || kSize === 0) return null;
  const split = splitK ? chooseGemmSplit(rows, cols, kSize) : { splits: 1, kPerSplit: Math.ceil(kSize / GEMM_TILE_K) * GEMM_TILE_K };
  return { convInfo, rows, cols, kSize, split };
}

/**
 * What the convolution GEMM programs share: 16×16 threads per 64×64 tile of C laid out
 * [splits, rows, cols], the GEMM's uniforms (`GEMM_UNIFORMS`), the
 * kernel's own, then the convolution's (`convUniforms`).
 */
export abstract class ConvGemmProgram implements WebGPUProgram {
  uniforms: string;
  workgroupSize = GEMM_WORKGROUP;
  outputShape: number[];
  outputComponent: number;
  dispatchLayout = { x: [2], y: [1], z: [0] };
  dispatch: [number, number, number];

  /**
   * @param gemm The GEMM's sizes.
   * @param variableNames The input tensors' names in WGSL.
   * @param variableComponents Per input, 4 when read as vec4.
   * @param shaderKey Everything the WGSL depends on besides uniforms.
   * @param ownUniforms The kernel's uniforms (WGSL struct fields) and their values.
   */
  constructor(
    readonly gemm: ConvGemm,
    readonly variableNames: string[],
    readonly variableComponents: number[],
    readonly shaderKey: string,
    private readonly ownUniforms: { fields: string; values: ProgramUniforms } = { fields: '', values: [] },
  ) {
    this.uniforms = `${GEMM_UNIFORMS} ${ownUniforms.fields} ${convUniforms}`;
    this.outputShape = [gemm.split.splits, gemm.rows, gemm.cols];
    this.outputComponent = gemm.cols % 4 === 0 ? 4 : 1;
    this.dispatch = gemmDispatch(gemm.rows, gemm.cols, gemm.split);
  }

  abstract getUserCode(): string;

  /** Runs the program on `inputs` and returns C shaped as `shape`. */
  run(backend: WebGPUBackend, inputs: TensorInfo[], shape: number[]): TensorInfo {
    const { rows, cols, kSize, split, convInfo } = this.gemm;
    return runSplitGemm(backend, this, inputs, kSize, split, [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [cols] },
      ...this.ownUniforms.values,
      ...convUniformData(convInfo),
    ], shape);
  }
}

/** Zeros of `shape` when there is nothing to reduce, else the program's result. */
export function runConvGemm(backend: WebGPUBackend, gemm: ConvGemm | null, program: (gemm: ConvGemm) => ConvGemmProgram, inputs: TensorInfo[], shape: number[]): TensorInfo {
  return gemm === null ? zerosTensor(backend, shape) : program(gemm).run(backend, inputs, shape);
}
