import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError, received } from '../../common/errors';
import type { LabEvent } from '../../common/api/events';
import { augmentationSchema } from '../../common/data/augmentation';
import { backendNameSchema, type BackendName } from '../../common/training/backend';
import type { RunEvent } from '../../common/api/methods/runs';
import { hyperparametersSchema, type HyperparametersInput } from '../../common/training/hyperparameters';
import { lossNameSchema } from '../../common/training/losses';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../common/training/optimizers';
import type { LabService } from '../api/labService';
import type { ModelGraph } from '../../common/graph/schema';
import type { CliCommand, CliIo, ServiceFactory } from './command';
import { loadGraphArgument, parseCommandArgs } from './graphArgument';
import { parseTransferSourceArgument } from './transferSourceArgument';
import type { TransferSource } from '../../common/training/transferSource';
import { applicationRequestOf } from '../../common/templates/applicationRequest';
import { isKerasWeightsOnlyFile } from '../formats/keras/kerasWeightsFile';
import { RUN_PLACE_HELP, RUN_PLACE_OPTIONS, projectDirOf, resolveRunPlace, writingRunLine } from './runPlace';

const HELP = `Usage: model-lab train <graph.json | template-id> --data <dataset-id | folder> [options]

Trains a model in its own process and prints a progress bar with ETA and one line per
epoch. Ctrl-C stops at the next batch and keeps the best and last checkpoints.

  --data PATH|ID       a dataset id, a dataset cache folder, or images to import first
                       (an image folder, IDX files such as Fashion-MNIST, CIFAR-10 batches)
  --epochs N           epochs (default 1)
  --batch N            batch size (default 32)
  --optimizer NAME     ${OPTIMIZER_NAMES.join(', ')} (default adam)
  --lr X               learning rate (default: the optimizer's Keras default)
  --loss NAME          ${lossNameSchema.options.join(', ')}
  --augment LIST       e.g. flip,rotate=15,shift=0.1,zoom=0.1,contrast=0.2,cutout=0.25
  --val-split X        validate on the last fraction of the training split
  --early-stop N       stop after N epochs without val_loss improvement (restores the best weights)
  --seed N             seed of weights, shuffling and augmentation (default 42)
  --backend NAME       ${backendNameSchema.options.join(', ')} (default: best available)
${RUN_PLACE_HELP}
  --initial-weights S  start from a run's best checkpoint (a run id, of the same project)
                       or a model file (.h5, .keras, model.json): every layer with the same
                       name and weight shapes takes its weights (see \`model-lab transfer\`);
                       or a Keras weights file (the ImageNet .h5 files of keras.applications)
                       for a model built on a Keras Applications template, checked against it
  --fine-tune-from L   two-phase fine-tuning: after --epochs with the base frozen, unfreeze
                       layer L and every layer after it (e.g. block5_conv1 of VGG16, conv5_block1_1_conv
                       of ResNet50, conv2d_80 to train InceptionV3's top two mixed blocks)
  --fine-tune-epochs N epochs of the fine-tuning phase (default: as many as --epochs)
  --fine-tune-lr X     learning rate of the fine-tuning phase, fresh optimizer (default 1e-5)
  --name TEXT          run name
  --json               print every event as one JSON line instead
`;

/** The options of `model-lab train`; `model-lab grid` takes them too, except `--name`. */
export const TRAIN_OPTIONS = {
  data: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  loss: { type: 'string' },
  augment: { type: 'string' },
  'val-split': { type: 'string' },
  'early-stop': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  ...RUN_PLACE_OPTIONS,
  'initial-weights': { type: 'string' },
  'fine-tune-from': { type: 'string' },
  'fine-tune-epochs': { type: 'string' },
  'fine-tune-lr': { type: 'string' },
  name: { type: 'string' },
  input: { type: 'string' },
  classes: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Keras's transfer-learning guide fine-tunes at 1e-5 after training the head at 1e-3. */
const DEFAULT_FINE_TUNE_RATE = 1e-5;

function positiveNumber(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new LabError('API_BAD_INPUT', `Expected --${name} to be a positive ${integer ? 'integer' : 'number'}. ${received(name, text)}`, { field: name, received: text });
  }
  return value;
}

/**
 * Parses `--augment flip,rotate=15,shift=0.1` into augmentation options (Keras
 * ImageDataGenerator names in camelCase are accepted too: `rotationRange=15`).
 *
 * @throws LabError `API_BAD_INPUT` naming the unknown item.
 */
