import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { zerosTensor } from './convLoaders';

/** Threads per workgroup along channels, and along rows, of the per-channel reductions. */
const CHANNEL_LANES = 64;
const ROW_LANES = 4;
/** Workgroups the reductions aim for (see tiledGemm's TARGET_WORKGROUPS for why so many). */
const TARGET_WORKGROUPS = 512;

/** How the rows (every position but the channel) of an NHWC tensor are sliced for a per-channel reduction. */
export interface ChannelReduction {
  rows: number;
  channels: number;
  slices: number;
  rowsPerSlice: number;
}

/** Slices `rows` so that channel groups × slices reaches the target workgroup count. */
export function channelReduction(shape: readonly number[]): ChannelReduction {
  const channels = shape[shape.length - 1] ?? 1;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const groups = Math.ceil(channels / CHANNEL_LANES);
  const slices = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / groups), Math.ceil(rows / (ROW_LANES * 8))));
  const rowsPerSlice = Math.ceil(rows / slices);
  return { rows, channels, slices: Math.ceil(rows / rowsPerSlice), rowsPerSlice };
}

/**
 * Two sums per channel over a slice of rows, written [slices, 2, channels]: each thread
 * walks its channel down every fourth row of the slice, the four row lanes meet in
 * workgroup memory. `terms` is WGSL defining `first` and `second` (the summands) from the
 * row `p` and channel `c`, after `prologue` (per thread, once).
 */
export class ChannelSumsProgram implements WebGPUProgram {
  uniforms = 'rows : i32, channels : i32, rowsPerSlice : i32, epsilon : f32,';
  workgroupSize: [number, number, number] = [CHANNEL_LANES, ROW_LANES, 1];
  outputShape: number[];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];

  constructor(
    reduction: ChannelReduction,
    readonly variableNames: string[],
    readonly shaderKey: string,
    private readonly prologue: string,
    private readonly terms: string,
  ) {
    this.outputShape = [reduction.slices * 2 * reduction.channels];
    this.dispatch = [Math.ceil(reduction.channels / CHANNEL_LANES), reduction.slices, 1];
  }

  getUserCode(): string {
    const lanes = CHANNEL_LANES * ROW_LANES;
    return `
    var<workgroup> firstSums : array<f32, ${lanes}>;
    var<workgroup> secondSums : array<f32, ${lanes}>;

    fn main(index : i32) {
      let lane = i32(localId.x);
      let rowLane = i32(localId.y);
      let c = i32(workgroupId.x) * ${CHANNEL_LANES} + lane;
      let slice = i32(workgroupId.y);
      let start = slice * uniforms.rowsPerSlice;
      let end = min(start + uniforms.rowsPerSlice, uniforms.rows);
      var a = 0.0;
      var b = 0.0;
      if (c < uniforms.channels) {
        ${this.prologue}
        for (var p = start + rowLane; p < end; p = p + ${ROW_LANES}) {
          ${this.terms}
          a = a + first;
          b = b + second;
        }
      }
      firstSums[rowLane * ${CHANNEL_LANES} + lane] = a;
      secondSums[rowLane * ${CHANNEL_LANES} + lane] = b;
      workgroupBarrier();
      if (rowLane == 0 && c < uniforms.channels) {
        var sa = 0.0;
        var sb = 0.0;
        for (var r = 0; r < ${ROW_LANES}; r = r + 1) {
          sa = sa + firstSums[r * ${CHANNEL_LANES} + lane];
          sb = sb + secondSums[r * ${CHANNEL_LANES} + lane];
        }
        result[(slice * 2) * uniforms.channels + c] = sa;
        result[(slice * 2 + 1) * uniforms.channels + c] = sb;
      }
    }`;
  }
}

/** Runs a `ChannelSumsProgram` and returns its [slices, 2, channels] partial sums. */
export function runChannelSums(backend: WebGPUBackend, program: ChannelSumsProgram, inputs: TensorInfo[], reduction: ChannelReduction, epsilon: number): TensorInfo {
  return backend.runWebGPUProgram(program, inputs, 'float32', [
    { type: 'int32', data: [reduction.rows] },
    { type: 'int32', data: [reduction.channels] },
    { type: 'int32', data: [reduction.rowsPerSlice] },
    { type: 'float32', data: [epsilon] },
  ]);
}

/**
 * An element-wise pass over an NHWC tensor seen flat, with per-channel inputs indexed by
 * the channel: vec4 when channels are a multiple of 4. `body` is WGSL assigning `value`
 * for element `index`, channel (quad) `c`.
 */
export class ChannelwiseProgram implements WebGPUProgram {
  uniforms = 'channels : i32, epsilon : f32, count : f32,';
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  outputShape: number[];
  outputComponent: number;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(shape: readonly number[], readonly variableNames: string[], key: string, private readonly body: string) {
    const size = shape.reduce((a, b) => a * b, 1);
    this.outputShape = [size];
    this.outputComponent = (shape[shape.length - 1] ?? 1) % 4 === 0 ? 4 : 1;
    this.dispatch = [Math.ceil(size / this.outputComponent / 64), 1, 1];
    this.shaderKey = `${key}_${this.outputComponent}`;
  }

  getUserCode(): string {
    const type = this.outputComponent === 4 ? 'vec4<f32>' : 'f32';
    return `
    fn main(index : i32) {
      if (index >= uniforms.size) { return; }
      let c = index % uniforms.channels;
      var value : ${type};
      ${this.body}
      result[index] = value;
    }`;
  }
}

/** Runs a `ChannelwiseProgram` and returns its result shaped as `shape`. */
export function runChannelwise(backend: WebGPUBackend, program: ChannelwiseProgram, inputs: TensorInfo[], shape: number[], epsilon: number, count: number): TensorInfo {
  const channels = (shape[shape.length - 1] ?? 1) / program.outputComponent;
  const out = backend.runWebGPUProgram(program, inputs, 'float32', [
    { type: 'int32', data: [channels] },
    { type: 'float32', data: [epsilon] },
    { type: 'float32', data: [count] },
  ]);
  return { dataId: out.dataId, shape, dtype: 'float32' };
}

/** A float32 tensor of `shape` whose data the caller fills on the GPU. */
export function emptyTensor(backend: WebGPUBackend, shape: number[]): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32');
}

/**
 * WGSL for an in-place update (`./inPlaceUpdate.ts`) adding up a `ChannelSumsProgram`'s
 * partial sums, bound as `partials`, into `first` and `second` for channel (quad) `i`.
 */
export const SUM_PARTIALS = `
    var first = T(0.0);
    var second = T(0.0);
    for (var s = 0; s < i32(u.slices); s = s + 1) {
      first = first + partials[(2 * s) * u.size + i];
      second = second + partials[(2 * s + 1) * u.size + i];
    }`;

/** Zeros for the three results of a batch-norm kernel over an empty tensor: one of `shape`, two per channel. */
export function emptyBatchNormResults(backend: WebGPUBackend, shape: number[]): TensorInfo[] {
  const channels = [shape[shape.length - 1] ?? 0];
  return [zerosTensor(backend, shape), zerosTensor(backend, channels), zerosTensor(backend, channels)];
}
