import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { modelCardSchema, type ExportFormat, type ModelCard } from '../../common/api/methods/models';
import { openH5 } from './keras/h5Access';
import { readHdf5Isolated } from './keras/hdf5Isolation';
import { modelProtoType } from './onnx/onnxSchema';
import { TFJS_FILES } from './tfjsFormat';
import { parseModelCard } from './modelCard';

/**
 * The model card inside the model file itself, where the format has a place for one, so
 * the card travels with the file wherever it is copied:
 * - Keras `.h5`: the root attribute `model_card` (JSON), beside Keras's own `model_config`;
 * - `.keras`: the archive entry `model_card.json` (Keras reads only its own entries);
 * - ONNX: `metadata_props` entry `model_card`, the place ONNX keeps for such metadata;
 * - TF.js: `userDefinedMetadata.model_card` in `model.json` (`model.getUserDefinedMetadata()`).
 * The Keras training script has no such place; its card is only beside it.
 */
export const EMBEDDED_MODEL_CARD_KEY = 'model_card';

/** The entry of a `.keras` archive that holds the card. */
const KERAS_ARCHIVE_CARD = `${EMBEDDED_MODEL_CARD_KEY}.json`;

/** Where a format keeps its card: the file to rewrite, or null when it has no place for one. */
export function embeddedCardFile(format: ExportFormat, outPath: string): string | null {
  if (format === 'keras-script') return null;
  return format === 'tfjs' ? path.join(outPath, TFJS_FILES.model) : outPath;
}

/** The bytes of an HDF5 file with a root string attribute set; h5wasm edits by path, so it works on a scratch copy. */
async function withH5Attribute(file: string, name: string, value: string): Promise<Uint8Array> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'model-lab-card-'));
  try {
    const scratch = path.join(dir, path.basename(file));
    await fs.copyFile(file, scratch);
    const h5 = await openH5(scratch, 'a');
    try {
      if (name in h5.attrs) h5.delete_attribute(name);
      h5.create_attribute(name, value);
    } finally {
      h5.close();
    }
    return new Uint8Array(await fs.readFile(scratch));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * The bytes of the model file `file` with `card` embedded (the file itself is not changed;
 * the caller writes the bytes where it writes the export).
 */
export async function withEmbeddedModelCard(format: Exclude<ExportFormat, 'keras-script'>, file: string, card: ModelCard): Promise<Uint8Array> {
  const json = JSON.stringify(card);
  switch (format) {
    case 'h5':
      return withH5Attribute(file, EMBEDDED_MODEL_CARD_KEY, json);
    case 'keras': {
      const entries = unzipSync(new Uint8Array(await fs.readFile(file)));
      return zipSync({ ...entries, [KERAS_ARCHIVE_CARD]: strToU8(json) });
    }
    case 'onnx': {
      // A repeated field may appear anywhere in a message and parsers append its entries, so
      // the entry is written after the model's bytes instead of re-encoding every weight.
      const entry = modelProtoType().lookupType('onnx.StringStringEntryProto');
      const bytes = protobuf.Writer.create().uint32((14 << 3) | 2).bytes(entry.encode(entry.create({ key: EMBEDDED_MODEL_CARD_KEY, value: json })).finish()).finish();
      const model = new Uint8Array(await fs.readFile(file));
      const out = new Uint8Array(model.length + bytes.length);
      out.set(model);
      out.set(bytes, model.length);
      return out;
    }
    case 'tfjs': {
      const modelJson = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
      const metadata = typeof modelJson['userDefinedMetadata'] === 'object' && modelJson['userDefinedMetadata'] !== null ? modelJson['userDefinedMetadata'] : {};
      return strToU8(JSON.stringify({ ...modelJson, userDefinedMetadata: { ...metadata, [EMBEDDED_MODEL_CARD_KEY]: card } }));
    }
  }
}

/**
 * The card embedded in a model file, or null when it has none (a file from Keras, an
 * earlier export) or it does not parse. Never throws for a missing or foreign card: the
 * model's own reader reports a damaged file.
 */
export async function readEmbeddedModelCard(format: ExportFormat | 'keras-json', file: string): Promise<ModelCard | null> {
  try {
    switch (format) {
      case 'h5': {
        // The file is the user's: HDF5 reads it on its own thread (see readHdf5Isolated).
        const [card] = await readHdf5Isolated({ kind: 'root-attributes', file, names: [EMBEDDED_MODEL_CARD_KEY] }, file);
        const text = card?.[1] ?? null;
        return text === null ? null : parseModelCard(text);
      }
      case 'keras': {
        const entries = unzipSync(new Uint8Array(await fs.readFile(file)), { filter: (entry) => entry.name === KERAS_ARCHIVE_CARD });
        const bytes = entries[KERAS_ARCHIVE_CARD];
        return bytes === undefined ? null : parseModelCard(strFromU8(bytes));
      }
      case 'onnx': {
        const decoded = modelProtoType().decode(new Uint8Array(await fs.readFile(file))) as unknown as { metadata_props?: { key?: string; value?: string }[] };
        const text = decoded.metadata_props?.findLast((entry) => entry.key === EMBEDDED_MODEL_CARD_KEY)?.value;
        return text === undefined ? null : parseModelCard(text);
      }
      case 'tfjs': {
        const modelJson = JSON.parse(await fs.readFile(file, 'utf8')) as { userDefinedMetadata?: Record<string, unknown> };
        const parsed = modelCardSchema.safeParse(modelJson.userDefinedMetadata?.[EMBEDDED_MODEL_CARD_KEY]);
        return parsed.success ? parsed.data : null;
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}