export function parseAugmentOption(text: string): ReturnType<typeof augmentationSchema.parse> {
  const aliases: Record<string, string> = {
    flip: 'horizontalFlip', hflip: 'horizontalFlip', vflip: 'verticalFlip', rotate: 'rotationRange', shift: 'shift', zoom: 'zoomRange',
    shear: 'shearRange', contrast: 'contrastRange', cutout: 'cutoutSize', brightness: 'brightnessRange',
  };
  const raw: Record<string, unknown> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key = '', value] = item.split('=');
    const field = aliases[key] ?? key;
    if (field === 'shift') {
      raw['widthShiftRange'] = Number(value ?? 0.1);
      raw['heightShiftRange'] = Number(value ?? 0.1);
    } else if (field === 'horizontalFlip' || field === 'verticalFlip') {
      raw[field] = value === undefined ? true : value === 'true';
    } else if (field === 'brightnessRange') {
      const delta = Number(value ?? 0.2);
      raw[field] = [1 - delta, 1 + delta];
    } else {
      raw[field] = Number(value);
    }
  }
  const parsed = augmentationSchema.strict().safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabError('API_BAD_INPUT', `Expected --augment items such as flip, rotate=15, shift=0.1, zoom=0.1: ${issue?.message ?? ''} at ${issue?.path.join('.') || 'item'}. ${received('augment', text)}`, { field: 'augment', received: text });
  }
  return parsed.data;
}

/** Seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** `loss 0.4312 - accuracy 0.8801` from Keras-style logs. */
export function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs).map(([key, value]) => `${key} ${value.toFixed(4)}`).join(' - ');
}

/** Resolves `--data`: a known id or cache folder as is; anything else is imported first. */
async function resolveData(service: LabService, data: string, io: CliIo, json: boolean): Promise<{ dataset: string; imageShape: number[]; classes: number }> {
  const cacheInfo = path.join(data, 'info.json');
  const isPath = data.includes('/') || data.includes(path.sep) || (await fs.stat(data).then(() => true, () => false));
  if (!isPath || (await fs.access(cacheInfo).then(() => true, () => false))) {
    const info = await service.call('getDatasetInfo', isPath ? { id: path.basename(data), root: path.dirname(path.resolve(data)) } : { id: data });
    return { dataset: isPath ? path.resolve(data) : data, imageShape: info.imageShape, classes: info.classes.length };
  }
  if (!json) io.err(`Importing ${data} into the dataset cache...\n`);
  const { info } = await service.call('importDataset', { path: path.resolve(data) });
  return { dataset: info.cacheDir, imageShape: info.imageShape, classes: info.classes.length };
}

/**
 * Parses `--backend`; undefined when it is not given.
 *
 * @throws LabError `API_BAD_INPUT` for a name that is not a backend.
 */
export function parseBackendOption(text: string | undefined): BackendName | undefined {
  if (text === undefined) return undefined;
  const backend = backendNameSchema.safeParse(text);
  if (!backend.success) throw new LabError('API_BAD_INPUT', `Expected --backend to be one of ${backendNameSchema.options.join(', ')}. ${received('backend', text)}`, { field: 'backend' });
  return backend.data;
}

/**
 * `--data`, which training needs.
 *
 * @throws LabError `API_BAD_INPUT` when it is not given.
 */
export function requireDataOption(data: string | undefined): string {
  if (data === undefined) throw new LabError('API_BAD_INPUT', 'Expected --data with a dataset id or folder. Received: nothing', { field: 'data' });
  return data;
}

/**
 * The dataset of `--data` (imported first when it is a folder of images) and the graph
 * to train on it: a graph file, or a template sized to the data's images and classes
 * unless `--input` / `--classes` say otherwise.
 *
 * @throws the errors of the import and of the graph argument.
 */
export async function graphAndData(
  service: LabService,
  graphArgument: string | undefined,
  dataOption: string,
  values: { input?: string; classes?: string; json?: boolean },
  io: CliIo,
  serviceFactory: ServiceFactory,
): Promise<{ graph: ModelGraph; dataset: string }> {
  const data = await resolveData(service, dataOption, io, values.json === true);
  const template = !graphArgument?.endsWith('.json');
  const graph = await loadGraphArgument(graphArgument, {
    input: values.input ?? (template ? data.imageShape.join('x') : undefined),
    classes: values.classes ?? (template ? String(data.classes) : undefined),
  }, serviceFactory);
  return { graph, dataset: data.dataset };
}

