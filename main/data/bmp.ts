import { LabError } from '../../common/errors';

/** Pixels of a decoded BMP: interleaved RGB, top row first. */
export interface DecodedBmp {
  width: number;
  height: number;
  /** `width * height * 3` bytes. */
  rgb: Uint8Array;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

/** True when `bytes` start with the BMP signature "BM". */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * Decodes an uncompressed Windows bitmap (libvips, and so sharp, has no BMP loader):
 * 1/4/8-bit palettes, 16/24/32-bit with or without bit fields, bottom-up or top-down.
 * Alpha is dropped, as Keras' `load_img(color_mode="rgb")` does.
 *
 * @throws LabError `DATASET_BAD_FILE` for a truncated file, RLE compression or an
 *   unsupported header.
 */
export function decodeBmp(bytes: Uint8Array, file = '<buffer>'): DecodedBmp {
  const bad = (what: string, value: unknown): LabError =>
    new LabError('DATASET_BAD_FILE', `Expected ${what} in a BMP file. Received: ${JSON.stringify(value)} in ${file}`, { path: file, received: value });
  if (!isBmp(bytes) || bytes.length < 26) throw bad('the "BM" signature and a header', bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40 || bytes.length < 14 + headerSize) throw bad('a BITMAPINFOHEADER (40 bytes or more)', headerSize);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bitCount = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(signedHeight);
  const topDown = signedHeight < 0;
  if (width <= 0 || height === 0 || width > 65535 || height > 65535) throw bad('a positive width and height', [width, signedHeight]);
  if (![1, 4, 8, 16, 24, 32].includes(bitCount)) throw bad('1, 4, 8, 16, 24 or 32 bits per pixel', bitCount);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) throw bad('uncompressed pixels (RLE and embedded JPEG/PNG are not supported)', compression);

  let masks: [number, number, number] = bitCount === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression !== BI_RGB) {
    // Masks follow a 40-byte header, or sit inside V4/V5 headers at the same offset.
    if (bytes.length < 54 + 12) throw bad('bit field masks', bytes.length);
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }
  let palette: Uint8Array | null = null;
  if (bitCount <= 8) {
    const declared = view.getUint32(46, true);
    const colours = declared === 0 ? 1 << bitCount : declared;
    const start = 14 + headerSize;
    if (bytes.length < start + colours * 4) throw bad('a complete colour table', colours);
    palette = bytes.subarray(start, start + colours * 4);
  }
  const rowBytes = Math.floor((bitCount * width + 31) / 32) * 4;
  if (bytes.length < pixelOffset + rowBytes * height) throw bad(`${rowBytes * height} bytes of pixels (the file is truncated)`, bytes.length - pixelOffset);

  const channel = (value: number, mask: number): number => {
    if (mask === 0) return 0;
    const shift = Math.clz32(mask & -mask) ^ 31;
    const max = mask >>> shift;
    return Math.round((((value & mask) >>> shift) * 255) / max);
  };
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bitPos = x * bitCount;
        const byte = bytes[row + (bitPos >> 3)]!;
        const index = (byte >> (8 - bitCount - (bitPos & 7))) & ((1 << bitCount) - 1);
        const p = Math.min(index, palette.length / 4 - 1) * 4;
        rgb[o] = palette[p + 2]!;
        rgb[o + 1] = palette[p + 1]!;
        rgb[o + 2] = palette[p]!;
      } else if (bitCount === 24 || (bitCount === 32 && compression === BI_RGB)) {
        const p = row + x * (bitCount / 8);
        rgb[o] = bytes[p + 2]!;
        rgb[o + 1] = bytes[p + 1]!;
        rgb[o + 2] = bytes[p]!;
      } else {
        const value = bitCount === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        rgb[o] = channel(value, masks[0]);
        rgb[o + 1] = channel(value, masks[1]);
        rgb[o + 2] = channel(value, masks[2]);
      }
    }
  }
  return { width, height, rgb };
}

/** Encodes interleaved RGB as a 24-bit bottom-up BMP (used by tests and fixtures). */
export function encodeBmp(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const rowBytes = Math.floor((24 * width + 31) / 32) * 4;
  const out = new Uint8Array(54 + rowBytes * height);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, rowBytes * height, true);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[row + x * 3] = rgb[i + 2]!;
      out[row + x * 3 + 1] = rgb[i + 1]!;
      out[row + x * 3 + 2] = rgb[i]!;
    }
  }
  return out;
}
