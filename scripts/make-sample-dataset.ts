/**
 * Builds resources/datasets/fashion-mnist-sample/: a class-balanced subset of
 * Fashion-MNIST (200 training and 50 test images per class, the first ones of each class
 * in file order) from Debian's dataset-fashion-mnist package, stored as gzip IDX files.
 *
 * Run: npx tsx scripts/make-sample-dataset.ts [source-dir] [output-dir]
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx, readIdxFile } from '../main/data/idx';
import { DEBIAN_FASHION_MNIST_DIR } from '../main/data/builtins';

const TRAIN_PER_CLASS = 200;
const TEST_PER_CLASS = 50;

const LICENSE = `Fashion-MNIST sample
====================

These files are a class-balanced subset (${TRAIN_PER_CLASS * 10} training and ${TEST_PER_CLASS * 10} test images) of
Fashion-MNIST by Zalando Research, https://github.com/zalandoresearch/fashion-mnist,
made by scripts/make-sample-dataset.ts from Debian's dataset-fashion-mnist package.

The MIT License (MIT)

Copyright © 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the “Software”), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED “AS IS”, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
`;

/** Picks the first `perClass` examples of each of the 10 classes, keeping file order. */
function balancedSubset(labels: Uint8Array, perClass: number): number[] {
  const taken = new Array<number>(10).fill(0);
  const picked: number[] = [];
  for (let i = 0; i < labels.length && picked.length < perClass * 10; i++) {
    const label = labels[i]!;
    if (taken[label]! < perClass) {
      taken[label]! += 1;
      picked.push(i);
    }
  }
  if (picked.length !== perClass * 10) throw new Error(`only ${picked.length} examples found for ${perClass} per class`);
  return picked;
}

async function writeSubset(sourceDir: string, outDir: string, prefix: 'train' | 't10k', perClass: number): Promise<void> {
  const images = await readIdxFile(path.join(sourceDir, `${prefix}-images-idx3-ubyte.gz`), 3);
  const labels = await readIdxFile(path.join(sourceDir, `${prefix}-labels-idx1-ubyte.gz`), 1);
  const [, height, width] = images.dims as [number, number, number];
  const picked = balancedSubset(labels.data, perClass);
  const bytes = height * width;
  const pixels = new Uint8Array(picked.length * bytes);
  picked.forEach((index, k) => pixels.set(images.data.subarray(index * bytes, (index + 1) * bytes), k * bytes));
  const pickedLabels = Uint8Array.from(picked, (index) => labels.data[index]!);
  await fs.writeFile(path.join(outDir, `${prefix}-images-idx3-ubyte.gz`), encodeIdx([picked.length, height, width], pixels, true));
  await fs.writeFile(path.join(outDir, `${prefix}-labels-idx1-ubyte.gz`), encodeIdx([picked.length], pickedLabels, true));
  process.stdout.write(`${prefix}: ${picked.length} images (${perClass} per class)\n`);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = process.argv[2] ?? DEBIAN_FASHION_MNIST_DIR;
const outDir = process.argv[3] ?? path.join(root, 'resources', 'datasets', 'fashion-mnist-sample');
await fs.mkdir(outDir, { recursive: true });
await writeSubset(sourceDir, outDir, 'train', TRAIN_PER_CLASS);
await writeSubset(sourceDir, outDir, 't10k', TEST_PER_CLASS);
await fs.writeFile(path.join(outDir, 'LICENSE.txt'), LICENSE);
process.stdout.write(`written to ${outDir}\n`);