/** Builds the hyperparameters from the options (unset options keep Keras defaults). */
export function hyperparametersFrom(values: Record<string, string | boolean | undefined>): HyperparametersInput {
  const hp: HyperparametersInput = {};
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const optimizerName = text('optimizer') ?? 'adam';
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(optimizerName)) {
    throw new LabError('API_BAD_INPUT', `Expected --optimizer to be one of ${OPTIMIZER_NAMES.join(', ')}. ${received('optimizer', optimizerName)}`, { field: 'optimizer', received: optimizerName });
  }
  const lr = text('lr');
  hp.optimizer = { name: optimizerName as OptimizerName, ...(lr !== undefined ? { learningRate: positiveNumber('lr', lr, false) } : {}) } as HyperparametersInput['optimizer'];
  if (text('epochs') !== undefined) hp.epochs = positiveNumber('epochs', text('epochs') as string, true);
  if (text('batch') !== undefined) hp.batchSize = positiveNumber('batch', text('batch') as string, true);
  if (text('seed') !== undefined) hp.seed = Number(text('seed'));
  if (text('val-split') !== undefined) hp.validationSplit = positiveNumber('val-split', text('val-split') as string, false);
  if (text('augment') !== undefined) hp.augmentation = parseAugmentOption(text('augment') as string);
  if (text('early-stop') !== undefined) hp.earlyStopping = { patience: positiveNumber('early-stop', text('early-stop') as string, true), restoreBestWeights: true };
  const fineTuneFrom = text('fine-tune-from');
  if (fineTuneFrom !== undefined) {
    hp.fineTune = {
      fromLayer: fineTuneFrom,
      epochs: text('fine-tune-epochs') !== undefined ? positiveNumber('fine-tune-epochs', text('fine-tune-epochs') as string, true) : (hp.epochs ?? 1),
      learningRate: text('fine-tune-lr') !== undefined ? positiveNumber('fine-tune-lr', text('fine-tune-lr') as string, false) : DEFAULT_FINE_TUNE_RATE,
    };
  } else if (text('fine-tune-epochs') !== undefined || text('fine-tune-lr') !== undefined) {
    throw new LabError('API_BAD_INPUT', 'Expected --fine-tune-from LAYER with --fine-tune-epochs and --fine-tune-lr (the layer to unfreeze from). Received: nothing', { field: 'fine-tune-from' });
  }
  if (text('loss') !== undefined) {
    const loss = lossNameSchema.safeParse(text('loss'));
    if (!loss.success) throw new LabError('API_BAD_INPUT', `Expected --loss to be one of ${lossNameSchema.options.join(', ')}. ${received('loss', text('loss'))}`, { field: 'loss' });
    hp.loss = loss.data;
  }
  const parsed = hyperparametersSchema.safeParse(hp);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabError('API_BAD_INPUT', `Invalid training option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`, { field: issue?.path.join('.') });
  }
  return hp;
}

/**
 * The `--initial-weights` source: a weights-only Keras file goes into the Keras Applications
 * template the graph was built from; anything else is a run or a model file.
 *
 * @throws LabError `API_BAD_INPUT` for a weights-only file and a graph built on no Keras Application.
 */
async function initialWeightsSource(argument: string, projectDir: string | undefined, graph: ModelGraph): Promise<TransferSource> {
  if (!(await isKerasWeightsOnlyFile(argument))) return parseTransferSourceArgument(argument, projectDir);
  const template = applicationRequestOf(graph);
  if (template === null) {
    throw new LabError('API_BAD_INPUT', `Expected a model built on a Keras Applications template (vgg16, vgg19, resnet50, inceptionv3, mobilenetv2) for the weights-only file ${path.basename(argument)}; build one with \`model-lab transfer <template> --weights-file ${argument}\`. ${received('initial-weights', argument)}`, { field: 'initial-weights', path: argument });
  }
  return { weightsPath: path.resolve(argument), template };
}

