import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli';
import { epochRecordSchema } from '../../../common/training/epochRecord';
import { modelCardSchema } from '../../../common/api/methods/models';
import type { ModelGraph } from '../../../common/graph/schema';
import { readKerasH5 } from '../../../main/formats/keras/h5Format';
import { readKerasWeightValues } from '../../../main/formats/keras/kerasWeightsFile';
import { bufferIo } from '../../unit/main/cli/bufferIo';
import { writeWeightsFiles } from './kerasWeightsFixtures';

/**
 * The course's transfer exercise, end to end through the CLI as the README shows it: a
 * folder of cats and dogs (generated stand-ins), VGG16 without top at 32x32 with the weights
 * of a Keras weights file (written here in Keras Applications' layout, random values), the
 * head trained, the top block fine-tuned, evaluated, and exported to .h5 and ONNX with the
 * preprocessing recorded.
 */

const WEIGHTS_FILE = 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5';
const saved = process.env['MODEL_LAB_HOME'];
let root: string;

/** A 48x48 stand-in (8 of each: 4 train, 2 validation and 2 test images per class keep the run to seconds): "cats" warm with a bright centre, "dogs" cool with vertical stripes. */
async function standIn(kind: 'cats' | 'dogs', index: number): Promise<Buffer> {
  const size = 48;
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = 3 * (y * size + x);
      const noise = ((x * 31 + y * 17 + index * 13) % 23) - 11;
      if (kind === 'cats') {
        const centre = Math.hypot(x - 24, y - 24) < 12 ? 60 : 0;
        pixels[i] = 180 + centre / 2 + noise;
        pixels[i + 1] = 110 + centre + noise;
        pixels[i + 2] = 60 + noise;
      } else {
        const stripe = Math.floor((x + index) / 6) % 2 === 0 ? 70 : 0;
        pixels[i] = 50 + noise;
        pixels[i + 1] = 90 + stripe + noise;
        pixels[i + 2] = 170 + stripe / 2 + noise;
      }
    }
  }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'seed-exercise-'));
  process.env['MODEL_LAB_HOME'] = path.join(root, 'home');
  for (const kind of ['cats', 'dogs'] as const) {
    await fs.mkdir(path.join(root, 'pets', kind), { recursive: true });
    for (let i = 0; i < 8; i++) await fs.writeFile(path.join(root, 'pets', kind, `${kind}.${i}.png`), await standIn(kind, i));
  }
  writeWeightsFiles(root, [{ path: path.join(root, WEIGHTS_FILE), architecture: 'vgg16', include_top: false, weight_names: 'keras1' }], []);
});

afterAll(async () => {
  if (saved === undefined) delete process.env['MODEL_LAB_HOME'];
  else process.env['MODEL_LAB_HOME'] = saved;
  await fs.rm(root, { recursive: true, force: true });
});

