import os from 'node:os';
import path from 'node:path';
import { copyFileSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { buildTemplate, type TemplateRequest } from '../../../common/templates';
import { pixelTransformOf } from '../../../common/data/basePreprocessing';
import type { ModelGraph } from '../../../common/graph/schema';
import { initBackend, type Tfjs } from '../../../main/engine/backend';
import { compileGraph } from '../../../main/engine/compile';
import { pixelsToTensor } from '../../../main/engine/train/batches';
import { maxAbsDifference } from '../../../main/formats/exportSource';
import { importModelFile } from '../../../main/formats/importModel';
import { readKerasWeightsLayout, readKerasWeightValues } from '../../../main/formats/keras/kerasWeightsFile';
import { applicationTarget, inspectApplicationWeights, loadApplicationWeights } from '../../../main/transfer/applicationWeights';
import { buildTransferGraph } from '../../../main/transfer/transferGraph';
import { fileLayersOf, keras20Name, writeWeightsFiles, type Reference } from './kerasWeightsFixtures';

/**
 * Weights-only Keras files, written with h5py in the layout of the files Keras Applications
 * downloads for weights='imagenet' (random values), loaded into the matching templates.
 */

let tf: Tfjs;
let dir: string;
let vggReference: Reference;
let inceptionReference: Reference;
const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  ({ tf } = await initBackend({ preference: 'wasm' }));
  dir = mkdtempSync(path.join(os.tmpdir(), 'keras-weights-'));
  const mobilenetTop = buildTemplate('mobilenetv2', { inputShape: [32, 32, 3] });
  const mobilenetNoTop = buildTemplate('mobilenetv2', { inputShape: [32, 32, 3], includeTop: false });
  const inception = buildTemplate('inceptionv3', { includeTop: false, inputShape: [75, 75, 3] });
  [vggReference, inceptionReference] = writeWeightsFiles(dir, [
    // The first VGG16 files named weights the Keras 1 way (block1_conv1_W_1:0): only their order counts.
    { path: file('vgg16_notop.h5'), architecture: 'vgg16', include_top: false, weight_names: 'keras1' },
    { path: file('mobilenet_v2_top.h5'), layers: fileLayersOf(mobilenetTop) },
    { path: file('mobilenet_v2_no_top.h5'), layers: fileLayersOf(mobilenetNoTop) },
    // InceptionV3's published files come from Keras 2.0, which numbered automatic names from 1.
    { path: file('inception_v3_notop.h5'), layers: fileLayersOf(inception, keras20Name), values_for: ['conv2d_1', 'batch_normalization_1', 'conv2d_94'] },
  ], [
    { kind: 'vgg_block1', file: file('vgg16_notop.h5'), size: 32, count: 2 },
    { kind: 'inception_stem', file: file('inception_v3_notop.h5'), conv: 'conv2d_1', bn: 'batch_normalization_1', size: 75, count: 2 },
  ]) as [Reference, Reference];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function source(weightsFile: string, template: TemplateRequest): { weightsPath: string; template: TemplateRequest } {
  return { weightsPath: file(weightsFile), template };
}

/** The output of `layerName` for a 0-255 RGB batch, preprocessed as the graph's base asks. */
function firstLayersOutput(model: tfjs.LayersModel, graph: ModelGraph, layerName: string, reference: Reference): Float32Array {
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(layerName).output as tfjs.SymbolicTensor });
  const [count, height, width, channels] = reference.inputShape as [number, number, number, number];
  const transform = pixelTransformOf({ scale: 1 / 255, offset: 0 }, graph.metadata.inputPreprocessing);
  const output = tf.tidy(() => probe.predict(pixelsToTensor(tf, Uint8Array.from(reference.input), count, [height, width, channels], transform)) as tfjs.Tensor);
  const values = output.dataSync() as Float32Array;
  output.dispose();
  return values;
}

async function caught(run: () => Promise<unknown>): Promise<LabError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof LabError) return error;
    throw error;
  }
  throw new Error('expected a LabError');
}

describe('reading Keras weights files', () => {
  it('lists layer_names in file order with each weight_names shape, weightless layers included', async () => {
    const layout = await readKerasWeightsLayout(file('vgg16_notop.h5'));
    expect(layout.layers.map((layer) => layer.name).slice(0, 4)).toEqual(['input_1', 'block1_conv1', 'block1_conv2', 'block1_pool']);
    expect(layout.layers[1]?.weights).toEqual([{ name: 'block1_conv1_W_1:0', shape: [3, 3, 3, 64] }, { name: 'block1_conv1_b_1:0', shape: [64] }]);
    expect(layout.layers[3]?.weights).toEqual([]);
    expect(layout.layers).toHaveLength(19);
  });
});

