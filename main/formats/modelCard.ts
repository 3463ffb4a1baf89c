import fs from 'node:fs/promises';
import path from 'node:path';
import { modelCardSchema, type ExportFormat, type ModelCard, type Verification } from '../../common/api/methods/models';
import { analyzeGraph } from '../../common/graph/analysis';
import type { Preprocessing } from '../../common/data/preprocessing';
import { describeBasePreprocessing, pixelTransformOf, type BasePreprocessing } from '../../common/data/basePreprocessing';
import type { ExportSource } from './exportSource';
import { writeFilesAtomic } from '../project/atomicWrite';
import { describeVerification } from '../../common/text/describeVerification';

/**
 * The card files beside a model file: `<file name>.model-card.json` and `.md`, e.g.
 * `a.h5.model-card.json`. Named after the whole file name, extension included, so two
 * exports into one folder never share a card: not `a.h5` and `b.h5`, nor `a.h5` and
 * `a.onnx`. A TF.js folder's card lies beside its `model.json`.
 */
export function modelCardFiles(modelFile: string): { json: string; markdown: string } {
  return { json: `${modelFile}.model-card.json`, markdown: `${modelFile}.model-card.md` };
}

/** The one card a folder held before cards were named after their model (read on import only). */
export const FOLDER_MODEL_CARD = 'model-card.json';

/** The card's record of a base's `preprocess_input`: its name, its words and its exact per-channel recipe. */
function inputPreprocessingRecord(base: BasePreprocessing): NonNullable<ModelCard['inputPreprocessing']> {
  const transform = pixelTransformOf({ scale: 1, offset: 0 }, base);
  return { ...base, description: describeBasePreprocessing(base), channelOrder: transform.reverseChannels ? 'bgr' : 'rgb', scale: [...transform.scale], offset: [...transform.offset] };
}

/** `pixel * scale + offset` when one scale and offset apply to every channel in RGB order, else null. */
function scalarNormalization(preprocessing: Preprocessing | null, base: BasePreprocessing | undefined): ModelCard['normalization'] {
  if (!base) return preprocessing ? { scale: preprocessing.scale, offset: preprocessing.offset } : null;
  const transform = pixelTransformOf({ scale: 1, offset: 0 }, base);
  const [scale] = transform.scale;
  const [offset] = transform.offset;
  return !transform.reverseChannels && transform.scale.length === 1 && transform.offset.length === 1 && scale !== undefined && offset !== undefined ? { scale, offset } : null;
}

/**
 * The card of an export: what the model expects (input size, colour mode, resize mode,
 * normalisation or the base's preprocess_input), its classes, and how it was trained.
 */
export function buildModelCard(source: ExportSource, format: ExportFormat, preprocessing: Preprocessing | null, verification: Verification | null, warnings: readonly string[] = [], now = new Date()): ModelCard {
  const analysis = analyzeGraph(source.graph);
  const inputNode = source.graph.nodes.find((node) => node.id === analysis.inputs[0]);
  const inputShape = (inputNode ? analysis.shapes[inputNode.id]?.slice(1) : undefined) ?? [];
  const run = source.run;
  return modelCardSchema.parse({
    schemaVersion: 1,
    modelName: source.graph.name,
    format,
    createdAt: now.toISOString(),
    classNames: run ? [...run.classNames] : null,
    inputShape,
    colorMode: preprocessing?.colorMode ?? null,
    resizeMode: preprocessing?.resizeMode ?? null,
    normalization: scalarNormalization(preprocessing, source.graph.metadata.inputPreprocessing),
    inputPreprocessing: source.graph.metadata.inputPreprocessing ? inputPreprocessingRecord(source.graph.metadata.inputPreprocessing) : null,
    dataset: run ? { name: run.spec.dataset.name, fingerprint: run.spec.dataset.fingerprint } : null,
    metrics: run?.finalLogs ?? null,
    hyperparameters: run ? (JSON.parse(JSON.stringify(run.spec.hyperparameters)) as Record<string, unknown>) : null,
    source: run ? { runId: run.spec.id, checkpoint: run.checkpoint, epoch: run.epoch } : null,
    parameters: analysis.totals,
    verification,
    warnings: [...warnings],
  });
}

