import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { LabError } from '../../common/errors';
import type { Preprocessing } from '../../common/api/methods/datasets';
import { decodeBmp, isBmp } from './bmp';

/** File extensions an image folder import decodes (lower case, with the dot). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff'] as const;

/** True when the file name has one of `IMAGE_EXTENSIONS`. */
export function isImageFileName(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
}

/** One image after preprocessing, with the size it had before. */
export interface PreprocessedImage {
  /** `height * width * channels` bytes, HWC. */
  pixels: Uint8Array;
  originalWidth: number;
  originalHeight: number;
}

/** Channels a colour mode produces. */
export function channelsOf(preprocessing: Pick<Preprocessing, 'colorMode'>): number {
  return preprocessing.colorMode === 'grayscale' ? 1 : 3;
}

/** sharp's `fit` for each resize mode (Keras: squash is the default, crop_to_aspect_ratio, pad_to_aspect_ratio). */
const FIT: Record<Preprocessing['resizeMode'], 'fill' | 'cover' | 'contain'> = {
  squash: 'fill',
  'center-crop': 'cover',
  letterbox: 'contain',
};

/**
 * Runs a sharp pipeline to the target size and colour mode. Alpha is dropped rather than
 * composited, as Keras' `load_img` does through PIL `convert`. Resampling is bilinear
 * (Keras' default `interpolation="bilinear"`); letterbox pads with black.
 */
async function toTarget(image: Sharp, preprocessing: Preprocessing): Promise<Uint8Array> {
  const [height, width] = preprocessing.targetSize;
  const channels = channelsOf(preprocessing);
  let pipeline = image
    .removeAlpha()
    .resize(width, height, { fit: FIT[preprocessing.resizeMode], position: 'centre', kernel: 'linear', background: { r: 0, g: 0, b: 0 } });
  pipeline = channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) {
    throw new LabError('INTERNAL', `Expected a ${width}x${height} result from the resize. Received: size=${info.width}x${info.height}`);
  }
  return toChannels(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.channels, channels);
}

/** Converts interleaved pixels to 1 or 3 channels (sharp keeps 1-channel input grey even when asked for sRGB). */
function toChannels(pixels: Uint8Array, from: number, to: number): Uint8Array {
  if (from === to) return pixels;
  const count = pixels.length / from;
  const out = new Uint8Array(count * to);
  for (let i = 0; i < count; i++) {
    if (to === 3) {
      const grey = pixels[i * from]!;
      out[i * 3] = grey;
      out[i * 3 + 1] = grey;
      out[i * 3 + 2] = grey;
    } else {
      // ITU-R 601 luma, as PIL's convert("L").
      out[i] = Math.round(0.299 * pixels[i * from]! + 0.587 * pixels[i * from + 1]! + 0.114 * pixels[i * from + 2]!);
    }
  }
  return out;
}

/**
 * Decodes an encoded image (PNG, JPEG, WebP, GIF first frame, TIFF, BMP) and applies
 * `preprocessing`.
 *
 * @throws LabError `DATASET_BAD_FILE` for an empty, truncated, corrupt or unsupported file.
 */
export async function preprocessImageBytes(bytes: Uint8Array, preprocessing: Preprocessing, file = '<buffer>'): Promise<PreprocessedImage> {
  if (bytes.length === 0) throw new LabError('DATASET_BAD_FILE', `Expected image data. Received: size=0 (empty file) in ${file}`, { path: file, reason: 'empty file' });
  try {
    if (isBmp(bytes)) {
      const bmp = decodeBmp(bytes, file);
      const image = sharp(bmp.rgb, { raw: { width: bmp.width, height: bmp.height, channels: 3 } });
      return { pixels: await toTarget(image, preprocessing), originalWidth: bmp.width, originalHeight: bmp.height };
    }
    // failOn 'truncated' rejects a cut-off file instead of padding it with grey.
    const image = sharp(bytes, { failOn: 'truncated', pages: 1, limitInputPixels: 268_402_689 });
    const meta = await image.metadata();
    const pixels = await toTarget(image, preprocessing);
    return { pixels, originalWidth: meta.width ?? 0, originalHeight: meta.pageHeight ?? meta.height ?? 0 };
  } catch (error) {
    if (error instanceof LabError) throw error;
    throw new LabError('DATASET_BAD_FILE', `Expected a readable PNG, JPEG, WebP, GIF, TIFF or BMP image. Received: ${(error as Error).message} in ${file}`, { path: file, reason: (error as Error).message });
  }
}

/**
 * Reads one image file and turns it into the bytes a model trained on a dataset with
 * this `preprocessing` expects (HWC uint8; the model scales them by `preprocessing.scale`).
 * Prediction on new images uses this, so it sees exactly what training saw.
 *
 * @throws LabError `IO_NOT_FOUND` when the file is missing, `DATASET_BAD_FILE` when it is
 *   not a readable image.
 */
export async function preprocessImageFile(file: string, preprocessing: Preprocessing): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch {
    throw new LabError('IO_NOT_FOUND', `Expected a readable image file. Received: path=${JSON.stringify(file)}`, { path: file });
  }
  return (await preprocessImageBytes(bytes, preprocessing, file)).pixels;
}

/**
 * Applies `preprocessing` to raw HWC pixels (IDX and CIFAR records). Returns the input
 * unchanged when it already has the target size and channels.
 */
export async function preprocessRawPixels(pixels: Uint8Array, width: number, height: number, channels: number, preprocessing: Preprocessing): Promise<Uint8Array> {
  const [targetHeight, targetWidth] = preprocessing.targetSize;
  const targetChannels = channelsOf(preprocessing);
  if (width === targetWidth && height === targetHeight) return toChannels(pixels, channels, targetChannels);
  const image = sharp(pixels, { raw: { width, height, channels: channels as 1 | 3 } });
  return toTarget(image, preprocessing);
}
