import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropFilterInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { convUniformData, convUniforms, zerosTensor } from './convLoaders';
import { sumSplits } from './tiledGemm';

/** Threads of a workgroup along the gradient's channels, and along output pixels. */
const CHANNEL_LANES = 64;
const PIXEL_LANES = 4;
/** Workgroups to aim for (see tiledGemm's TARGET_WORKGROUPS for why so many). */
const TARGET_WORKGROUPS = 512;

/**
 * dW[a, b, c, m] = Σ over n, i, j of x[n, i·s − top + a·d, j·s − left + b·d, c] · dy[n, i, j, c·M + m].
 * tfjs 4.22 gives each filter element one thread that walks every output pixel of the batch
 * alone, and its shader leaves the dilation out (dilated layers got wrong gradients). Here
 * workgroup z is the tap (a, b), x the channels c·M + m (dy's innermost, read coalesced), y
 * a slice of the output pixels; four lanes per channel share a slice and meet in workgroup
 * memory, and the slices' partial sums are added by a second pass.
 */
class DepthwiseFilterGradientProgram implements WebGPUProgram {
  variableNames = ['x', 'dy'];
  uniforms = `pixels : i32, pixelsPerSlice : i32, channels : i32, channelMultiplier : i32, ${convUniforms}`;
  workgroupSize: [number, number, number] = [CHANNEL_LANES, PIXEL_LANES, 1];
  outputShape: number[];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  shaderKey = 'modelLabDepthwiseFilterGrad';

  constructor(taps: number, channels: number, slices: number) {
    this.outputShape = [slices * taps * channels];
    this.dispatch = [Math.ceil(channels / CHANNEL_LANES), slices, taps];
  }

  getUserCode(): string {
    return `
    var<workgroup> sums : array<f32, ${CHANNEL_LANES * PIXEL_LANES}>;

    fn main(index : i32) {
      let lane = i32(localId.x);
      let pixelLane = i32(localId.y);
      let q = i32(workgroupId.x) * ${CHANNEL_LANES} + lane;
      let slice = i32(workgroupId.y);
      let tap = i32(workgroupId.z);
      let rowOffset = (tap / uniforms.filterSize.y) * uniforms.dilations.x - uniforms.pads.x;
      let colOffset = (tap % uniforms.filterSize.y) * uniforms.dilations.y - uniforms.pads.y;
      let c = q / uniforms.channelMultiplier;
      let start = slice * uniforms.pixelsPerSlice;
      let end = min(start + uniforms.pixelsPerSlice, uniforms.pixels);
      let outPixels = uniforms.outSize.x * uniforms.outSize.y;
      var acc = 0.0;
      if (q < uniforms.channels) {
        for (var k = start + pixelLane; k < end; k = k + ${PIXEL_LANES}) {
          let n = k / outPixels;
          let pixel = k - n * outPixels;
          let i = pixel / uniforms.outSize.y;
          let r = i * uniforms.strides.x + rowOffset;
          let col = (pixel - i * uniforms.outSize.y) * uniforms.strides.y + colOffset;
          if (r >= 0 && r < uniforms.inSize.x && col >= 0 && col < uniforms.inSize.y) {
            acc = acc + x[((n * uniforms.inSize.x + r) * uniforms.inSize.y + col) * uniforms.inChannels + c] * dy[k * uniforms.channels + q];
          }
        }
      }
      sums[pixelLane * ${CHANNEL_LANES} + lane] = acc;
      workgroupBarrier();
      if (pixelLane == 0 && q < uniforms.channels) {
        var total = 0.0;
        for (var p = 0; p < ${PIXEL_LANES}; p = p + 1) { total = total + sums[p * ${CHANNEL_LANES} + lane]; }
        let taps = uniforms.filterSize.x * uniforms.filterSize.y;
        result[(slice * taps + tap) * uniforms.channels + q] = total;
      }
    }`;
  }
}

function depthwiseConv2dNativeBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = args.inputs as DepthwiseConv2dNativeBackpropFilterInputs;
  const { strides, dilations, pad, dimRoundingMode, filterShape } = args.attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const backend = args.backend as WebGPUBackend;
  if (x === undefined || dy === undefined) throw new Error('webgpu backend DepthwiseConv2dNativeBackpropFilter expects inputs x and dy.');
  const convInfo = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  const taps = convInfo.filterHeight * convInfo.filterWidth;
  const channels = convInfo.outChannels;
  const pixels = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth;
  if (taps * channels === 0 || pixels === 0) return zerosTensor(backend, filterShape);
  const groups = Math.ceil(channels / CHANNEL_LANES) * taps;
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / groups), Math.ceil(pixels / (PIXEL_LANES * 8))));
  const pixelsPerSlice = Math.ceil(pixels / wanted);
  const slices = Math.ceil(pixels / pixelsPerSlice);
  const partials = backend.runWebGPUProgram(new DepthwiseFilterGradientProgram(taps, channels, slices), [x, dy], 'float32', [
    { type: 'int32', data: [pixels] },
    { type: 'int32', data: [pixelsPerSlice] },
    { type: 'int32', data: [channels] },
    { type: 'int32', data: [channels / convInfo.inChannels] },
    ...convUniformData(convInfo),
  ]);
  return sumSplits(backend, partials, slices, filterShape, false);
}

/** DepthwiseConv2dNativeBackpropFilter for the webgpu backend: taps × channels × slices of the batch, then the slices summed. */
export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'webgpu',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
