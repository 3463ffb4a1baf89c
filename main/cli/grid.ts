import { LabError, received } from '../../common/errors';
import type { GridSearchSummary } from '../../common/api/methods/gridSearch';
import type { RunSummary } from '../../common/api/methods/runs';
import { backendNameSchema } from '../../common/training/backend';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../common/training/optimizers';
import type { LabService } from '../api/labService';
import type { CliCommand, CliIo } from './command';
import { parseCommandArgs } from './graphArgument';
import { TRAIN_OPTIONS, followRun, graphAndData, hyperparametersFrom, parseBackendOption, requireDataOption } from './train';
import { parseTransferSourceArgument } from './transferSourceArgument';

const HELP = `Usage: model-lab grid <graph.json | template-id> --data <dataset-id | folder> [values] [options]
       model-lab grid --resume <grid-id> [--project DIR]

Trains every combination of the grid values, one run after another, with the progress
of \`model-lab train\`, then prints the results best val_loss first. The grid is kept
beside the runs, so one cut off (the machine went down) continues with --resume.
Ctrl-C stops the training run at the next batch and drops the combinations not started.

Values (comma-separated; every combination runs):
  --lr LIST            learning rates, e.g. 0.01,0.001
  --batch LIST         batch sizes, e.g. 16,32
  --dropout LIST       rates set on every Dropout layer, e.g. 0.2,0.5
  --optimizer LIST     ${OPTIMIZER_NAMES.join(', ')}

Options (as in \`model-lab train\`):
  --data PATH|ID       a dataset id, a dataset cache folder, or images to import first
  --epochs N, --loss NAME, --augment LIST, --val-split X, --early-stop N, --seed N
  --initial-weights S  start every run from a run's best checkpoint or a model file
  --backend NAME       ${backendNameSchema.options.join(', ')} (default: best available)
  --project DIR        keep the runs and the grid in this project
  --resume ID          continue a grid search that was cut off
  --json               print every event as one JSON line instead
`;

const { name: _name, ...SHARED_OPTIONS } = TRAIN_OPTIONS;
const OPTIONS = { ...SHARED_OPTIONS, dropout: { type: 'string' }, resume: { type: 'string' } } as const;

/**
 * Parses a comma-separated list of numbers (`0.01,0.001`).
 *
 * @throws LabError `API_BAD_INPUT` naming the option unless each is a number in range.
 */
export function parseNumberList(option: string, text: string | undefined, check: { integer: boolean; below?: number }): number[] {
  if (text === undefined) return [];
  const values = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0).map(Number);
  const valid = (value: number): boolean => Number.isFinite(value) && (check.below === undefined ? value > 0 : value >= 0 && value < check.below) && (!check.integer || Number.isInteger(value));
  if (values.length === 0 || !values.every(valid)) {
    const expected = check.below === undefined ? `positive ${check.integer ? 'integers' : 'numbers'}` : `numbers in [0, ${check.below})`;
    throw new LabError('API_BAD_INPUT', `Expected --${option} as comma-separated ${expected}. ${received(option, text)}`, { field: option, received: text });
  }
  return values;
}

/** Parses `--optimizer adam,sgd`. */
function parseOptimizers(text: string | undefined): OptimizerName[] {
  if (text === undefined) return [];
  const names = text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  const unknown = names.find((name) => !(OPTIMIZER_NAMES as readonly string[]).includes(name));
  if (unknown !== undefined || names.length === 0) {
    throw new LabError('API_BAD_INPUT', `Expected --optimizer as comma-separated names among ${OPTIMIZER_NAMES.join(', ')}. ${received('optimizer', text)}`, { field: 'optimizer', received: text });
  }
  return names as OptimizerName[];
}

/** `name  status  loss  accuracy  val_loss  val_accuracy`, best val_loss first. */
function resultsTable(runs: readonly RunSummary[]): string {
  const metrics = ['loss', 'accuracy', 'val_loss', 'val_accuracy'];
  const key = (run: RunSummary): number => run.finalLogs?.['val_loss'] ?? Infinity;
  const width = Math.max(4, ...runs.map((run) => run.name.length));
  const header = `${'run'.padEnd(width)}  ${'status'.padEnd(9)} ${metrics.map((metric) => metric.padStart(12)).join(' ')}`;
  const rows = [...runs].sort((a, b) => key(a) - key(b)).map((run) =>
    `${run.name.padEnd(width)}  ${run.status.padEnd(9)} ${metrics.map((metric) => (run.finalLogs?.[metric]?.toFixed(4) ?? '-').padStart(12)).join(' ')}`);
  return `${header}\n${rows.join('\n')}\n`;
}

