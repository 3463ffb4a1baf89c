import { z } from 'zod';
import type { Preprocessing } from './preprocessing';

/**
 * The input preprocessing a pretrained base expects, as `keras.applications.<module>.preprocess_input`
 * applies it to 0–255 RGB pixels (`imagenet_utils.preprocess_input(x, mode=...)`):
 *
 * - `caffe` (VGG16, VGG19, ResNet50): RGB → BGR, then the ImageNet mean of each channel is
 *   subtracted, without scaling.
 * - `tf` (InceptionV3, MobileNetV2): `x / 127.5 - 1`, values in [-1, 1].
 *
 * A model carries it in its graph's metadata (`inputPreprocessing`), so training,
 * evaluation, prediction and every export apply and record the same transformation.
 */

/** The `keras.applications` modules whose bases Model Lab builds, with their `preprocess_input` mode. */
export const BASE_PREPROCESSING_MODES = {
  vgg16: 'caffe',
  vgg19: 'caffe',
  resnet50: 'caffe',
  inception_v3: 'tf',
  mobilenet_v2: 'tf',
} as const;

export const baseModuleSchema = z.enum(['vgg16', 'vgg19', 'resnet50', 'inception_v3', 'mobilenet_v2']);
export type BaseModule = z.infer<typeof baseModuleSchema>;

export const preprocessModeSchema = z.enum(['caffe', 'tf']);
export type PreprocessMode = z.infer<typeof preprocessModeSchema>;

/** A base's preprocessing: the `keras.applications` module it comes from and its mode. */
export const basePreprocessingSchema = z.object({
  module: baseModuleSchema,
  mode: preprocessModeSchema,
});
export type BasePreprocessing = z.infer<typeof basePreprocessingSchema>;

/** ImageNet channel means in BGR order, subtracted by caffe-style preprocessing (`imagenet_utils`). */
export const CAFFE_BGR_MEAN: readonly [number, number, number] = [103.939, 116.779, 123.68];

/** The preprocessing of a `keras.applications` module. */
export function basePreprocessingOf(module: BaseModule): BasePreprocessing {
  return { module, mode: BASE_PREPROCESSING_MODES[module] };
}

/**
 * How cached 0–255 pixels become the model's input: optionally reverse the channel order
 * (RGB → BGR), then `pixel * scale[c] + offset[c]` per channel (a single entry applies to
 * every channel). Both the dataset's own normalisation and a base's preprocessing are one
 * of these, so every place that feeds a model applies exactly one rule.
 */
export interface PixelTransform {
  reverseChannels: boolean;
  scale: readonly number[];
  offset: readonly number[];
}

/**
 * The pixel transform of a model input: the base's preprocessing when the model declares
 * one, otherwise the dataset's `pixel * scale + offset`.
 */
export function pixelTransformOf(dataset: Pick<Preprocessing, 'scale' | 'offset'>, base: BasePreprocessing | null | undefined): PixelTransform {
  if (!base) return { reverseChannels: false, scale: [dataset.scale], offset: [dataset.offset] };
  if (base.mode === 'tf') return { reverseChannels: false, scale: [1 / 127.5], offset: [-1] };
  return { reverseChannels: true, scale: [1, 1, 1], offset: CAFFE_BGR_MEAN.map((mean) => -mean) };
}

/** One line describing a base's preprocessing, for the Data and Train views, the CLI and model cards. */
export function describeBasePreprocessing(base: BasePreprocessing): string {
  return base.mode === 'caffe'
    ? `${base.module}.preprocess_input (caffe): RGB → BGR, minus the ImageNet mean [${CAFFE_BGR_MEAN.join(', ')}] (BGR) on 0–255 pixels`
    : `${base.module}.preprocess_input (tf): 0–255 pixels scaled to [-1, 1] (x / 127.5 - 1)`;
}
