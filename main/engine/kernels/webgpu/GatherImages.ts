import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * Images of a batch as the model's float input, gathered on the GPU from uint8 records kept
 * there: out[n, …] = records[slots[n]][…] · scale + offset. The records are bytes packed four
 * to an int32 (WGSL has no 8-bit storage), so a record may start mid-word.
 */
export const GatherImages = 'ModelLabGatherImages';
export interface GatherImagesInputs extends NamedTensorInfoMap {
  /** Every record's bytes, one after the other, four to an int32 (little-endian). */
  packed: TensorInfo;
  /** The record (its position in `packed`) of each image of the batch, int32. */
  slots: TensorInfo;
}
export interface GatherImagesAttrs {
  /** [height, width, channels] of one image: its record holds their product in bytes. */
  imageShape: [number, number, number];
  scale: number;
  offset: number;
}

const THREADS = 64;
/** A dispatch dimension holds at most 65,535 workgroups; larger batches continue along y. */
const WORKGROUPS_PER_DIMENSION = 65535;

class GatherImagesProgram implements WebGPUProgram {
  variableNames = ['packed', 'slots'];
  uniforms = 'recordBytes : i32, scale : f32, offset : f32,';
  workgroupSize: [number, number, number] = [THREADS, 1, 1];
  size = true;
  outputShape: number[];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey = 'modelLabGatherImages';

  constructor(outputShape: number[]) {
    this.outputShape = outputShape;
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    const groups = Math.ceil(outputShape.reduce((a, b) => a * b, 1) / THREADS);
    this.dispatch = [Math.min(groups, WORKGROUPS_PER_DIMENSION), Math.ceil(groups / WORKGROUPS_PER_DIMENSION), 1];
  }

  getUserCode(): string {
    return `
    fn main(index : i32) {
      if (index >= uniforms.size) { return; }
      let image = index / uniforms.recordBytes;
      let byteIndex = slots[image] * uniforms.recordBytes + (index - image * uniforms.recordBytes);
      let word = packed[byteIndex / 4];
      let byte = (word >> u32((byteIndex % 4) * 8)) & 255;
      result[index] = f32(byte) * uniforms.scale + uniforms.offset;
    }`;
  }
}

function gatherImages(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { packed, slots } = args.inputs as GatherImagesInputs;
  const { imageShape, scale, offset } = args.attrs as unknown as GatherImagesAttrs;
  if (packed === undefined || slots === undefined) throw new Error('webgpu backend ModelLabGatherImages expects inputs packed and slots.');
  const backend = args.backend as WebGPUBackend;
  const recordBytes = imageShape[0] * imageShape[1] * imageShape[2];
  const program = new GatherImagesProgram([slots.shape[0] ?? 0, ...imageShape]);
  return backend.runWebGPUProgram(program, [packed, slots], 'float32', [
    { type: 'int32', data: [recordBytes] },
    { type: 'float32', data: [scale] },
    { type: 'float32', data: [offset] },
  ]);
}

/** ModelLabGatherImages for the webgpu backend (`../../train/deviceImages.ts` uses it). */
export const gatherImagesConfig: KernelConfig = {
  kernelName: GatherImages,
  backendName: 'webgpu',
  kernelFunc: gatherImages,
};