/**
 * Follows a grid until it has ended and its last run has finished: each run the grid
 * starts is followed as `model-lab train` follows one. Resolves with the grid's final summary.
 */
function followGrid(service: LabService, start: GridSearchSummary, io: CliIo, json: boolean): Promise<GridSearchSummary> {
  const followed = new Set<string>();
  const runEnds: Promise<unknown>[] = [];
  const followNewRuns = (grid: GridSearchSummary): void => {
    for (const runId of grid.runIds) {
      if (followed.has(runId)) continue;
      followed.add(runId);
      if (grid.status === 'running' && runId === grid.runIds.at(-1)) {
        if (!json) io.out(`\nGrid ${grid.id}: run ${grid.runIds.length} of ${grid.total}\n`);
        runEnds.push(followRun(service, runId, io, json));
      }
    }
  };
  return new Promise((resolve) => {
    const finish = (grid: GridSearchSummary): void => {
      unsubscribe();
      void Promise.all(runEnds).then(() => resolve(grid));
    };
    // Subscribed before following the first run, so no progress of this grid is missed.
    const unsubscribe = service.onEvent((event) => {
      if (event.type !== 'grid.progress' || event.grid.id !== start.id) return;
      if (json) io.out(`${JSON.stringify(event)}\n`);
      followNewRuns(event.grid);
      if (event.grid.status !== 'running') finish(event.grid);
    });
    followNewRuns(start);
    if (start.status !== 'running') finish(start);
  });
}

/**
 * `model-lab grid`: a grid search through LabApi, its queue on the main side. Exit
 * codes: 0 every combination trained, 1 the grid failed, 130 stopped by Ctrl-C.
 */
export const gridCommand: CliCommand = {
  name: 'grid',
  usage: 'grid <graph.json | template> --data <dataset> [--lr --batch --dropout --optimizer LIST] [--epochs --project --resume --json]',
  description: 'Train every combination of learning rates, batch sizes, dropout rates and optimizers, one run after another.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const project = values.project !== undefined ? { projectDir: values.project } : {};
    const json = values.json === true;
    let grid: GridSearchSummary;
    let service: LabService;
    if (values.resume !== undefined) {
      service = await serviceFactory();
      grid = await service.call('resumeGridSearch', { gridId: values.resume, ...project });
    } else {
      const dataOption = requireDataOption(values.data);
      const backend = parseBackendOption(values.backend);
      const axes = {
        learningRate: parseNumberList('lr', values.lr, { integer: false }),
        batchSize: parseNumberList('batch', values.batch, { integer: true }),
        dropout: parseNumberList('dropout', values.dropout, { integer: false, below: 1 }),
        optimizer: parseOptimizers(values.optimizer),
      };
      // The grid's values replace these; the other options are what every combination starts from.
      const hyperparameters = hyperparametersFrom({ ...values, lr: undefined, batch: undefined, optimizer: undefined });
      if (values['initial-weights'] !== undefined) hyperparameters.initialWeights = await parseTransferSourceArgument(values['initial-weights'], values.project);
      service = await serviceFactory();
      const { graph, dataset } = await graphAndData(service, positionals[0], dataOption, values, io, serviceFactory);
      grid = await service.call('startGridSearch', { graph, dataset, hyperparameters, axes, ...project, ...(backend !== undefined ? { backend } : {}) });
    }
    if (!json) io.out(`Grid search ${grid.id}: ${grid.total} combination${grid.total === 1 ? '' : 's'}, ${grid.queued} to train.\n`);
    let interrupted = false;
    const onSigint = (): void => {
      if (interrupted) process.exit(130);
      interrupted = true;
      io.err('\nStopping the training run at the next batch and dropping the rest (Ctrl-C again to quit at once)...\n');
      // The cancelled grid names its runs; the last one is the one training.
      void service.call('cancelGridSearch', { gridId: grid.id, ...project })
        .then((cancelled) => {
          const runId = cancelled.runIds.at(-1);
          return runId === undefined ? undefined : service.call('stopRun', { runId, ...project });
        })
        .catch(() => undefined);
    };
    process.on('SIGINT', onSigint);
    try {
      const final = await followGrid(service, grid, io, json);
      if (!json) {
        const runs = (await service.call('listRuns', project)).filter((run) => final.runIds.includes(run.id));
        io.out(`\nGrid search ${final.id} ${final.status}${final.endReason ? `: ${final.endReason}` : ''}\n${resultsTable(runs)}`);
      }
      if (final.status === 'failed') return 1;
      return interrupted ? 130 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
