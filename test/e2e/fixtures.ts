import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Generated images for the e2e tests: small grayscale PNGs drawn by a pixel function, and
 * folders of them laid out as a dataset (one subfolder per class).
 */

/**
 * Encodes a `width`×`height` single-channel PNG. `pixelAt` is called row by row, left to
 * right, so a pixel function may draw from a seeded random sequence; values are rounded and
 * clamped to 0..255.
 */
export async function grayscalePng(width: number, height: number, pixelAt: (x: number, y: number) => number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels[y * width + x] = Math.max(0, Math.min(255, Math.round(pixelAt(x, y))));
  }
  return sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/**
 * Writes an image-folder dataset: `root/<class name>/<index>.png` for `perClass` images of
 * each class, each drawn by `imageOf(label, index)` where `label` is the class's position in
 * `classNames`. Returns `root`.
 */
export async function writeImageFolder(root: string, classNames: readonly string[], perClass: number, imageOf: (label: number, index: number) => Promise<Buffer>): Promise<string> {
  for (const [label, name] of classNames.entries()) {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    for (let index = 0; index < perClass; index++) writeFileSync(path.join(dir, `${index}.png`), await imageOf(label, index));
  }
  return root;
}
