import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/**
 * WGSL uniforms describing a 2D convolution (NHWC), shared by the convolution GEMMs. Pairs
 * are (height, width).
 */
export const convUniforms = 'pads : vec2<i32>, strides : vec2<i32>, dilations : vec2<i32>, filterSize : vec2<i32>, inSize : vec2<i32>, outSize : vec2<i32>, inChannels : i32,';

/** The values of `convUniforms`, in order. */
export function convUniformData(convInfo: backend_util.Conv2DInfo): Array<{ type: string; data: number[] }> {
  return [
    { type: 'int32', data: [convInfo.padInfo.top, convInfo.padInfo.left] },
    { type: 'int32', data: [convInfo.strideHeight, convInfo.strideWidth] },
    { type: 'int32', data: [convInfo.dilationHeight, convInfo.dilationWidth] },
    { type: 'int32', data: [convInfo.filterHeight, convInfo.filterWidth] },
    { type: 'int32', data: [convInfo.inHeight, convInfo.inWidth] },
    { type: 'int32', data: [convInfo.outHeight, convInfo.outWidth] },
    { type: 'int32', data: [convInfo.inChannels] },
  ];
}

/**
 * WGSL reading four consecutive rows m..m+3 of an im2col matrix of `image` (NHWC), where
 * row m = (a, b, ci) is filter tap (a, b) on input channel ci:
 *   fn prepareTaps(row: i32)   decodes the thread's four rows once
 *   fn readTaps(n: i32, top: i32, left: i32) -> vec4<f32>   the four values for the output
 *     pixel whose receptive field starts at (top, left) of image n; zero in the padding
 * With `vec4Channels` (inChannels a multiple of 4) the four rows are four channels of one
 * tap, read as one vec4; otherwise each row is decoded and read on its own.
 */
export function imageTapLoaderSource(image: string, vec4Channels: boolean): string {
  const read = vec4Channels
    ? `let r = top + tapRow.x;
       let c = left + tapCol.x;
       if (!tapValid.x || r < 0 || r >= uniforms.inSize.x || c < 0 || c >= uniforms.inSize.y) { return vec4<f32>(0.0); }
       return ${image}[(((n * uniforms.inSize.x + r) * uniforms.inSize.y + c) * uniforms.inChannels + tapChannel.x) / 4];`
    : `var value = vec4<f32>(0.0);
       for (var t = 0; t < 4; t = t + 1) {
         let r = top + tapRow[t];
         let c = left + tapCol[t];
         if (tapValid[t] && r >= 0 && r < uniforms.inSize.x && c >= 0 && c < uniforms.inSize.y) {
           value[t] = ${image}[((n * uniforms.inSize.x + r) * uniforms.inSize.y + c) * uniforms.inChannels + tapChannel[t]];
         }
       }
       return value;`;
  return `
    var<private> tapRow : vec4<i32>;
    var<private> tapCol : vec4<i32>;
    var<private> tapChannel : vec4<i32>;
    var<private> tapValid : vec4<bool>;

    fn prepareTaps(row : i32) {
      for (var t = 0; t < 4; t = t + 1) {
        let m = row + t;
        let tap = m / uniforms.inChannels;
        let b = tap % uniforms.filterSize.y;
        tapChannel[t] = m - tap * uniforms.inChannels;
        tapRow[t] = (tap / uniforms.filterSize.y) * uniforms.dilations.x;
        tapCol[t] = b * uniforms.dilations.y;
        tapValid[t] = m < uniforms.mSize;
      }
    }

    fn readTaps(n : i32, top : i32, left : i32) -> vec4<f32> {
      ${read}
    }`;
}

/** A float32 tensor of zeros (uploaded on first use), for empty reductions. */
export function zerosTensor(backend: WebGPUBackend, shape: number[]): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1)));
}

/**
 * WGSL of `loadB` reading B[k, col..col+3] from `matrix`, a row-major [kSize, nSize]
 * tensor (dy seen as pixels × channels, or a filter as taps × filters), as one vec4 when
 * `vec4Columns` or as scalars; `loadCol` is the thread's first column.
 */
export function rowMajorColumnsLoaderSource(matrix: string, vec4Columns: boolean): string {
  const body = vec4Columns
    ? `if (k >= kEnd || loadCol >= uniforms.nSize) { return vec4<f32>(0.0); }
       return ${matrix}[(k * uniforms.nSize + loadCol) / 4];`
    : `var value = vec4<f32>(0.0);
       if (k >= kEnd) { return value; }
       for (var j = 0; j < 4; j = j + 1) {
         if (loadCol + j < uniforms.nSize) { value[j] = ${matrix}[k * uniforms.nSize + loadCol + j]; }
       }
       return value;`;
  return `
    var<private> loadCol : i32;

    fn loadB(k : i32, kEnd : i32) -> vec4<f32> {
      ${body}
    }`;
}

/**
 * WGSL splitting row `row` of a GEMM over pixels into (image, i, j) of a `size` grid
 * (uniform name of a vec2 height, width), into private `image`, `pixelRow`, `pixelCol`
 * and `rowValid` (row < mSize).
 */
export function pixelRowSource(size: string): string {
  return `
    var<private> image : i32;
    var<private> pixelRow : i32;
    var<private> pixelCol : i32;
    var<private> rowValid : bool;

    fn preparePixel(row : i32) {
      let pixels = uniforms.${size}.x * uniforms.${size}.y;
      image = row / pixels;
      let pixel = row - image * pixels;
      pixelRow = pixel / uniforms.${size}.y;
      pixelCol = pixel - pixelRow * uniforms.${size}.y;
      rowValid = row < uniforms.mSize;
    }`;
}
