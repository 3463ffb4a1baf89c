import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LabError, received } from '../../common/errors';
import type { ExportFormat, ExportFormatInfo, ExportProgressEvent, ExportResult, Verification } from '../../common/api/methods/models';
import type { DatasetInfo } from '../../common/api/methods/datasets';
import { hyperparametersSchema } from '../../common/training/hyperparameters';
import { readDatasetInfo } from '../data/datasetCache';
import { verificationInputs, type ExportSource } from './exportSource';
import { readLayerWeights } from './layerWeights';
import { tfjsPortabilityWarnings, writeTfjsModel } from './tfjsFormat';
import { writeKerasH5 } from './keras/h5Format';
import { hdf5Reason } from './keras/h5Access';
import { buildKerasArchive } from './keras/kerasV3Format';
import { generateKerasTrainingScript } from './keras/kerasScript';
import { graphToOnnx } from './onnx/onnxExport';
import { buildModelCard, writeModelCard } from './modelCard';
import { embeddedCardFile, withEmbeddedModelCard } from './embeddedModelCard';
import { writeError } from './fileErrors';
import { writeFileAtomic } from '../project/atomicWrite';
import { VERIFIED_BY, VERIFY_TOLERANCE, verifyExport } from './verifyExport';

/** The formats, what each carries and how it is checked (the `listExportFormats` answer). */
export const EXPORT_FORMATS: readonly ExportFormatInfo[] = [
  { id: 'tfjs', title: 'TensorFlow.js layers model', target: 'folder (model.json + weight shard)', hasWeights: true, verifiedBy: VERIFIED_BY.tfjs, importable: true },
  { id: 'h5', title: 'Keras HDF5 (tf.keras 2)', target: '.h5 file', hasWeights: true, verifiedBy: `${VERIFIED_BY.h5}, and h5py where Python has it`, importable: true },
  { id: 'keras', title: 'Keras 3 archive', target: '.keras file', hasWeights: true, verifiedBy: `${VERIFIED_BY.keras}, and h5py where Python has it`, importable: true },
  { id: 'onnx', title: 'ONNX (opset 17)', target: '.onnx file', hasWeights: true, verifiedBy: VERIFIED_BY.onnx, importable: false },
  { id: 'keras-script', title: 'Keras training script', target: '.py file', hasWeights: false, verifiedBy: 'none (architecture and training code only)', importable: false },
];

/** What `exportModelFiles` needs besides the source. */
export interface ExportOptions {
  format: ExportFormat;
  /** The file to write, or the folder for tfjs. */
  outPath: string;
  /** How many inputs the verification runs (64 by default). */
  samples?: number;
  /** Largest allowed difference; `VERIFY_TOLERANCE` (1e-4) unless a caller wants a stricter bound. */
  tolerance?: number;
  onProgress?: (event: ExportProgressEvent) => void;
}

/** The info of the run's dataset (its preprocessing and splits), or null when there is no run or the cache is gone. */
async function sourceDatasetInfo(source: ExportSource): Promise<DatasetInfo | null> {
  if (source.run === null) return null;
  return readDatasetInfo(source.run.spec.dataset.cacheDir).catch(() => null);
}

/** A failure while building an HDF5-based file, as the write error of the export it was for. */
function buildError(error: unknown, filePath: string): LabError {
  return error instanceof LabError ? error : writeError(new Error(hdf5Reason(error)), filePath);
}