describe('loading into the matching template, as Keras load_weights does', () => {
  it('VGG16 without top by name: every convolution loads and block1 computes what NumPy computes after caffe preprocessing', async () => {
    const template = { id: 'vgg16', includeTop: false, inputShape: [32, 32, 3] };
    const { graph } = applicationTarget(template);
    const model = compileGraph(graph, tf, { seed: 1 });
    try {
      const report = await loadApplicationWeights(model, source('vgg16_notop.h5', template), tf);
      expect(report.matchedBy).toBe('name');
      expect(report.initialised).toHaveLength(13);
      expect(report.skipped).toEqual([]);
      const output = firstLayersOutput(model, graph, 'block1_pool', vggReference);
      expect(Array.from(model.getLayer('block1_pool').outputShape as number[]).slice(1)).toEqual(vggReference.outputShape.slice(1));
      // float32 against float64 on values of a few hundred.
      expect(maxAbsDifference(vggReference.output, output)).toBeLessThan(1e-3 * Math.max(...vggReference.output.map(Math.abs)));
    } finally {
      model.dispose();
    }
  });

  it('fills the base of a transfer model and reports its new head as not in the file', async () => {
    const template = { id: 'vgg16', includeTop: false, inputShape: [32, 32, 3] };
    const transfer = buildTransferGraph(applicationTarget(template).graph, { cutAt: 'block5_pool', classes: 2, freeze: 'all' });
    const model = compileGraph(transfer.graph, tf, { seed: 1 });
    try {
      const report = await loadApplicationWeights(model, source('vgg16_notop.h5', template), tf);
      expect(report.initialised).toHaveLength(13);
      expect(report.skipped).toEqual([{ layer: 'dense', reason: 'not in vgg16_notop.h5: a new layer, trained from its initialisation' }]);
      const values = await readKerasWeightValues(file('vgg16_notop.h5'), ['block5_conv3']);
      expect(Array.from(model.getLayer('block5_conv3').getWeights()[0]?.dataSync() ?? [])).toEqual(Array.from(values.get('block5_conv3')?.[0]?.data ?? []));
    } finally {
      model.dispose();
    }
  });

  it('InceptionV3 by position when the file numbers its automatic names from 1 (conv2d_1 is today\'s conv2d)', async () => {
    const template = { id: 'inceptionv3', includeTop: false, inputShape: [75, 75, 3] };
    const { graph } = applicationTarget(template);
    const plan = await inspectApplicationWeights(source('inception_v3_notop.h5', template));
    expect(plan.matchedBy).toBe('position');
    expect(plan.assignments.slice(0, 2)).toEqual([{ layer: 'conv2d', fileLayer: 'conv2d_1' }, { layer: 'batch_normalization', fileLayer: 'batch_normalization_1' }]);
    expect(plan.assignments.at(-1)).toEqual({ layer: 'batch_normalization_93', fileLayer: 'batch_normalization_94' });
    const model = compileGraph(graph, tf, { seed: 1 });
    try {
      const report = await loadApplicationWeights(model, source('inception_v3_notop.h5', template), tf);
      expect(report.matchedBy).toBe('position');
      expect(report.initialised).toHaveLength(94 * 2);
      const values = await readKerasWeightValues(file('inception_v3_notop.h5'), ['conv2d_94']);
      expect(Array.from(model.getLayer('conv2d_93').getWeights()[0]?.dataSync() ?? [])).toEqual(Array.from(values.get('conv2d_94')?.[0]?.data ?? []));
      const output = firstLayersOutput(model, graph, 'activation', inceptionReference);
      expect(maxAbsDifference(inceptionReference.output, output)).toBeLessThan(1e-4 * Math.max(1, ...inceptionReference.output.map(Math.abs)));
    } finally {
      model.dispose();
    }
  });

  it('loads a file with top into the template without top, skipping the file\'s classifier', async () => {
    const template = { id: 'mobilenetv2', includeTop: false, inputShape: [32, 32, 3] };
    const plan = await inspectApplicationWeights(source('mobilenet_v2_top.h5', template));
    expect(plan.matchedBy).toBe('name');
    expect(plan.unused).toEqual([{ layer: 'predictions', reason: "in the file, not in this model (include_top is off: the file's top is left out)" }]);
  });
});

