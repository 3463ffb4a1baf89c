import type * as tfjs from '@tensorflow/tfjs';
import type { FeatureMaps } from '../../common/training/featureMaps';
import { LabError } from '../../common/errors';
import type { DatasetCache } from '../data/datasetCache';
import type { Tfjs } from './backend';
import { pngDataUrl } from './evaluate';
import { pixelsToTensor, toModelInput } from './train/batches';
import { pixelTransformOf, type BasePreprocessing } from '../../common/data/basePreprocessing';

/** TF.js class names of the layers whose outputs are shown as feature maps. */
const CONV_CLASS_NAMES = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose']);

/** Scales one channel of an NHWC activation to 0..255 (a constant channel becomes mid-grey). */
function channelBytes(values: Float32Array | Int32Array | Uint8Array, height: number, width: number, channels: number, channel: number): Uint8Array {
  const bytes = new Uint8Array(height * width);
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < height * width; i++) {
    const value = values[i * channels + channel] as number;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const range = high - low;
  for (let i = 0; i < height * width; i++) {
    const value = values[i * channels + channel] as number;
    bytes[i] = range > 0 ? Math.round(((value - low) / range) * 255) : 128;
  }
  return bytes;
}

/**
 * The activations of every convolution layer for one cached image: a sub-model from the
 * model's input to each convolution's output runs once, and the first `maxChannels`
 * channels of each output become grayscale PNGs (each channel scaled to its own range).
 *
 * A model without convolutions gives an empty layer list.
 *
 * @throws LabError `API_BAD_INPUT` when `record` is outside the cache.
 */
export async function computeFeatureMaps(tf: Tfjs, model: tfjs.LayersModel, cache: DatasetCache, record: number, maxChannels: number, basePreprocessing?: BasePreprocessing): Promise<FeatureMaps> {
  if (record < 0 || record >= cache.labels.length) {
    throw new LabError('API_BAD_INPUT', `Expected a record index in [0, ${cache.labels.length - 1}]. Received: record=${record}`, { field: 'record' });
  }
  const [height, width, channels] = cache.info.imageShape;
  const pixels = await cache.readImages([record]);
  const image = await pngDataUrl(pixels, height, width, channels);
  const convLayers = model.layers.filter((layer) => CONV_CLASS_NAMES.has(layer.getClassName()));
  if (convLayers.length === 0) return { record, image, label: cache.info.classes[cache.labels[record] as number] ?? '', layers: [] };
  const outputs = convLayers.map((layer) => layer.output as tfjs.SymbolicTensor);
  const probe = tf.model({ inputs: model.inputs, outputs });
  const input = tf.tidy(() => toModelInput(tf, pixelsToTensor(tf, pixels, 1, cache.info.imageShape, pixelTransformOf(cache.info.preprocessing, basePreprocessing)), model));
  const predicted = probe.predict(input);
  const tensors = Array.isArray(predicted) ? predicted : [predicted];
  try {
    const layers = [];
    for (const [index, tensor] of tensors.entries()) {
      const [, h = 1, w = 1, c = 1] = tensor.shape;
      const values = await tensor.data();
      const shown = Math.min(c, maxChannels);
      const maps: string[] = [];
      for (let channel = 0; channel < shown; channel++) maps.push(await pngDataUrl(channelBytes(values, h, w, c, channel), h, w, 1));
      const layer = convLayers[index];
      layers.push({ name: layer?.name ?? `conv_${index}`, type: layer?.getClassName() ?? 'Conv2D', shape: [h, w, c] as [number, number, number], maps });
    }
    return { record, image, label: cache.info.classes[cache.labels[record] as number] ?? '', layers };
  } finally {
    tf.dispose([input, ...tensors]);
  }
}
