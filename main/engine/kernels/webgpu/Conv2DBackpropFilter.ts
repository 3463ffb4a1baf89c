import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { chooseGemmSplit, gemmDispatch, gemmMainSource, gemmStoreSource, GEMM_WORKGROUP, SplitSumProgram, type GemmSplit } from './tiledGemm';
import { convUniformData, convUniforms, imageTapLoaderSource, requireChannelsLast, zerosTensor } from './convLoaders';

/**
 * dW[a, b, ci, co] = Σ over n, i, j of x[n, i·s − top + a, j·s − left + b, ci] · dy[n, i, j, co]
 * as an implicit GEMM: rows m = (a, b, ci), columns co, and k = (n, i, j) running over the
 * whole batch and every output pixel. tfjs 4.22 gives each filter element one thread that
 * walks all of k alone (0.08-0.4 TFLOP/s on an H200); here workgroups share tiles of x and
 * dy and split k, so a 3·3·64×64 gradient over k = 131,072 runs as 640 workgroups instead
 * of 576 threads.
 */
class FilterGradientProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  uniforms = 'kSize : i32, kPerSplit : i32, mSize : i32, nSize : i32, ' + convUniforms;
  workgroupSize = GEMM_WORKGROUP;
  outputShape: number[];
  outputComponent: number;
  variableComponents: number[];
  dispatchLayout = { x: [2], y: [1], z: [0] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(private readonly convInfo: backend_util.Conv2DInfo, split: GemmSplit) {
    const rows = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
    this.outputShape = [split.splits, rows, convInfo.outChannels];
    const vec4Rows = convInfo.inChannels % 4 === 0;
    const vec4Columns = convInfo.outChannels % 4 === 0;
    this.outputComponent = vec4Columns ? 4 : 1;
    this.variableComponents = [vec4Rows ? 4 : 1, vec4Columns ? 4 : 1];
    this.dispatch = gemmDispatch(rows, convInfo.outChannels, split);
    this.shaderKey = `modelLabConv2DFilterGrad_${vec4Rows}_${vec4Columns}`;
  }

  getUserCode(): string {
    const vec4Columns = this.outputComponent === 4;
    // B[k, co] = dy[k, co]: dy is [n, i, j, co] with co innermost, so k is its flat pixel index.
    const loadB = vec4Columns
      ? `if (k >= kEnd || loadCol >= uniforms.nSize) { return vec4<f32>(0.0); }
         return dy[(k * uniforms.nSize + loadCol) / 4];`
      : `var value = vec4<f32>(0.0);
         if (k >= kEnd) { return value; }
         for (var j = 0; j < 4; j = j + 1) {
           if (loadCol + j < uniforms.nSize) { value[j] = dy[k * uniforms.nSize + loadCol + j]; }
         }
         return value;`;
    return `
    ${imageTapLoaderSource('x', this.variableComponents[0] === 4)}
    var<private> loadCol : i32;

    fn prepareLoads(row : i32, col : i32) {
      prepareTaps(row);
      loadCol = col;
    }

    // A[k, m]: the input pixel that output pixel k = (n, i, j) sees through filter tap m.
    fn loadA(k : i32, kEnd : i32) -> vec4<f32> {
      if (k >= kEnd) { return vec4<f32>(0.0); }
      let n = k / (uniforms.outSize.x * uniforms.outSize.y);
      let pixel = k - n * uniforms.outSize.x * uniforms.outSize.y;
      let i = pixel / uniforms.outSize.y;
      let j = pixel - i * uniforms.outSize.y;
      return readTaps(n, i * uniforms.strides.x - uniforms.pads.x, j * uniforms.strides.y - uniforms.pads.y);
    }

    fn loadB(k : i32, kEnd : i32) -> vec4<f32> {
      ${loadB}
    }
    ${gemmStoreSource(vec4Columns)}
    ${gemmMainSource()}
    `;
  }
}

function conv2DBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = args.inputs as Conv2DBackpropFilterInputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const backend = args.backend as WebGPUBackend;
  if (x === undefined || dy === undefined) throw new Error('webgpu backend Conv2DBackpropFilter expects inputs x and dy.');
  requireChannelsLast('Conv2DBackpropFilter', dataFormat);
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast',
  );
  const rows = convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels;
  const kSize = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  if (rows * convInfo.outChannels === 0 || kSize === 0) return zerosTensor(backend, filterShape);

  const split = chooseGemmSplit(rows, convInfo.outChannels, kSize);
  const program = new FilterGradientProgram(convInfo, split);
  const partials = backend.runWebGPUProgram(program, [x, dy], 'float32', [
    { type: 'int32', data: [kSize] },
    { type: 'int32', data: [split.kPerSplit] },
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [convInfo.outChannels] },
    ...convUniformData(convInfo),
  ]);
  // One split wrote the gradient itself: [1, rows, co] is the filter's layout.
  if (split.splits === 1) return { dataId: partials.dataId, shape: filterShape, dtype: 'float32' };
  const sum = new SplitSumProgram(filterShape, program.outputComponent === 4);
  const gradient = backend.runWebGPUProgram(sum, [partials], 'float32', [{ type: 'int32', data: [split.splits] }]);
  backend.disposeData(partials.dataId);
  return gradient;
}

/** Conv2DBackpropFilter for the webgpu backend: a split-k implicit GEMM. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: conv2DBackpropFilter,
};
