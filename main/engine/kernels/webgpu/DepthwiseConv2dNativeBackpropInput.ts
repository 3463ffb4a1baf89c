import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type DepthwiseConv2dNativeBackpropInputInputs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { convUniformData, convUniforms, zerosTensor } from './convLoaders';

/**
 * dx[n, r, c, ch] = Σ over a, b, m of dy[n, (r + top − a·d)/s, (c + left − b·d)/s, ch·M + m] · w[a, b, ch, m]
 * (terms whose division is not exact, or falls outside dy, are zero), one thread per element
 * of dx. tfjs 4.22's kernel has the same shape but leaves the dilation out, so dilated
 * depthwise layers got wrong gradients on webgpu.
 */
class DepthwiseInputGradientProgram implements WebGPUProgram {
  variableNames = ['dy', 'w'];
  uniforms = `channelMultiplier : i32, ${convUniforms}`;
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  outputShape: number[];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey = 'modelLabDepthwiseInputGrad';

  constructor(inputShape: number[]) {
    this.outputShape = inputShape;
    this.dispatchLayout = { x: inputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(inputShape.reduce((a, b) => a * b, 1) / 64), 1, 1];
  }

  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index >= uniforms.size) { return; }
      let coords = getCoordsFromIndex(index);
      let n = coords[0];
      let ch = coords[3];
      let multiplier = uniforms.channelMultiplier;
      let dyChannels = uniforms.inChannels * multiplier;
      var acc = 0.0;
      for (var a = 0; a < uniforms.filterSize.x; a = a + 1) {
        let rs = coords[1] + uniforms.pads.x - a * uniforms.dilations.x;
        if (rs < 0 || rs % uniforms.strides.x != 0) { continue; }
        let i = rs / uniforms.strides.x;
        if (i >= uniforms.outSize.x) { continue; }
        for (var b = 0; b < uniforms.filterSize.y; b = b + 1) {
          let cs = coords[2] + uniforms.pads.y - b * uniforms.dilations.y;
          if (cs < 0 || cs % uniforms.strides.y != 0) { continue; }
          let j = cs / uniforms.strides.y;
          if (j >= uniforms.outSize.y) { continue; }
          let dyBase = ((n * uniforms.outSize.x + i) * uniforms.outSize.y + j) * dyChannels + ch * multiplier;
          let wBase = ((a * uniforms.filterSize.y + b) * uniforms.inChannels + ch) * multiplier;
          for (var m = 0; m < multiplier; m = m + 1) {
            acc = acc + dy[dyBase + m] * w[wBase + m];
          }
        }
      }
      result[index] = acc;
    }`;
  }
}

function depthwiseConv2dNativeBackpropInput(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, filter } = args.inputs as DepthwiseConv2dNativeBackpropInputInputs;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const backend = args.backend as WebGPUBackend;
  if (dy === undefined || filter === undefined) throw new Error('webgpu backend DepthwiseConv2dNativeBackpropInput expects inputs dy and filter.');
  const filterShape = filter.shape as [number, number, number, number];
  const convInfo = backend_util.computeConv2DInfo(inputShape, filterShape, strides, dilations, pad, dimRoundingMode, true);
  if (inputShape.reduce((a, b) => a * b, 1) === 0 || dy.shape.reduce((a, b) => a * b, 1) === 0) return zerosTensor(backend, inputShape);
  return backend.runWebGPUProgram(new DepthwiseInputGradientProgram(inputShape), [dy, filter], 'float32', [
    { type: 'int32', data: [filterShape[3]] },
    ...convUniformData(convInfo),
  ]);
}

/** DepthwiseConv2dNativeBackpropInput for the webgpu backend, dilation included. */
export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'webgpu',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