/** Draws `[=====>    ]` for a fraction. */
function bar(fraction: number, width = 24): string {
  const filled = Math.min(width, Math.round(fraction * width));
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}]`;
}

/**
 * Follows a run's events until it ends, printing Keras-like progress. Resolves with the
 * final event.
 */
export function followRun(service: LabService, runId: string, io: CliIo, json: boolean): Promise<Extract<RunEvent, { type: 'run.done' | 'run.failed' }>> {
  return new Promise((resolve) => {
    let barShown = false;
    const clearBar = (): void => {
      if (barShown) io.out('\r\x1b[2K');
      barShown = false;
    };
    const unsubscribe = service.onEvent((event: LabEvent) => {
      if (!('runId' in event) || event.runId !== runId) {
        if (event.type === 'log' && !json) {
          clearBar();
          io.err(`${event.level}: ${event.message}\n`);
        }
        return;
      }
      if (json) {
        io.out(`${JSON.stringify(event)}\n`);
      } else if (event.type === 'run.started') {
        io.out(`Training ${runId} on ${event.backend.chosen} (${event.backend.device}): ${event.totalParams.toLocaleString('en-US')} parameters, `
          + `${event.trainExamples} training / ${event.validationExamples} validation images, ${event.stepsPerEpoch} steps per epoch\n`);
      } else if (event.type === 'run.batch' && io.isTty) {
        io.out(`\r\x1b[2KEpoch ${event.epoch} ${bar(event.batch / event.batches)} ${event.batch}/${event.batches} - ${formatLogs(event.logs)} - ${Math.round(event.imagesPerSecond)} img/s - ETA ${formatDuration(event.etaSeconds)}`);
        barShown = true;
      } else if (event.type === 'run.epoch') {
        clearBar();
        const r = event.record;
        io.out(`Epoch ${r.epoch}/${event.epochs}${r.phase === 2 ? ' (fine-tuning)' : ''} - ${r.seconds.toFixed(1)}s - ${Math.round(r.imagesPerSecond)} img/s - ${formatLogs(r.logs)} - lr ${r.learningRate.toPrecision(3)}\n`);
        for (const d of event.diagnosis) io.out(`  ${d.kind}: ${d.message} ${d.evidence}\n    try: ${d.suggestions[0] ?? ''}\n`);
      } else if (event.type === 'run.done') {
        clearBar();
        const best = event.best ? ` Best ${event.best.monitor} ${event.best.value?.toFixed(4) ?? '-'} at epoch ${event.best.epoch}.` : '';
        io.out(`${event.message}${best}\n`);
      } else if (event.type === 'run.failed') {
        clearBar();
        io.err(`Run failed [${event.code}]: ${event.reason} (${event.lastGoodEpoch > 0 ? `last good epoch: ${event.lastGoodEpoch}` : 'no epoch saved'})\n`);
      } else if (event.type === 'run.status') {
        clearBar();
        io.out(`Run ${event.status}.\n`);
      }
      if (event.type === 'run.done' || event.type === 'run.failed') {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

/**
 * `model-lab train`: trains a graph or template on a dataset through LabApi, in its own
 * process. Exit codes: 0 done, 1 failed, 130 stopped by Ctrl-C.
 */
export const trainCommand: CliCommand = {
  name: 'train',
  usage: 'train <graph.json | template> --data <dataset> [--epochs --batch --optimizer --lr --augment --initial-weights --fine-tune-* --backend --json]',
  description: 'Train a model in its own process with live progress; Ctrl-C stops and keeps checkpoints.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, TRAIN_OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const dataOption = requireDataOption(values.data);
    const backend = parseBackendOption(values.backend);
    const hyperparameters = hyperparametersFrom(values);
    const place = await resolveRunPlace(values);
    // Before the data import or the backend speak: where the run goes is the first thing said.
    (values.json ? io.err : io.out)(`${writingRunLine(place)}\n`);
    const service = await serviceFactory();
    const { graph, dataset } = await graphAndData(service, positionals[0], dataOption, values, io, serviceFactory);
    if (values['initial-weights'] !== undefined) hyperparameters.initialWeights = await initialWeightsSource(values['initial-weights'], place.projectDir, graph);
    const { runId, runDir } = await service.call('startRun', {
      graph, dataset, hyperparameters,
      ...projectDirOf(place),
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(backend !== undefined ? { backend } : {}),
    });
    if (!values.json) io.out(`Run folder: ${runDir}\n`);
    let interrupted = false;
    const onSigint = (): void => {
      if (interrupted) process.exit(130);
      interrupted = true;
      io.err('\nStopping at the next batch (Ctrl-C again to quit at once)...\n');
      void service.call('stopRun', { runId, ...projectDirOf(place) }).catch(() => undefined);
    };
    process.on('SIGINT', onSigint);
    try {
      const end = await followRun(service, runId, io, values.json === true);
      if (end.type === 'run.failed') return 1;
      return interrupted ? 130 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
