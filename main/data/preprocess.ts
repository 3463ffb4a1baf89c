import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { LabError } from '../../common/errors';
import type { Preprocessing } from '../../common/data/preprocessing';
import { decodeBmp, isBmp } from './bmp';
import { resizeToTarget } from './resize';

/** One image after preprocessing, with the size it had before. */
export interface PreprocessedImage {
  /** `height * width * channels` bytes, HWC. */
  pixels: Uint8Array;
  originalWidth: number;
  originalHeight: number;
  /** Per-channel sums of `pixels` (`addChannelSums` layout), gathered while resizing. */
  channelSums?: Float64Array;
}

/** Channels a colour mode produces. */
export function channelsOf(preprocessing: Pick<Preprocessing, 'colorMode'>): number {
  return preprocessing.colorMode === 'grayscale' ? 1 : 3;
}

/** Pixels of a decoded BMP, resized. */
function fromBmp(bytes: Uint8Array, preprocessing: Preprocessing, file: string, out: Uint8Array | undefined): PreprocessedImage {
  const bmp = decodeBmp(bytes, file);
  const channelSums = new Float64Array(2 * channelsOf(preprocessing));
  return { pixels: resizeToTarget({ data: bmp.rgb, width: bmp.width, height: bmp.height, channels: 3 }, preprocessing, out, channelSums), originalWidth: bmp.width, originalHeight: bmp.height, channelSums };
}

/**
 * Decodes an encoded image (PNG, JPEG, WebP, GIF first frame, TIFF, BMP), given as bytes or
 * as a file path (then libvips reads the file itself, which saves a copy), and applies
 * `preprocessing`. The pixels go into `out` when given (exactly `height * width * channels`
 * bytes), which spares an allocation per image during an import; their per-channel sums
 * come along for the dataset stats.
 *
 * @throws LabError `DATASET_BAD_FILE` for an empty, truncated, corrupt or unsupported file.
 */
export async function preprocessImageBytes(input: Uint8Array | string, preprocessing: Preprocessing, file = typeof input === 'string' ? input : '<buffer>', out?: Uint8Array): Promise<PreprocessedImage> {
  if (typeof input !== 'string' && input.length === 0) throw new LabError('DATASET_BAD_FILE', `Expected image data. Received: size=0 (empty file) in ${file}`, { path: file, reason: 'empty file' });
  try {
    if (typeof input !== 'string' && isBmp(input)) return fromBmp(input, preprocessing, file, out);
    if (typeof input === 'string' && path.extname(input).toLowerCase() === '.bmp') return fromBmp(await fs.readFile(input), preprocessing, file, out);
    // Decoded at full size, then resized here with TensorFlow's bilinear sampling (as
    // Keras does; cheaper than a libvips resize too); failOn 'truncated' rejects a cut-off
    // file instead of padding it with grey.
    const { data, info } = await sharp(input, { failOn: 'truncated', pages: 1, limitInputPixels: 268_402_689 }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const image = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
    const channelSums = new Float64Array(2 * channelsOf(preprocessing));
    return { pixels: resizeToTarget(image, preprocessing, out, channelSums), originalWidth: info.width, originalHeight: info.height, channelSums };
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
  if (width === targetWidth && height === targetHeight && channels === channelsOf(preprocessing)) return pixels;
  return resizeToTarget({ data: pixels, width, height, channels }, preprocessing);
}
