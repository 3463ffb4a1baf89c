import { LabError } from '../../common/errors';
import type { CliCommand } from './command';
import { parseCommandArgs } from './graphArgument';
import { followRun, formatLogs } from './train';
import { RUN_PLACE_HELP, RUN_PLACE_OPTIONS, placeOfRun, projectDirOf, readingRunLine, resolveRunPlace } from './runPlace';

const HELP = `Usage: model-lab runs [list | show <run> | delete <run> | resume <run> [--epochs N] | compare <run...> [--metric val_loss]] [options]

${RUN_PLACE_HELP}
  --json               print JSON
`;

/** `model-lab runs`: list, show, delete, resume and compare training runs. */
export const runsCommand: CliCommand = {
  name: 'runs',
  usage: 'runs [list | show | delete | resume | compare] [--project DIR | --no-project] [--json]',
  description: 'List, inspect, delete, resume or compare training runs.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, {
      ...RUN_PLACE_OPTIONS, metric: { type: 'string' }, epochs: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const [action = 'list', ...ids] = positionals;
    const place = ids[0] !== undefined && ids.length === 1 ? await placeOfRun(ids[0], await resolveRunPlace(values)) : await resolveRunPlace(values);
    const project = projectDirOf(place);
    if (!values.json) io.out(`${ids.length === 1 ? readingRunLine(ids[0] as string, place) : `Runs ${place.projectDir === undefined ? `of the lab's own runs folder (${place.runsDir})` : `of project ${place.projectName ?? place.projectDir} (${place.projectDir})`}.`}\n`);
    const needId = (): string => {
      if (ids[0] === undefined) throw new LabError('API_BAD_INPUT', `Expected a run id after "${action}". Received: nothing`, { field: 'runId' });
      return ids[0];
    };
    const service = await serviceFactory();
    const print = (value: unknown, text: () => string): void => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text());
    switch (action) {
      case 'list': {
        const runs = await service.call('listRuns', project);
        print(runs, () => runs.length === 0 ? 'No runs yet.\n' : `${runs.map((r) => `${r.id}  ${r.status.padEnd(9)} ${`${r.epochsCompleted}/${r.epochs}`.padStart(7)} ep  ${r.optimizer.padEnd(8)} ${r.name}${r.finalLogs ? `  ${formatLogs(r.finalLogs)}` : ''}`).join('\n')}\n`);
        return 0;
      }
      case 'show': {
        const run = await service.call('getRun', { runId: needId(), ...project });
        print(run, () => `${run.spec.name} (${run.spec.id}) ${run.spec.status}: ${run.spec.endReason ?? ''}\nfolder: ${run.runDir}\n`
          + `${run.history.map((r) => `epoch ${r.epoch}: ${formatLogs(r.logs)} - lr ${r.learningRate.toPrecision(3)}`).join('\n')}\n`);
        return 0;
      }
      case 'delete': {
        const result = await service.call('deleteRun', { runId: needId(), ...project });
        print(result, () => `Deleted ${ids[0]}.\n`);
        return 0;
      }
      case 'resume': {
        const runId = needId();
        await service.call('resumeRunFromCheckpoint', { runId, ...project, ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}) });
        const end = await followRun(service, runId, io, values.json === true);
        return end.type === 'run.failed' ? 1 : 0;
      }
      case 'compare': {
        if (ids.length === 0) needId();
        const result = await service.call('compareRuns', { runIds: ids, metric: values.metric ?? 'val_loss', ...project });
        print(result, () => {
          const epochs = Math.max(0, ...result.series.map((s) => s.points.length));
          const header = `epoch ${result.series.map((s) => s.runId.padStart(24)).join(' ')}`;
          const rows = Array.from({ length: epochs }, (_, i) => `${String(i + 1).padStart(5)} ${result.series.map((s) => (s.points.find((p) => p.epoch === i + 1)?.value.toFixed(4) ?? '-').padStart(24)).join(' ')}`);
          return `${result.metric}\n${header}\n${rows.join('\n')}\n`;
        });
        return 0;
      }
      default:
        throw new LabError('API_BAD_INPUT', `Expected one of list, show, delete, resume, compare. Received: action=${JSON.stringify(action)}`, { field: 'action', received: action });
    }
  },
};
