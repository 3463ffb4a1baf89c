import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gemmMainSource, gemmStoreSource } from './tiledGemm';
import { imageTapLoaderSource, rowMajorColumnsLoaderSource } from './convLoaders';
import { convGemm, ConvGemmProgram, runConvGemm, type ConvGemm } from './convGemm';
import { runStockKernel } from './stockKernels';

/**
 * dW[a, b, ci, co] = Σ over n, i, j of x[n, i·s − top + a, j·s − left + b, ci] · dy[n, i, j, co]
 * as an implicit GEMM: rows m = (a, b, ci), columns co, and k = (n, i, j) running over the
 * whole batch and every output pixel. tfjs 4.22 gives each filter element one thread that
 * walks all of k alone (0.08-0.4 TFLOP/s on an H200); here workgroups share tiles of x and
 * dy and split k, so a 3·3·64×64 gradient over k = 131,072 runs as 640 workgroups instead
 * of 576 threads.
 */
class FilterGradientProgram extends ConvGemmProgram {
  constructor(gemm: ConvGemm) {
    const vec4Rows = gemm.convInfo.inChannels % 4 === 0;
    const vec4Columns = gemm.cols % 4 === 0;
    super(gemm, ['x', 'dy'], [vec4Rows ? 4 : 1, vec4Columns ? 4 : 1], `modelLabConv2DFilterGrad_${vec4Rows}_${vec4Columns}`);
  }

  getUserCode(): string {
    const vec4Columns = this.outputComponent === 4;
    // B[k, co] = dy[k, co]: dy is [n, i, j, co] with co innermost, so k is its flat pixel index.
    return `
    ${imageTapLoaderSource('x', this.variableComponents[0] === 4)}
    ${rowMajorColumnsLoaderSource('dy', vec4Columns)}

    fn prepareLoads(row : i32, col : i32) {
      prepareTaps(row);
      loadCol = col;
    }

    // A[m, k]: the input pixel that output pixel k = (n, i, j) sees through filter tap m.
    fn loadA(k : i32, kEnd : i32) -> vec4<f32> {
      if (k >= kEnd) { return vec4<f32>(0.0); }
      let n = k / (uniforms.outSize.x * uniforms.outSize.y);
      let pixel = k - n * uniforms.outSize.x * uniforms.outSize.y;
      let i = pixel / uniforms.outSize.y;
      let j = pixel - i * uniforms.outSize.y;
      return readTaps(n, i * uniforms.strides.x - uniforms.pads.x, j * uniforms.strides.y - uniforms.pads.y);
    }
    ${gemmStoreSource(vec4Columns)}
    ${gemmMainSource('kOuter', 'kOuter')}
    `;
  }
}

function conv2DBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const { x, dy } = args.inputs as Conv2DBackpropFilterInputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (x === undefined || dy === undefined) throw new Error('webgpu backend Conv2DBackpropFilter expects inputs x and dy.');
  if (dataFormat !== 'NHWC') return runStockKernel(Conv2DBackpropFilter, args);
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast',
  );
  const rows = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  const gemm = convGemm(convInfo, rows, convInfo.outChannels, convInfo.batchSize * convInfo.outHeight * convInfo.outWidth, true);
  return runConvGemm(args.backend as WebGPUBackend, gemm, (g) => new FilterGradientProgram(g), [x, dy], filterShape);
}

/** Conv2DBackpropFilter for the webgpu backend: a split-k implicit GEMM. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: conv2DBackpropFilter,
};
