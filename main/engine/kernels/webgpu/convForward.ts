import { backend_util, type Conv2DAttrs, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { pixelRowSource, rowMajorColumnsLoaderSource } from './convLoaders';
import { convGemm, ConvGemmProgram, runConvGemm, type ConvGemm } from './convGemm';
import { gemmMainSource, gemmStoreSource } from './tiledGemm';
import { runStockKernel } from './stockKernels';

/** Activations the forward convolution applies in its store, as tfjs defines them. */
const ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'v',
  relu: 'max(v, vec4<f32>(0.0))',
  relu6: 'clamp(v, vec4<f32>(0.0), vec4<f32>(6.0))',
  elu: 'select(exp(v) - vec4<f32>(1.0), v, v >= vec4<f32>(0.0))',
  sigmoid: 'vec4<f32>(1.0) / (vec4<f32>(1.0) + exp(-v))',
  leakyrelu: 'select(v * uniforms.alpha, v, v >= vec4<f32>(0.0))',
};

/**
 * y[n, i, j, co] = act(Σ over a, b, ci of x[n, i·s − top + a·d, j·s − left + b·d, ci] · w[a, b, ci, co] + bias[co])
 * as an implicit GEMM: rows are output pixels (n, i, j), columns output channels, k the
 * filter taps (a, b, ci) read four channels at a time from x (kInner) and four output
 * channels at a time from w (kOuter). Bias and activation are applied as C is stored.
 */
class ConvForwardProgram extends ConvGemmProgram {
  constructor(gemm: ConvGemm, private readonly hasBias: boolean, private readonly activation: string, leakyreluAlpha: number) {
    const vec4Channels = gemm.convInfo.inChannels % 4 === 0;
    const vec4Columns = gemm.cols % 4 === 0;
    const components = [vec4Channels ? 4 : 1, vec4Columns ? 4 : 1];
    super(
      gemm, hasBias ? ['x', 'w', 'bias'] : ['x', 'w'], hasBias ? [...components, 1] : components,
      `modelLabConv2D_${vec4Channels}_${vec4Columns}_${hasBias}_${activation}`,
      activation === 'leakyrelu' ? { fields: 'alpha : f32,', values: [{ type: 'float32', data: [leakyreluAlpha] }] } : undefined,
    );
  }

  getUserCode(): string {
    const vec4Channels = this.variableComponents[0] === 4;
    // One tap of the receptive field: k = (a, b, ci) with ci innermost.
    const readA = vec4Channels
      ? `if (!rowValid || k >= kEnd) { return vec4<f32>(0.0); }
         let tap = k / uniforms.inChannels;
         let r = top + (tap / uniforms.filterSize.y) * uniforms.dilations.x;
         let c = left + (tap % uniforms.filterSize.y) * uniforms.dilations.y;
         if (r < 0 || r >= uniforms.inSize.x || c < 0 || c >= uniforms.inSize.y) { return vec4<f32>(0.0); }
         return x[(((image * uniforms.inSize.x + r) * uniforms.inSize.y + c) * uniforms.inChannels + k - tap * uniforms.inChannels) / 4];`
      : `var value = vec4<f32>(0.0);
         if (!rowValid) { return value; }
         for (var t = 0; t < 4; t = t + 1) {
           let kt = k + t;
           let tap = kt / uniforms.inChannels;
           let r = top + (tap / uniforms.filterSize.y) * uniforms.dilations.x;
           let c = left + (tap % uniforms.filterSize.y) * uniforms.dilations.y;
           if (kt < kEnd && r >= 0 && r < uniforms.inSize.x && c >= 0 && c < uniforms.inSize.y) {
             value[t] = x[((image * uniforms.inSize.x + r) * uniforms.inSize.y + c) * uniforms.inChannels + kt - tap * uniforms.inChannels];
           }
         }
         return value;`;
    const bias = this.hasBias
      ? `for (var j = 0; j < 4; j = j + 1) { if (col + j < uniforms.nSize) { v[j] = v[j] + bias[col + j]; } }`
      : '';
    const activation = ACTIVATIONS[this.activation] ?? 'v';
    return `
    ${pixelRowSource('outSize')}
    ${rowMajorColumnsLoaderSource('w', this.outputComponent === 4)}
    var<private> top : i32;
    var<private> left : i32;

    fn prepareLoads(row : i32, col : i32) {
      preparePixel(row);
      top = pixelRow * uniforms.strides.x - uniforms.pads.x;
      left = pixelCol * uniforms.strides.y - uniforms.pads.y;
      loadCol = col;
    }

    fn loadA(k : i32, kEnd : i32) -> vec4<f32> {
      ${readA}
    }

    fn epilogue(row : i32, col : i32, value : vec4<f32>) -> vec4<f32> {
      var v = value;
      ${bias}
      return ${activation};
    }
    ${gemmStoreSource(this.outputComponent === 4, 'epilogue(row, col, value)')}
    ${gemmMainSource('kInner', 'kOuter')}
    `;
  }
}

/** What the forward kernels pass: tfjs's Conv2D attributes plus FusedConv2D's extras. */
export interface ConvForwardArgs {
  x: TensorInfo;
  filter: TensorInfo;
  bias?: TensorInfo | undefined;
  strides: Conv2DAttrs['strides'];
  pad: Conv2DAttrs['pad'];
  dataFormat: Conv2DAttrs['dataFormat'];
  dilations: Conv2DAttrs['dilations'];
  dimRoundingMode?: Conv2DAttrs['dimRoundingMode'];
  activation?: string | undefined;
  leakyreluAlpha?: number | undefined;
}

/**
 * The forward convolution of Conv2D and FusedConv2D; what it does not cover (NCHW data,
 * a bias that is not one value per filter, PReLU) runs tfjs-backend-webgpu's own `kernelName`.
 */
export function convForward(kernelName: string, args: Parameters<KernelFunc>[0], conv: ConvForwardArgs): TensorInfo | TensorInfo[] {
  const { x, filter, bias } = conv;
  const activation = conv.activation ?? 'linear';
  const filterShape = filter.shape as [number, number, number, number];
  const biasPerFilter = bias === undefined || (bias.shape.length === 1 && bias.shape[0] === filterShape[3]);
  if (conv.dataFormat !== 'NHWC' || !biasPerFilter || !(activation in ACTIVATIONS)) return runStockKernel(kernelName, args);
  const convInfo = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, conv.strides, conv.dilations, conv.pad, conv.dimRoundingMode, false, 'channelsLast',
  );
  // Rows are every output pixel of the batch: enough tiles without splitting k, and the epilogue needs whole sums.
  const gemm = convGemm(convInfo, convInfo.batchSize * convInfo.outHeight * convInfo.outWidth, convInfo.outChannels, filterShape[0] * filterShape[1] * filterShape[2], false);
  const program = (g: ConvGemm) => new ConvForwardProgram(g, bias !== undefined, activation, conv.leakyreluAlpha ?? 0.2);
  return runConvGemm(args.backend as WebGPUBackend, gemm, program, bias === undefined ? [x, filter] : [x, filter, bias], convInfo.outShape);
}
