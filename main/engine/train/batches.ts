import type * as tfjs from '@tensorflow/tfjs';
import type { PixelTransform } from '../../../common/data/basePreprocessing';
import type { DatasetCache } from '../../data/datasetCache';
import type { Tfjs as TfModule } from '../backend';

/** One batch as read from the cache, before it becomes tensors. */
export interface RawBatch {
  indices: Int32Array;
  pixels: Uint8Array;
  labels: Int32Array;
}

/** Reads the pixels and labels of `indices` from the cache. */
export async function readBatch(cache: DatasetCache, indices: Int32Array): Promise<RawBatch> {
  const pixels = await cache.readImages(indices);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) labels[i] = cache.labels[indices[i] as number] as number;
  return { indices, pixels, labels };
}

/** Training splits up to this many bytes of pixels are read into memory once per run (256 MiB). */
export const RESIDENT_SPLIT_BYTES = 256 * 1024 * 1024;

/**
 * `cache` with the records of `indices` held in memory: read from disk once, in index
 * order (consecutive records in one read), then every batch drawn from them is a copy in
 * memory instead of one disk read per record. A shuffled batch of 64 costs 64 reads
 * otherwise, each a round trip through Node's thread pool, which on a busy machine hands
 * the training process's time slice to others. Records outside `indices` still come from
 * disk. Splits over `maxBytes` are not held (the cache is returned as it is), so a dataset
 * larger than memory still streams (DESIGN.md principle 7).
 */
export async function withResidentRecords(cache: DatasetCache, indices: Int32Array, maxBytes = RESIDENT_SPLIT_BYTES): Promise<DatasetCache> {
  const [height, width, channels] = cache.info.imageShape;
  const recordBytes = height * width * channels;
  if (indices.length === 0 || indices.length * recordBytes > maxBytes) return cache;
  const sorted = Int32Array.from(indices).sort();
  const pixels = await cache.readImages(sorted);
  const slots = new Map<number, number>();
  sorted.forEach((record, slot) => slots.set(record, slot));
  return {
    info: cache.info,
    labels: cache.labels,
    indices: (split) => cache.indices(split),
    async readImages(wanted) {
      const out = new Uint8Array(wanted.length * recordBytes);
      for (let i = 0; i < wanted.length; i++) {
        const slot = slots.get(wanted[i] as number);
        if (slot === undefined) return cache.readImages(wanted);
        out.set(pixels.subarray(slot * recordBytes, (slot + 1) * recordBytes), i * recordBytes);
      }
      return out;
    },
    dispose: () => cache.dispose(),
  };
}

/**
 * Yields the batches of `order` in turn, reading the next one from disk while the
 * caller trains on the current one (a prefetch of one batch, as tf.data's prefetch(1)).
 */
export async function* prefetchBatches(cache: DatasetCache, order: Int32Array, batchSize: number, startBatch = 0): AsyncGenerator<RawBatch> {
  const count = Math.ceil(order.length / batchSize);
  const slice = (b: number): Int32Array => order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
  let pending: Promise<RawBatch> | null = startBatch < count ? readBatch(cache, slice(startBatch)) : null;
  for (let b = startBatch; b < count; b++) {
    const current = await (pending as Promise<RawBatch>);
    pending = b + 1 < count ? readBatch(cache, slice(b + 1)) : null;
    // Keeps an unawaited read from surfacing as an unhandled rejection if the loop stops early.
    pending?.catch(() => undefined);
    yield current;
  }
}

/** A per-channel factor as a scalar when every channel shares it, else a vector broadcast over the channel axis. */
function channelFactor(tf: TfModule, values: readonly number[]): number | tfjs.Tensor1D {
  return values.every((value) => value === values[0]) ? (values[0] as number) : tf.tensor1d([...values]);
}

/**
 * Turns cached uint8 pixels into the model's float input with `transform`: the channel
 * order reversed when asked (RGB → BGR for caffe-style bases), then `pixel * scale +
 * offset` per channel. `pixelTransformOf` gives the dataset's own normalisation or the
 * base model's `preprocess_input`. Call inside `tf.tidy`.
 */
export function pixelsToTensor(tf: TfModule, pixels: Uint8Array, count: number, shape: readonly [number, number, number], transform: PixelTransform): tfjs.Tensor4D {
  const [height, width, channels] = shape;
  const raw = tf.tensor4d(pixels, [count, height, width, channels], 'float32');
  const ordered = transform.reverseChannels ? tf.reverse(raw, -1) : raw;
  const scale = channelFactor(tf, transform.scale);
  const scaled = scale === 1 ? ordered : tf.mul(ordered, scale);
  const offset = channelFactor(tf, transform.offset);
  return (offset === 0 ? scaled : tf.add(scaled, offset)) as tfjs.Tensor4D;
}

/**
 * A batch of NHWC images in the rank the model's input takes: [N, H, W] for a model whose
 * input is (H, W) (Keras's grayscale models, trained here on H×W×1 images), as is otherwise.
 * Call inside `tf.tidy`.
 */
export function toModelInput(tf: TfModule, images: tfjs.Tensor4D, model: Pick<tfjs.LayersModel, 'inputs'>): tfjs.Tensor {
  const rank = model.inputs[0]?.shape.length;
  const [count, height, width, channels] = images.shape;
  return rank === 3 && channels === 1 ? tf.reshape(images, [count, height, width]) : images;
}
