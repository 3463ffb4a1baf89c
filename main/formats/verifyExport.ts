import type * as tfjs from '@tensorflow/tfjs';
import type { ExportFormat, Verification } from '../../common/api/methods/models';
import { LabError, received } from '../../common/errors';
import { compileGraph } from '../engine/compile';
import type { Tfjs } from '../engine/backend';
import { maxAbsDifference, predict, type ExportSource, type VerificationInputs } from './exportSource';
import { loadTfjsModel } from './tfjsFormat';
import { readLayerWeights, writeLayerWeights } from './layerWeights';
import { checkKerasFileWithH5py } from './keras/h5pyCheck';
import { readKerasH5, type KerasImport } from './keras/h5Format';
import { readKerasArchive } from './keras/kerasV3Format';
import { runOnnxModel } from './onnx/onnxRuntime';

/** The bound every verified export must stay within (float32 reordering of sums stays far below). */
export const VERIFY_TOLERANCE = 1e-4;

/** Rebuilds an imported Keras file as a TF.js model with its weights. */
export function modelFromImport(imported: KerasImport, tf: Tfjs): tfjs.LayersModel {
  const model = compileGraph(imported.graph, tf, { seed: 0 });
  try {
    writeLayerWeights(model, imported.weights, tf);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function tensorNamed(inputs: VerificationInputs, name: string): tfjs.Tensor {
  const found = inputs.tensors.find((entry) => entry.name === name);
  if (found === undefined) throw new LabError('EXPORT_VERIFY_FAILED', `Expected the reloaded model to have the input "${name}" of the lab's model. ${received('inputs', inputs.tensors.map((entry) => entry.name))}`, { field: name });
  return found.tensor;
}

/**
 * What re-reads each format for the comparison, named as it is: ONNX Runtime and TF.js
 * load the files themselves; Keras files are read back by Model Lab's own readers (Keras
 * itself does not run here), which is why they also get h5py's structure check.
 */
export const VERIFIED_BY: Readonly<Record<Exclude<ExportFormat, 'keras-script'>, string>> = {
  tfjs: 'TF.js tf.loadLayersModel',
  h5: "Model Lab's Keras H5 reader",
  keras: "Model Lab's .keras reader",
  onnx: 'onnxruntime-node',
};

async function reloadAndPredict(format: Exclude<ExportFormat, 'keras-script'>, target: string, inputs: VerificationInputs, tf: Tfjs): Promise<{ runtime: string; output: Float32Array }> {
  const runtime = VERIFIED_BY[format];
  if (format === 'onnx') {
    return { runtime, output: await runOnnxModel(target, inputs.tensors) };
  }
  let model: tfjs.LayersModel;
  if (format === 'tfjs') {
    model = await loadTfjsModel(target, tf);
  } else {
    model = modelFromImport(format === 'h5' ? await readKerasH5(target) : await readKerasArchive(target), tf);
  }
  try {
    // Inputs go by name: a reloaded model may list its inputs in another order.
    return { runtime, output: predict(model, model.inputNames.map((name) => tensorNamed(inputs, name)), tf) };
  } finally {
    model.dispose();
  }
}

/**
 * Reloads a written export in its own runtime, runs the verification inputs through it and
 * through the lab's model, and measures the largest absolute difference. Keras files are
 * also opened by h5py where a Python has it (`checkKerasFileWithH5py`).
 *
 * @param target the written file, or the folder for tfjs
 * @throws LabError `EXPORT_VERIFY_FAILED` when h5py reads a Keras file differently from the model.
 */
export async function verifyExport(format: Exclude<ExportFormat, 'keras-script'>, target: string, source: ExportSource, inputs: VerificationInputs): Promise<Verification> {
  const expected = predict(source.model, inputs.tensors.map((entry) => entry.tensor), source.tf);
  const { runtime, output } = await reloadAndPredict(format, target, inputs, source.tf);
  const structure = format === 'h5' || format === 'keras' ? await checkKerasFileWithH5py(format, target, source.graph, readLayerWeights(source.graph, source.model)) : null;
  return { runtime, samples: inputs.samples, inputs: inputs.kind, maxAbsDiff: maxAbsDifference(expected, output), tolerance: VERIFY_TOLERANCE, structure };
}
