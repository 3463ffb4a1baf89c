import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type Conv2DBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { gemmMainSource, gemmStoreSource } from './tiledGemm';
import { pixelRowSource } from './convLoaders';
import { convGemm, ConvGemmProgram, runConvGemm, type ConvGemm } from './convGemm';
import { runStockKernel } from './stockKernels';

/**
 * dx[n, i, j, ci] = Σ over a, b, co of dy[n, (i + top − a)/s, (j + left − b)/s, co] · w[a, b, ci, co]
 * (terms whose division is not exact, or falls outside dy, are zero) as an implicit GEMM:
 * rows are input pixels (n, i, j), columns input channels, k = (a, b, co). Both operands
 * are read four output channels at a time (kInner): co is innermost in dy and in w.
 */
class InputGradientProgram extends ConvGemmProgram {
  constructor(gemm: ConvGemm) {
    const vec4K = gemm.convInfo.outChannels % 4 === 0;
    super(gemm, ['dy', 'w'], [vec4K ? 4 : 1, vec4K ? 4 : 1], `modelLabConv2DInputGrad_${vec4K}_${gemm.cols % 4 === 0}`, {
      fields: 'outChannels : i32,', values: [{ type: 'int32', data: [gemm.convInfo.outChannels] }],
    });
  }

  getUserCode(): string {
    const vec4K = this.variableComponents[0] === 4;
    const readA = vec4K
      ? `if (!rowValid || k >= kEnd) { return vec4<f32>(0.0); }
         let tap = k / uniforms.outChannels;
         let p = dyPixel(tap);
         if (p < 0) { return vec4<f32>(0.0); }
         return dy[(p * uniforms.outChannels + k - tap * uniforms.outChannels) / 4];`
      : `var value = vec4<f32>(0.0);
         if (!rowValid) { return value; }
         for (var t = 0; t < 4; t = t + 1) {
           let kt = k + t;
           let tap = kt / uniforms.outChannels;
           let p = dyPixel(tap);
           if (kt < kEnd && p >= 0) { value[t] = dy[p * uniforms.outChannels + kt - tap * uniforms.outChannels]; }
         }
         return value;`;
    // w[a, b, ci, co] at k = (a, b, co): the tap's block, then this thread's input channel.
    const readB = vec4K
      ? `if (k >= kEnd || loadCol >= uniforms.nSize) { return vec4<f32>(0.0); }
         let tap = k / uniforms.outChannels;
         return w[((tap * uniforms.nSize + loadCol) * uniforms.outChannels + k - tap * uniforms.outChannels) / 4];`
      : `var value = vec4<f32>(0.0);
         if (loadCol >= uniforms.nSize) { return value; }
         for (var t = 0; t < 4; t = t + 1) {
           let kt = k + t;
           let tap = kt / uniforms.outChannels;
           if (kt < kEnd) { value[t] = w[(tap * uniforms.nSize + loadCol) * uniforms.outChannels + kt - tap * uniforms.outChannels]; }
         }
         return value;`;
    return `
    ${pixelRowSource('inSize')}
    var<private> loadCol : i32;

    fn prepareLoads(row : i32, col : i32) {
      preparePixel(row);
      loadCol = col;
    }

    // The dy pixel this thread's input pixel reaches through tap (a, b), or -1.
    fn dyPixel(tap : i32) -> i32 {
      let rs = pixelRow + uniforms.pads.x - tap / uniforms.filterSize.y;
      let cs = pixelCol + uniforms.pads.y - tap % uniforms.filterSize.y;
      if (rs < 0 || cs < 0 || rs % uniforms.strides.x != 0 || cs % uniforms.strides.y != 0) { return -1; }
      let i = rs / uniforms.strides.x;
      let j = cs / uniforms.strides.y;
      if (i >= uniforms.outSize.x || j >= uniforms.outSize.y) { return -1; }
      return (image * uniforms.outSize.x + i) * uniforms.outSize.y + j;
    }

    fn loadA(k : i32, kEnd : i32) -> vec4<f32> {
      ${readA}
    }

    fn loadB(k : i32, kEnd : i32) -> vec4<f32> {
      ${readB}
    }
    ${gemmStoreSource(this.outputComponent === 4)}
    ${gemmMainSource('kInner', 'kInner')}
    `;
  }
}

function conv2DBackpropInput(args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const { dy, filter } = args.inputs as Conv2DBackpropInputInputs;
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  if (dy === undefined || filter === undefined) throw new Error('webgpu backend Conv2DBackpropInput expects inputs dy and filter.');
  if (dataFormat !== 'NHWC') return runStockKernel(Conv2DBackpropInput, args);
  const convInfo = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast',
  );
  const rows = convInfo.batchSize * convInfo.inHeight * convInfo.inWidth;
  const gemm = convGemm(convInfo, rows, convInfo.inChannels, convInfo.filterHeight * convInfo.filterWidth * convInfo.outChannels, true);
  return runConvGemm(args.backend as WebGPUBackend, gemm, (g) => new InputGradientProgram(g), [dy, filter], inputShape);
}

/** Conv2DBackpropInput for the webgpu backend: an implicit GEMM over input pixels × input channels. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'webgpu',
  kernelFunc: conv2DBackpropInput,
};