describe('the transfer exercise: VGG16 on cats and dogs, head then top block', () => {
  it('imports, builds on the weights file, trains both phases, evaluates and exports with the preprocessing recorded', async () => {
    const weights = path.join(root, WEIGHTS_FILE);
    const imported = await cli('data', 'import', path.join(root, 'pets'), '--size', '32x32', '--mode', 'rgb', '--val', '0.25', '--test', '0.25', '--json');
    expect(imported.code).toBe(0);
    const dataset = (JSON.parse(imported.stdout) as { info: { id: string; classes: string[] } }).info;
    expect(dataset.classes).toEqual(['cats', 'dogs']);

    const graphFile = path.join(root, 'cats-dogs.json');
    const transfer = await cli('transfer', 'vgg16', '--weights-file', weights, '--no-top', '--input', '32x32x3', '--classes', '2', '--out', graphFile);
    expect(transfer.stderr).toBe('');
    expect(transfer.code).toBe(0);
    expect(transfer.stdout).toContain(`${WEIGHTS_FILE} fits: it will fill 13 layers, matched by name; skipped: dense`);
    expect(transfer.stdout).toContain('Non-trainable params: 14,714,688');

    const train = await cli('train', graphFile, '--data', dataset.id, '--epochs', '1', '--batch', '4', '--lr', '0.001', '--initial-weights', weights,
      '--fine-tune-from', 'block5_conv1', '--fine-tune-epochs', '1', '--fine-tune-lr', '1e-5');
    expect(train.stderr).toContain(`Initial weights loaded into block1_conv1, block1_conv2`);
    expect(train.stderr).toContain('Fine-tuning from epoch 2: unfroze 4 layers from block5_conv1 on; learning rate 0.00001 with a fresh optimizer.');
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/Epoch 1\/2 - /);
    expect(train.stdout).toMatch(/Epoch 2\/2 \(fine-tuning\) - .* lr 0\.0000100/);
    const runId = /Training (run-\S+)/.exec(train.stdout)?.[1] ?? '';
    const runDir = /Run folder: (\S+)/.exec(train.stdout)?.[1] ?? '';
    const metrics = (await fs.readFile(path.join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => epochRecordSchema.parse(JSON.parse(line)));
    expect(metrics.map((record) => [record.epoch, record.phase, record.learningRate])).toEqual([[1, 1, 0.001], [2, 2, 1e-5]]);

    const evaluation = await cli('evaluate', runId, '--json');
    // Only the line that says where the run is read from: no warning, no error.
    expect(evaluation.stderr).toMatch(/^Reading run \S+ from [^\n]*\n$/);
    expect(evaluation.code).toBe(0);
    const evaluated = JSON.parse(evaluation.stdout) as { accuracy: number; confusionMatrix: number[][] };
    expect(evaluated.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(evaluated.accuracy).toBeGreaterThanOrEqual(0);

    const cards = [];
    for (const [format, file] of [['h5', 'cats-dogs.h5'], ['onnx', 'cats-dogs.onnx']] as const) {
      const exported = await cli('export', runId, '--format', format, '--out', path.join(root, 'export', format, file), '--json');
      expect(exported.stderr).toMatch(/^Reading run \S+ from [^\n]*\n$/);
      expect(exported.code).toBe(0);
      const result = JSON.parse(exported.stdout) as { modelCardPath: string; verification: { inputs: string; maxAbsDiff: number; tolerance: number } };
      // Verified on held-out images fed through the base's preprocessing, as in training.
      expect(result.verification.inputs).toBe('test-split');
      expect(result.verification.maxAbsDiff).toBeLessThanOrEqual(result.verification.tolerance);
      expect(result.modelCardPath).toBe(path.join(root, 'export', format, `${file}.model-card.json`));
      cards.push(modelCardSchema.parse(JSON.parse(await fs.readFile(result.modelCardPath, 'utf8'))));
    }
    for (const card of cards) {
      expect(card.inputPreprocessing).toMatchObject({ module: 'vgg16', mode: 'caffe', channelOrder: 'bgr', scale: [1, 1, 1], offset: [-103.939, -116.779, -123.68] });
      expect(card.normalization).toBeNull();
      expect(card.classNames).toEqual(['cats', 'dogs']);
    }

    // The exported model brings its preprocessing back: a model built on it is fed as it was trained.
    const reused = await cli('transfer', path.join(root, 'export', 'h5', 'cats-dogs.h5'), '--classes', '3', '--json');
    expect(reused.code).toBe(0);
    expect((JSON.parse(reused.stdout) as { graph: ModelGraph }).graph.metadata.inputPreprocessing).toEqual({ module: 'vgg16', mode: 'caffe' });

    // The frozen blocks keep the file's weights to the last digit; the fine-tuned block moved.
    const h5 = await readKerasH5(path.join(root, 'export', 'h5', 'cats-dogs.h5'));
    const source = await readKerasWeightValues(weights, ['block1_conv1', 'block5_conv3']);
    const exportedKernel = (layer: string): number[] => Array.from(h5.weights.find((entry) => entry.layer === layer)?.weights[0]?.data ?? []);
    expect(exportedKernel('block1_conv1')).toEqual(Array.from(source.get('block1_conv1')?.[0]?.data ?? []));
    expect(exportedKernel('block5_conv3')).not.toEqual(Array.from(source.get('block5_conv3')?.[0]?.data ?? []));
  }, 300_000);
});
