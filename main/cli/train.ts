import fs from 'node:fs/promises';
import path from 'node:path';
import { LabError, received } from '../../common/errors';
import type { LabEvent } from '../../common/api/events';
import { augmentationSchema } from '../../common/data/augmentation';
import { backendNameSchema } from '../../common/training/backend';
import type { RunEvent } from '../../common/api/methods/runs';
import { hyperparametersSchema, type HyperparametersInput } from '../../common/training/hyperparameters';
import { lossNameSchema } from '../../common/training/losses';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../common/training/optimizers';
import type { LabService } from '../api/labService';
import type { CliCommand, CliIo } from './command';
import { loadGraphArgument, parseCommandArgs } from './graphArgument';
import { parseTransferSourceArgument } from './transferSourceArgument';
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
                       name and weight shapes takes its weights (see \`model-lab transfer\`)
  --name TEXT          run name
  --json               print every event as one JSON line instead
`;

const OPTIONS = {
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
  name: { type: 'string' },
  input: { type: 'string' },
  classes: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

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

/** Builds the hyperparameters from the options (unset options keep Keras defaults). */
function hyperparametersFrom(values: Record<string, string | boolean | undefined>): HyperparametersInput {
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
        io.out(`Epoch ${r.epoch}/${event.epochs} - ${r.seconds.toFixed(1)}s - ${Math.round(r.imagesPerSecond)} img/s - ${formatLogs(r.logs)} - lr ${r.learningRate.toPrecision(3)}\n`);
        for (const d of event.diagnosis) io.out(`  ${d.kind}: ${d.message} ${d.evidence}\n    try: ${d.suggestions[0] ?? ''}\n`);
      } else if (event.type === 'run.done') {
        clearBar();
        const best = event.best ? ` Best ${event.best.monitor} ${event.best.value?.toFixed(4) ?? '-'} at epoch ${event.best.epoch}.` : '';
        io.out(`${event.message}${best}\n`);
      } else if (event.type === 'run.failed') {
        clearBar();
        io.err(`Run failed [${event.code}]: ${event.reason} (last good epoch: ${event.lastGoodEpoch})\n`);
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
  usage: 'train <graph.json | template> --data <dataset> [--epochs --batch --optimizer --lr --augment --initial-weights --backend --json]',
  description: 'Train a model in its own process with live progress; Ctrl-C stops and keeps checkpoints.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (values.data === undefined) throw new LabError('API_BAD_INPUT', 'Expected --data with a dataset id or folder. Received: nothing', { field: 'data' });
    const backend = values.backend === undefined ? undefined : backendNameSchema.safeParse(values.backend);
    if (backend && !backend.success) {
      throw new LabError('API_BAD_INPUT', `Expected --backend to be one of ${backendNameSchema.options.join(', ')}. ${received('backend', values.backend)}`, { field: 'backend' });
    }
    const hyperparameters = hyperparametersFrom(values);
    const place = await resolveRunPlace(values);
    // Before the data import or the backend speak: where the run goes is the first thing said.
    (values.json ? io.err : io.out)(`${writingRunLine(place)}\n`);
    if (values['initial-weights'] !== undefined) hyperparameters.initialWeights = await parseTransferSourceArgument(values['initial-weights'], place.projectDir);
    const service = await serviceFactory();
    const data = await resolveData(service, values.data, io, values.json === true);
    const graph = await loadGraphArgument(positionals[0], {
      input: values.input ?? (positionals[0]?.endsWith('.json') ? undefined : data.imageShape.join('x')),
      classes: values.classes ?? (positionals[0]?.endsWith('.json') ? undefined : String(data.classes)),
    }, serviceFactory);
    const { runId, runDir } = await service.call('startRun', {
      graph, dataset: data.dataset, hyperparameters,
      ...projectDirOf(place),
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(backend?.success ? { backend: backend.data } : {}),
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