describe('refusing a file that does not fit, with a named error that says what to do', () => {
  it('a file for another architecture names the first mismatching layer and shape', async () => {
    const error = await caught(() => inspectApplicationWeights(source('mobilenet_v2_no_top.h5', { id: 'vgg16', includeTop: false })));
    expect(error.code).toBe('WEIGHTS_ARCHITECTURE_MISMATCH');
    expect(error.message).toContain('Conv1');
    expect(error.message).toContain('block1_conv1');
    // MobileNetV2's Conv1 has no bias: the weight lists differ before the shapes do.
    expect(error.message).toContain('Conv1 has 1 weight in the file (Conv1/kernel:0 [3, 3, 3, 32])');
    expect(error.message).toContain('block1_conv1 has 2 here (kernel [3, 3, 3, 64], bias [64])');
    expect(error.message).toContain('vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5');
    expect(error.details?.nodeName).toBe('block1_conv1');
  });

  it('a VGG16 file for VGG19 names the first layer the file lacks', async () => {
    const error = await caught(() => inspectApplicationWeights(source('vgg16_notop.h5', { id: 'vgg19', includeTop: false })));
    expect(error.code).toBe('WEIGHTS_ARCHITECTURE_MISMATCH');
    expect(error.message).toMatch(/no layer block3_conv4 \(nor 2 other VGG19 layers\)/);
  });

  it('one-channel inputs are told that ImageNet weights take three', async () => {
    const error = await caught(() => inspectApplicationWeights(source('vgg16_notop.h5', { id: 'vgg16', includeTop: false, inputShape: [32, 32, 1] })));
    expect(error.code).toBe('WEIGHTS_ARCHITECTURE_MISMATCH');
    expect(error.message).toContain('ImageNet weights take 3 input channels');
  });

  it('a file without top for a template with top is a top mismatch naming the missing classifier', async () => {
    const error = await caught(() => inspectApplicationWeights(source('mobilenet_v2_no_top.h5', { id: 'mobilenetv2', inputShape: [32, 32, 3] })));
    expect(error.code).toBe('WEIGHTS_TOP_MISMATCH');
    expect(error.message).toContain('has no predictions');
    expect(error.message).toContain('Turn include_top off');
    expect(error.message).toContain('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5');
  });

  it('a top of another class count is a top mismatch with the shapes', async () => {
    const error = await caught(() => inspectApplicationWeights(source('mobilenet_v2_top.h5', { id: 'mobilenetv2', inputShape: [32, 32, 3], classes: 2 })));
    expect(error.code).toBe('WEIGHTS_TOP_MISMATCH');
    expect(error.message).toContain("predictions's kernel is [1280, 1000] in the file");
    expect(error.message).toContain('[1280, 2] here');
  });

  it('a truncated file is IO_BAD_FORMAT naming the file', async () => {
    const truncated = file('vgg16_truncated.h5');
    copyFileSync(file('vgg16_notop.h5'), truncated);
    truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
    const template = { id: 'vgg16', includeTop: false, inputShape: [32, 32, 3] };
    const model = compileGraph(applicationTarget(template).graph, tf);
    try {
      const error = await caught(() => loadApplicationWeights(model, source('vgg16_truncated.h5', template), tf));
      expect(error.code).toBe('IO_BAD_FORMAT');
      expect(error.message).toContain('vgg16_truncated.h5');
      expect(error.message).toMatch(/truncated or damaged/);
    } finally {
      model.dispose();
    }
  });

  it('a file that is not HDF5, and an HDF5 file without layer_names, are IO_BAD_FORMAT', async () => {
    writeFileSync(file('not-weights.h5'), '{"not": "hdf5"}');
    expect((await caught(() => readKerasWeightsLayout(file('not-weights.h5')))).code).toBe('IO_BAD_FORMAT');
    expect((await caught(() => readKerasWeightsLayout(file('spec.json')))).message).toContain('spec.json');
  });

  it('opening a weights-only file as a model says where it belongs instead', async () => {
    const error = await caught(() => importModelFile(file('vgg16_notop.h5'), tf));
    expect(error.code).toBe('IO_BAD_FORMAT');
    expect(error.message).toContain('weights-only');
    expect(error.message).toContain('template with ImageNet weights');
  });
});
