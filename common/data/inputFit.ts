import type { BasePreprocessing } from './basePreprocessing';
import type { ColorMode } from './preprocessing';
import { inputTakesImages } from '../graph/imageInput';

/**
 * Whether a dataset's images fit a model's image input, and when they do not, the
 * resize / channel adapter that makes them fit: a copy of the dataset at the model's size
 * and colour mode (three channels from grayscale for a pretrained base).
 */

/** The copy of a dataset that fits the model (`adaptDataset`'s arguments). */
export interface InputAdapter {
  targetSize: [number, number];
  colorMode: ColorMode;
}

/** Why the images do not fit, and the adapter when one can make them fit. */
export interface InputMismatch {
  message: string;
  adapter: InputAdapter | null;
}

function formatShape(shape: readonly (number | null)[]): string {
  return shape.map((dim) => dim ?? '?').join('×');
}

/**
 * Compares a model's image input (`[height, width, channels]`, or `[height, width]` for
 * one-channel images; without the batch axis) with a dataset's images. A model with a
 * pretrained base's preprocessing also needs three channels, the RGB its ImageNet weights
 * were trained on.
 *
 * @returns null when they fit; otherwise the message and, for an input of 1 or 3 channels
 *   with a known size, the adapter that makes a fitting copy of the dataset.
 */
export function inputMismatch(modelInput: readonly (number | null)[] | undefined, dataset: { name: string; imageShape: readonly [number, number, number] }, base?: BasePreprocessing | null): InputMismatch | null {
  // An (H, W) input takes one-channel images without their channel axis (see inputTakesImages).
  const [height, width, channels] = modelInput?.length === 2 ? [...modelInput, 1] : (modelInput ?? []);
  const datasetShape = formatShape(dataset.imageShape);
  if (modelInput === undefined || (modelInput.length !== 3 && modelInput.length !== 2) || typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') {
    return { message: `The model's input is not an image of known size (${modelInput ? formatShape(modelInput) : 'none'}); ${dataset.name} has ${datasetShape} images. Change the Input layer.`, adapter: null };
  }
  if (base && channels !== 3) {
    return {
      message: `The ${base.module} base's ImageNet weights and preprocess_input (${base.mode}) take RGB images, 3 channels; the model's input has ${channels}. Build the model with ${height}×${width}×3 inputs, then make an RGB copy of ${dataset.name} if its images are grayscale.`,
      adapter: null,
    };
  }
  if (inputTakesImages(modelInput, dataset.imageShape)) return null;
  const why = `The model takes ${formatShape(modelInput)} images; ${dataset.name} has ${datasetShape}`;
  if (channels !== 1 && channels !== 3) return { message: `${why}. Change the Input layer to ${datasetShape}.`, adapter: null };
  const colorMode: ColorMode = channels === 3 ? 'rgb' : 'grayscale';
  const channelNote = dataset.imageShape[2] === 1 && channels === 3 ? ' (three channels from grayscale)' : '';
  return {
    message: `${why}. Make a ${height}×${width} ${colorMode === 'rgb' ? 'RGB' : 'grayscale'} copy of the dataset${channelNote}, or change the Input layer.`,
    adapter: { targetSize: [height, width], colorMode },
  };
}

/** The adapter's button label in the Data and Train views, which error messages quote: `Make a 75×75 RGB copy`. */
export function adapterLabel(adapter: InputAdapter): string {
  return `Make a ${adapter.targetSize.join('×')} ${adapter.colorMode === 'rgb' ? 'RGB' : 'grayscale'} copy`;
}
