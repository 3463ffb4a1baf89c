import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CliCommand, CliIo } from './command';
import { parseCommandArgs } from './graphArgument';
import { LabError, received } from '../../common/errors';
import { classLabel } from '../../common/text/classLabel';
import type { DatasetInfo, DatasetProgressEvent, DatasetStats, ImportResult } from '../../common/api/methods/datasets';
import { CACHE_FILES, readDatasetInfo } from '../data/datasetCache';
import { buildDatasetStats, type StoredStats } from '../data/stats';

const HELP = `Usage:
  model-lab data import <path> [--size 28x28] [--mode grayscale|rgb] [--resize squash|center-crop|letterbox]
                               [--val 0.1] [--test 0.1] [--seed 1] [--name NAME] [--kind auto|folder|idx|cifar10] [--json]
  model-lab data info <dataset-id | dataset-folder> [--json]
  model-lab data list [--json]
  model-lab data builtins [--json]
  model-lab data download <mnist | fashion-mnist | cifar10 | fashion-mnist-sample> [--json]
  model-lab data rename-class <dataset-id> <label | current name> <new name> [--json]
  model-lab data adapt <dataset-id> --size 75x75 [--mode rgb|grayscale] [--json]

Imports image folders (one subfolder per class; optional train/, validation/, test/),
IDX files (MNIST) and CIFAR-10 batches into the dataset cache, and shows what is in it.
MNIST, Fashion-MNIST and CIFAR-10 are recognised by their files' content and get their
class names; rename-class changes one name (evaluations, exports and model cards of the
dataset's runs show the new one). \`adapt\` copies a dataset at another size or colour mode
(three channels from grayscale), each image keeping its label and split: what a pretrained
base's input needs.
`;

/** Parses "28x28" (height x width) or "32" (square). */
function parseSize(text: string): [number, number] {
  const match = /^(\d+)(?:x(\d+))?$/.exec(text.trim());
  const height = match ? Number(match[1]) : Number.NaN;
  const width = match ? Number(match[2] ?? match[1]) : Number.NaN;
  if (!(height > 0 && width > 0)) throw new LabError('API_BAD_INPUT', `Expected --size as HEIGHTxWIDTH, e.g. 28x28. Received: size=${JSON.stringify(text)}`, { field: 'size', received: text });
  return [height, width];
}

/** `--size`, which `data adapt` requires. */
function requireSize(text: string | undefined): [number, number] {
  if (text === undefined) throw new LabError('API_BAD_INPUT', 'Expected --size HEIGHTxWIDTH for the adapted copy, e.g. 75x75. Received: nothing', { field: 'size' });
  return parseSize(text);
}

