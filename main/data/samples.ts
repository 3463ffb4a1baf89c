import sharp from 'sharp';
import type { Tensor4D } from '@tensorflow/tfjs';
import type { SampleGrid } from '../../common/api/methods/datasets';
import type { AugmentationOptions } from '../../common/data/augmentation';
import { LabError } from '../../common/errors';
import type { DatasetCache, DatasetSplit } from './datasetCache';
import { augmentBatch } from './augment';

/**
 * Encodes one HWC uint8 image as a PNG data URL. Images smaller than `minSize` are
 * enlarged by a whole factor without smoothing, so pixels stay visible as squares.
 */
export async function pngDataUrl(pixels: Uint8Array, height: number, width: number, channels: number, minSize = 0): Promise<string> {
  const factor = Math.max(1, Math.ceil(minSize / Math.max(height, width)));
  let image = sharp(pixels, { raw: { width, height, channels: channels as 1 | 3 | 4 } });
  if (factor > 1) image = image.resize(width * factor, height * factor, { kernel: 'nearest' });
  const png = await image.png({ compressionLevel: 6 }).toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** The first `perClass` examples of each class in `split`, as PNG thumbnails. */
export async function buildSampleGrid(cache: DatasetCache, split: DatasetSplit, perClass: number, minSize: number): Promise<SampleGrid> {
  const [height, width, channels] = cache.info.imageShape;
  const picked: number[][] = cache.info.classes.map(() => []);
  for (const index of cache.indices(split)) {
    const members = picked[cache.labels[index]!]!;
    if (members.length < perClass) members.push(index);
  }
  const all = picked.flat();
  const pixels = await cache.readImages(all);
  const bytes = height * width * channels;
  const urls = await Promise.all(all.map((_, k) => pngDataUrl(pixels.subarray(k * bytes, (k + 1) * bytes), height, width, channels, minSize)));
  let offset = 0;
  return {
    classes: cache.info.classes.map((name, index) => {
      const records = picked[index]!;
      const images = urls.slice(offset, offset + records.length);
      offset += records.length;
      return { name, index, records, images };
    }),
  };
}

/**
 * `count` augmented variants of one record, made by the same `augmentBatch` training
 * uses (on tfjs's pure JavaScript backend, in this process).
 *
 * @throws LabError `API_BAD_INPUT` when `record` is out of range.
 */
export async function previewAugmentation(cache: DatasetCache, record: number, count: number, options: AugmentationOptions, seed: number, minSize: number): Promise<{ original: string; images: string[] }> {
  const total = cache.labels.length;
  if (record >= total) throw new LabError('API_BAD_INPUT', `Expected a record index in [0, ${total}). Received: record=${record}`, { field: 'record', received: record });
  const [height, width, channels] = cache.info.imageShape;
  const pixels = await cache.readImages([record]);
  const tf = await import('@tensorflow/tfjs');
  // Another part of the process may have registered a backend that still initialises.
  await tf.ready();
  const variants = tf.tidy(() => {
    const image = tf.tensor4d(pixels, [1, height, width, channels], 'int32').toFloat().div(255) as Tensor4D;
    const batch = tf.tile(image, [count, 1, 1, 1]) as Tensor4D;
    return augmentBatch(tf, batch, options, seed).mul(255).round().clipByValue(0, 255).cast('int32');
  });
  const data = Uint8Array.from(await variants.data());
  variants.dispose();
  const bytes = height * width * channels;
  const images = await Promise.all(Array.from({ length: count }, (_, k) => pngDataUrl(data.subarray(k * bytes, (k + 1) * bytes), height, width, channels, minSize)));
  return { original: await pngDataUrl(pixels, height, width, channels, minSize), images };
}
