import { gunzipSync, gzipSync } from 'node:zlib';
import fs from 'node:fs/promises';
import { LabError } from '../../common/errors';

/** A parsed IDX file (the MNIST format): its dimensions and unsigned-byte data. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
  /** The whole file after gunzip, header included (what content checksums are computed on). */
  content: Uint8Array;
}

const UBYTE = 0x08;

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an IDX file of unsigned bytes (raw or gzip-compressed).
 *
 * @param expectedRank 3 for images, 1 for labels.
 * @throws LabError `DATASET_IDX_MAGIC` for a wrong magic number, element type or rank;
 *   `DATASET_BAD_FILE` when the data is shorter or longer than the header says.
 */
export function parseIdx(input: Uint8Array, expectedRank: number, file = '<buffer>'): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = isGzip(input) ? gunzipSync(input) : input;
  } catch (error) {
    throw new LabError('DATASET_BAD_FILE', `Expected a complete gzip stream. Received: ${(error as Error).message} in ${file}`, { path: file });
  }
  const magic = bytes.length >= 4 ? [bytes[0], bytes[1], bytes[2], bytes[3]] : [];
  if (magic[0] !== 0 || magic[1] !== 0 || magic[2] !== UBYTE || magic[3] !== expectedRank) {
    const found = bytes.length >= 4 ? `0x${Buffer.from(bytes.subarray(0, 4)).toString('hex')}` : `${bytes.length} bytes`;
    throw new LabError('DATASET_IDX_MAGIC', `Expected the IDX magic number 0x000008${expectedRank.toString(16).padStart(2, '0')} (unsigned bytes, rank ${expectedRank}). Received: magic=${found} in ${file}`, { path: file, received: found });
  }
  const headerBytes = 4 + 4 * expectedRank;
  if (bytes.length < headerBytes) {
    throw new LabError('DATASET_BAD_FILE', `Expected an IDX header of ${headerBytes} bytes. Received: size=${bytes.length} in ${file}`, { path: file });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: expectedRank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    throw new LabError('DATASET_BAD_FILE', `Expected ${expected} data bytes for dims [${dims.join(', ')}] (the file is truncated or has trailing bytes). Received: size=${actual} in ${file}`, { path: file, received: actual });
  }
  return { dims, data: bytes.subarray(headerBytes), content: bytes };
}

/** Reads and parses an IDX file; see `parseIdx`. `raw` is the file as on disk (gzip-compressed or not). */
export async function readIdxFile(file: string, expectedRank: number): Promise<IdxArray & { raw: Uint8Array }> {
  const raw = await fs.readFile(file);
  return { ...parseIdx(raw, expectedRank, file), raw };
}

/** Encodes unsigned bytes as an IDX file, gzip-compressed when `gzip` is true. */
export function encodeIdx(dims: number[], data: Uint8Array, gzip = false): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = UBYTE;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const raw = new Uint8Array(header.length + data.length);
  raw.set(header);
  raw.set(data, header.length);
  return gzip ? gzipSync(raw, { level: 9 }) : raw;
}

/**
 * Checks that an images IDX and a labels IDX describe the same examples.
 *
 * @throws LabError `DATASET_IDX_COUNT` when the counts differ.
 */
export function checkIdxPair(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string): void {
  if (images.dims[0] !== labels.dims[0]) {
    throw new LabError('DATASET_IDX_COUNT', `Expected as many labels as images. Received: images=${images.dims[0]} (${imagesFile}), labels=${labels.dims[0]} (${labelsFile})`, { path: labelsFile, received: { images: images.dims[0], labels: labels.dims[0] } });
  }
}