function parseFraction(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new LabError('API_BAD_INPUT', `Expected --${name} as a fraction in [0, 1). Received: ${name}=${JSON.stringify(text)}`, { field: name, received: text });
  return value;
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Prints progress: redrawn in place on a terminal, one line per second otherwise. */
function progressPrinter(io: CliIo): { onEvent(event: DatasetProgressEvent): void; end(): void } {
  let lastLine = 0;
  let open = false;
  return {
    onEvent(event) {
      const total = event.total > 0 ? `/${event.total}` : '';
      const unit = event.phase === 'download' ? ' bytes' : '';
      const line = `${event.phase.padEnd(8)} ${event.done}${total}${unit}  ${event.rate.toFixed(0)}/s  eta ${formatEta(event.etaSeconds)}`;
      if (io.isTty) {
        io.err(`\r\u001b[2K${line}`);
        open = true;
      } else if (Date.now() - lastLine >= 1000 || (event.total > 0 && event.done >= event.total)) {
        lastLine = Date.now();
        io.err(`${line}\n`);
      }
    },
    end() {
      if (open) io.err('\n');
      open = false;
    },
  };
}

function printImport(io: CliIo, result: ImportResult): void {
  const { info, report } = result;
  io.out(`${report.reused ? 'Up to date' : 'Imported'}: ${info.name} (id ${info.id})\n`);
  io.out(`  images   ${info.imageShape.join('x')} (${info.preprocessing.colorMode}, ${info.preprocessing.resizeMode})\n`);
  io.out(`  classes  ${info.classes.length}: ${info.classes.join(', ')}\n`);
  printKnownDataset(io, info);
  io.out(`  splits   train ${info.splits.train}, validation ${info.splits.validation}, test ${info.splits.test}\n`);
  io.out(`  decoded  ${report.decoded}, reused ${report.reusedRecords}, ${(report.durationMs / 1000).toFixed(1)} s (${report.rate.toFixed(0)} images/s)\n`);
  for (const warning of report.warnings) io.out(`  warning  ${warning}\n`);
  if (report.skipped.length > 0) {
    io.out(`  skipped  ${report.skipped.length} file(s):\n`);
    for (const file of report.skipped) io.out(`    ${file.path}: ${file.reason}\n`);
  }
}

/** Says which standard dataset the files were recognised as, and how sure that is. */
function printKnownDataset(io: CliIo, info: DatasetInfo): void {
  if (!info.knownDataset) return;
  const how = info.knownDataset.match === 'checksum' ? 'by the SHA-256 of every file' : 'by file sizes and headers (no published checksum)';
  io.out(`  known    ${info.knownDataset.name}, recognised ${how}\n`);
}

/**
 * The class list of `info` with the class named by `which` (its label, or its current name)
 * renamed to `to`.
 *
 * @throws LabError `API_BAD_INPUT` when no class has that label or name.
 */
export function renamedClassList(info: Pick<DatasetInfo, 'classes' | 'name'>, which: string, to: string): string[] {
  const byName = info.classes.indexOf(which);
  const byLabel = /^\d+$/.test(which) ? Number(which) : -1;
  const index = byName >= 0 ? byName : byLabel;
  if (index < 0 || index >= info.classes.length) {
    throw new LabError('API_BAD_INPUT', `Expected a label in [0, ${info.classes.length - 1}] or a class name of ${info.name} (${info.classes.join(', ')}). ${received('class', which)}`, { field: 'class', received: which });
  }
  return info.classes.map((name, label) => (label === index ? to : name));
}

function printStats(io: CliIo, info: DatasetInfo, stats: DatasetStats): void {
  io.out(`${info.name} (id ${info.id}, ${info.source.kind}: ${info.source.path})\n`);
  printKnownDataset(io, info);
  io.out(`  images   ${stats.total} of ${info.imageShape.join('x')}, preprocessing ${info.preprocessing.colorMode} ${info.preprocessing.resizeMode} x${info.preprocessing.scale.toPrecision(4)}\n`);
  io.out(`  splits   train ${info.splits.train}, validation ${info.splits.validation}, test ${info.splits.test}\n`);
  const width = Math.max(5, ...info.classes.map((c) => c.length));
  io.out(`  ${'class'.padEnd(width)}  ${'train'.padStart(7)} ${'val'.padStart(7)} ${'test'.padStart(7)}\n`);
  info.classes.forEach((name, c) => {
    io.out(`  ${name.padEnd(width)}  ${String(info.classCounts.train[c]).padStart(7)} ${String(info.classCounts.validation[c]).padStart(7)} ${String(info.classCounts.test[c]).padStart(7)}\n`);
  });
  if (stats.imbalanceWarning) io.out(`  warning: ${stats.imbalanceWarning}\n`);
  else if (stats.imbalanceRatio !== null) io.out(`  balance: largest/smallest class ${stats.imbalanceRatio.toFixed(2)}\n`);
  io.out(`  mean     ${stats.channelMean.map((v) => v.toFixed(4)).join(', ')}\n`);
  io.out(`  std      ${stats.channelStd.map((v) => v.toFixed(4)).join(', ')}\n`);
  const sizes = stats.sizeDistribution.slice(0, 5).map((s) => `${s.width}x${s.height} (${s.count})`).join(', ');
  io.out(`  sizes    ${sizes}${stats.sizeDistribution.length > 5 ? ', ...' : ''} before resizing\n`);
  if (info.skipped.length > 0) io.out(`  skipped  ${info.skipped.length} file(s) at import\n`);
}

/** `model-lab data <import|info|list|builtins|download>`. */
export const dataCommand: CliCommand = {
  name: 'data',
  usage: 'data <import|info|list|builtins|download|adapt> ...',
  description: 'Import image folders, IDX or CIFAR-10 files into the dataset cache; show dataset stats.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, {
      size: { type: 'string' },
      mode: { type: 'string' },
      resize: { type: 'string' },
      val: { type: 'string' },
      test: { type: 'string' },
      seed: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    const [sub, target] = positionals;
    if (values.help || sub === undefined) {
      io.out(HELP);
      return values.help ? 0 : 2;
    }
    const json = (value: unknown): number => {
      io.out(`${JSON.stringify(value, null, 2)}\n`);
      return 0;
    };
    const service = await serviceFactory();
    if (sub === 'list') {
      const infos = await service.call('listDatasets', {});
      if (values.json) return json(infos);
      if (infos.length === 0) io.out('No datasets yet. Import one with `model-lab data import <folder>`.\n');
      for (const info of infos) io.out(`${info.id.padEnd(36)} ${info.imageShape.join('x').padEnd(10)} ${String(info.classes.length).padStart(4)} classes ${String(info.splits.train + info.splits.validation + info.splits.test).padStart(8)} images  ${info.name}\n`);
      return 0;
    }
    if (sub === 'builtins') {
      const builtins = await service.call('listBuiltinDatasets', {});
      if (values.json) return json(builtins);
      for (const b of builtins) io.out(`${b.id.padEnd(22)} ${b.availability.padEnd(10)} ${b.imageShape.join('x').padEnd(9)} ${b.name}: ${b.description}\n`);
      return 0;
    }
    if (sub === 'rename-class') {
      const [, id, which, to] = positionals;
      if (id === undefined || which === undefined || to === undefined) {
        io.err(`error: data rename-class needs a dataset id, a label or class name, and the new name.\n${HELP}`);
        return 2;
      }
      const info = await service.call('renameClasses', { id, classes: renamedClassList(await service.call('getDatasetInfo', { id }), which, to) });
      if (values.json) return json(info);
      io.out(`${info.name}: classes ${info.classes.map((name, label) => classLabel(label, name)).join(', ')}\n`);
      return 0;
    }
    if (sub !== 'import' && sub !== 'info' && sub !== 'download' && sub !== 'adapt') {
      io.err(`error: unknown data subcommand "${sub}".\n${HELP}`);
      return 2;
    }
    if (target === undefined) {
      io.err(`error: data ${sub} needs an argument.\n${HELP}`);
      return 2;
    }
    if (sub === 'info') {
      const asFolder = await fs.access(path.join(target, CACHE_FILES.info)).then(() => true, () => false);
      let info: DatasetInfo;
      let stats: DatasetStats;
      if (asFolder) {
        info = await readDatasetInfo(path.resolve(target));
        stats = buildDatasetStats(info, JSON.parse(await fs.readFile(path.join(target, CACHE_FILES.stats), 'utf8')) as StoredStats);
      } else {
        info = await service.call('getDatasetInfo', { id: target });
        stats = await service.call('getDatasetStats', { id: target });
      }
      if (values.json) return json({ info, stats });
      printStats(io, info, stats);
      return 0;
    }
    const importId = randomUUID();
    const printer = progressPrinter(io);
    const unsubscribe = service.onEvent((event) => {
      if (event.type === 'dataset.progress' && event.importId === importId && !values.json) printer.onEvent(event);
    });
    try {
      // The string casts below are checked by the method's zod schema in dispatch, which
      // answers API_BAD_INPUT naming the field.
      const result = sub === 'download'
        ? await service.call('downloadBuiltinDataset', { id: target as 'mnist', importId })
        : sub === 'adapt'
          ? await service.call('adaptDataset', { id: target, importId, targetSize: requireSize(values.size), colorMode: (values.mode ?? 'rgb') as 'rgb' })
          : await service.call('importDataset', {
          path: target,
          kind: (values.kind ?? 'auto') as 'auto',
          ...(values.name ? { name: values.name } : {}),
          importId,
          options: {
            ...(values.size ? { targetSize: parseSize(values.size) } : {}),
            ...(values.mode ? { colorMode: values.mode as 'rgb' } : {}),
            ...(values.resize ? { resizeMode: values.resize as 'squash' } : {}),
            ...(parseFraction('val', values.val) !== undefined ? { validationSplit: parseFraction('val', values.val) } : {}),
            ...(parseFraction('test', values.test) !== undefined ? { testSplit: parseFraction('test', values.test) } : {}),
            ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
          },
        });
      printer.end();
      if (values.json) return json(result);
      printImport(io, result);
      return 0;
    } finally {
      printer.end();
      unsubscribe();
    }
  },
};