/** Builds a file in a scratch folder first (h5wasm writes by path), then copies it to `filePath` atomically. */
async function writeViaScratch(filePath: string, build: (scratchFile: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'model-lab-export-'));
  try {
    const scratch = path.join(dir, path.basename(filePath));
    await build(scratch).catch((error: unknown) => {
      throw buildError(error, filePath);
    });
    await writeFileAtomic(filePath, await fs.readFile(scratch));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the source model in `format`, reloads it in its own runtime and compares
 * predictions on held-out images (or seeded random inputs), then writes the model card
 * into the file where the format has a place for it (see embeddedModelCard.ts) and beside
 * it as `<file name>.model-card.json` + `.md`, so exports into one folder keep their own.
 *
 * @returns the files written and the verification (null for keras-script)
 * @throws LabError `IO_PERMISSION`, `IO_DISK_FULL`, `IO_WRITE_FAILED` when writing fails;
 *   `EXPORT_UNSUPPORTED_LAYER` naming a layer the format cannot express;
 *   `EXPORT_VERIFY_FAILED` when the reloaded model differs by more than the tolerance.
 */
export async function exportModelFiles(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const { format, outPath } = options;
  const progress = (stage: ExportProgressEvent['stage'], fraction: number, message: string): void => {
    options.onProgress?.({ type: 'export.progress', format, outPath, stage, fraction, message });
  };
  progress('loading', 0, `Preparing ${source.graph.name} for ${format}`);
  const datasetInfo = await sourceDatasetInfo(source);
  const preprocessing = datasetInfo?.preprocessing ?? null;
  const hyperparameters = source.run?.spec.hyperparameters ?? null;
  const weights = format === 'keras-script' ? [] : readLayerWeights(source.graph, source.model);
  progress('writing', 0.2, `Writing ${outPath}`);
  const files: string[] = [];
  switch (format) {
    case 'tfjs':
      try {
        files.push(...(await writeTfjsModel(source.model, outPath, source.tf)));
      } catch (error) {
        throw writeError(error, outPath);
      }
      break;
    case 'h5':
      await writeViaScratch(outPath, (scratch) => writeKerasH5(scratch, source.graph, weights, hyperparameters));
      files.push(outPath);
      break;
    case 'keras':
      await writeFileAtomic(outPath, await buildKerasArchive(source.graph, weights).catch((error: unknown) => {
        throw buildError(error, outPath);
      }));
      files.push(outPath);
      break;
    case 'onnx':
      await writeFileAtomic(outPath, graphToOnnx(source.graph, weights, `tfjs ${source.tf.version_core}`));
      files.push(outPath);
      break;
    case 'keras-script': {
      const script = generateKerasTrainingScript({
        graph: source.graph,
        hyperparameters: hyperparameters ?? hyperparametersSchema.parse({}),
        preprocessing,
        classNames: source.run ? source.run.classNames : null,
        datasetSplits: datasetInfo?.splits ?? null,
      });
      await writeFileAtomic(outPath, script);
      files.push(outPath);
      break;
    }
  }
  let verification: Verification | null = null;
  if (format !== 'keras-script') {
    progress('verifying', 0.6, `Reloading ${outPath} and comparing predictions`);
    const inputs = await verificationInputs(source, options.samples ?? 64);
    try {
      verification = { ...(await verifyExport(format, outPath, source, inputs)), tolerance: options.tolerance ?? VERIFY_TOLERANCE };
    } finally {
      for (const entry of inputs.tensors) entry.tensor.dispose();
    }
  }
  const warnings = format === 'tfjs' ? tfjsPortabilityWarnings(source.graph) : [];
  const card = buildModelCard(source, format, preprocessing, verification, warnings);
  // The card goes into the file once the file is verified (it records the verification), and beside it.
  const embedIn = embeddedCardFile(format, outPath);
  if (embedIn !== null && format !== 'keras-script') await writeFileAtomic(embedIn, await withEmbeddedModelCard(format, embedIn, card));
  const modelFile = embedIn ?? outPath;
  let cardFiles;
  try {
    cardFiles = await writeModelCard(modelFile, card);
  } catch (error) {
    throw writeError(error, modelFile);
  }
  files.push(cardFiles.json, cardFiles.markdown);
  if (verification !== null && !(verification.maxAbsDiff <= verification.tolerance)) {
    throw new LabError('EXPORT_VERIFY_FAILED', `Expected the reloaded ${format} model to predict within ${verification.tolerance} of the lab's model. ${received('maxAbsDiff', verification.maxAbsDiff)}`, { path: outPath, verification });
  }
  progress('done', 1, verification ? `Verified: max difference ${verification.maxAbsDiff.toExponential(2)} on ${verification.samples} ${verification.inputs === 'test-split' ? 'test images' : 'random inputs'}` : `Wrote ${outPath}`);
  return { format, files, modelCardPath: cardFiles.json, verification, warnings };
}
