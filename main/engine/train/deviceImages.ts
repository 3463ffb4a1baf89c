import type * as tfjs from '@tensorflow/tfjs';
import { getKernel, type NamedAttrMap } from '@tensorflow/tfjs-core';
import type { PixelTransform } from '../../../common/data/basePreprocessing';
import type { DatasetCache } from '../../data/datasetCache';
import type { Tfjs as TfModule } from '../backend';
import { GatherImages, type GatherImagesAttrs } from '../kernels/webgpu/GatherImages';
import { RESIDENT_SPLIT_BYTES } from './batches';

/** The training split's images held on the GPU for a run, drawn into batches there. */
export interface DeviceImages {
  /** The images of `indices` (records of the split) as the model's float input. Call inside `tf.tidy`. */
  batch(indices: Int32Array): tfjs.Tensor4D;
  dispose(): void;
}

/**
 * Uploads the uint8 records of `indices` to the GPU once, so that a training step uploads
 * only the batch's record numbers: uploading each batch as float32 (four bytes a pixel,
 * through a staging buffer created for it) cost more than the step's arithmetic on a fast
 * GPU. Only on the webgpu backend with the engine's kernels, for a transform of one scale
 * and one offset (a pretrained base's per-channel or BGR preprocessing is applied as before),
 * and for splits up to RESIDENT_SPLIT_BYTES that one storage binding of the device can hold;
 * undefined otherwise, and batches are uploaded as before.
 */
export async function deviceResidentImages(tf: TfModule, cache: DatasetCache, indices: Int32Array, transform: PixelTransform, maxBytes = RESIDENT_SPLIT_BYTES): Promise<DeviceImages | undefined> {
  if (tf.getBackend() !== 'webgpu' || getKernel(GatherImages, 'webgpu') === undefined || indices.length === 0) return undefined;
  const [scale, offset] = [transform.scale[0], transform.offset[0]];
  if (transform.reverseChannels || transform.scale.length !== 1 || transform.offset.length !== 1 || scale === undefined || offset === undefined) return undefined;
  const imageShape = cache.info.imageShape;
  const recordBytes = imageShape[0] * imageShape[1] * imageShape[2];
  const bytes = indices.length * recordBytes;
  const device = (tf.backend() as unknown as { device?: { limits: { maxStorageBufferBindingSize: number } } }).device;
  if (device === undefined || bytes > Math.min(maxBytes, device.limits.maxStorageBufferBindingSize)) return undefined;

  const sorted = Int32Array.from(indices).sort();
  const records = await cache.readImages(sorted);
  // Whole int32 words: the last record may end mid-word.
  const padded = new Uint8Array(Math.ceil(bytes / 4) * 4);
  padded.set(records);
  const packed = tf.tensor1d(new Int32Array(padded.buffer), 'int32');
  const slotOf = new Map<number, number>();
  sorted.forEach((record, slot) => slotOf.set(record, slot));
  const attrs: GatherImagesAttrs = { imageShape: [imageShape[0], imageShape[1], imageShape[2]], scale, offset };

  return {
    batch(wanted) {
      const slots = new Int32Array(wanted.length);
      for (let i = 0; i < wanted.length; i++) {
        const slot = slotOf.get(wanted[i] as number);
        if (slot === undefined) throw new Error(`Expected record ${wanted[i]} among the ${indices.length} held on the GPU. Received: a record outside the training split`);
        slots[i] = slot;
      }
      const slotTensor = tf.tensor1d(slots, 'int32');
      return tf.engine().runKernel(GatherImages, { packed, slots: slotTensor }, attrs as unknown as NamedAttrMap) as tfjs.Tensor4D;
    },
    dispose: () => packed.dispose(),
  };
}