function row(label: string, value: string): string {
  return `| ${label} | ${value.replace(/\|/g, '\\|')} |`;
}

/** The card as a README-style Markdown page. */
export function modelCardMarkdown(card: ModelCard): string {
  const lines = [
    `# ${card.modelName}`,
    '',
    `Exported by Model Lab as **${card.format}** on ${card.createdAt}.`,
    '',
    '## Input',
    '',
    '| | |',
    '|---|---|',
    row('Shape (NHWC, without batch)', JSON.stringify(card.inputShape)),
    row('Colour mode', card.colorMode ?? 'not recorded'),
    row('Resize mode', card.resizeMode ?? 'not recorded'),
    row('Normalisation', card.normalization ? `pixel * ${card.normalization.scale} + ${card.normalization.offset}` : card.inputPreprocessing ? 'per channel, see preprocessing' : 'not recorded'),
    ...(card.inputPreprocessing ? [row('Preprocessing', `${card.inputPreprocessing.description}; exactly: ${card.inputPreprocessing.channelOrder.toUpperCase()} order, pixel * [${card.inputPreprocessing.scale.join(', ')}] + [${card.inputPreprocessing.offset.join(', ')}]`)] : []),
    '',
    '## Output',
    '',
    card.classNames ? `Classes by output index: ${card.classNames.map((name, index) => `${index} = ${name}`).join(', ')}.` : 'No class names (the model was not trained on a dataset).',
    '',
    '## Training',
    '',
    card.dataset ? `Dataset **${card.dataset.name}**, fingerprint \`${card.dataset.fingerprint}\`.` : 'Freshly initialised weights; not trained.',
    card.source ? `Weights from run \`${card.source.runId}\`, ${card.source.checkpoint} checkpoint (epoch ${card.source.epoch}).` : '',
    '',
    `Parameters: ${card.parameters.total.toLocaleString('en-US')} (${card.parameters.trainable.toLocaleString('en-US')} trainable, ${card.parameters.nonTrainable.toLocaleString('en-US')} non-trainable).`,
    '',
  ];
  if (card.metrics) {
    lines.push('### Metrics (last epoch)', '', '| Metric | Value |', '|---|---|', ...Object.entries(card.metrics).map(([name, value]) => row(name, String(value))), '');
  }
  if (card.hyperparameters) {
    lines.push('### Hyperparameters', '', '```json', JSON.stringify(card.hyperparameters, null, 2), '```', '');
  }
  if (card.warnings.length > 0) lines.push('## Warnings', '', ...card.warnings.map((warning) => `- ${warning}`), '');
  lines.push('## Verification', '');
  lines.push(card.verification ? describeVerification(card.verification) : 'Not applicable: this format carries no weights.');
  return `${lines.filter((line, index, all) => !(line === '' && all[index - 1] === '')).join('\n')}\n`;
}

/** Writes the card's JSON and Markdown files beside `modelFile`; returns their paths. */
export async function writeModelCard(modelFile: string, card: ModelCard): Promise<{ json: string; markdown: string }> {
  const files = modelCardFiles(modelFile);
  await writeFilesAtomic([{ file: files.json, data: `${JSON.stringify(card, null, 2)}\n` }, { file: files.markdown, data: modelCardMarkdown(card) }]);
  return files;
}

/** A card from JSON text, or null when it does not parse as one. */
export function parseModelCard(text: string): ModelCard | null {
  try {
    const parsed = modelCardSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function readCardFile(file: string): Promise<ModelCard | null> {
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  return text === null ? null : parseModelCard(text);
}

/**
 * The card beside `modelFile`: its own `<file name>.model-card.json`, else the folder's
 * `model-card.json` of earlier exports when that card is of the same format (a folder of
 * several exports kept only the last one's card, which must not pass for another format's).
 *
 * @returns null when there is none or it does not parse.
 */
export async function readModelCardBeside(modelFile: string, format: ExportFormat | 'keras-json'): Promise<ModelCard | null> {
  const own = await readCardFile(modelCardFiles(modelFile).json);
  if (own !== null) return own;
  const folderCard = await readCardFile(path.join(path.dirname(modelFile), FOLDER_MODEL_CARD));
  return folderCard !== null && folderCard.format === format ? folderCard : null;
}
