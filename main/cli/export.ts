import { promises as fs } from 'node:fs';
import { LabError, received } from '../../common/errors';
import { exportFormatSchema, type ExportResult } from '../../common/api/methods/models';
import type { CliCommand } from './command';
import { GRAPH_SOURCE_HELP, GRAPH_SOURCE_OPTIONS, loadGraphArgument, parseCommandArgs } from './graphArgument';
import { describeVerification } from '../../common/text/describeVerification';
import { RUN_PLACE_HELP, RUN_PLACE_OPTIONS, placeOfRun, projectDirOf, readingRunLine, resolveRunPlace } from './runPlace';

const HELP = `Usage: model-lab export <run-id | graph.json | template-id> --format FORMAT --out PATH [options]

Writes a model file, reloads it in its own runtime and compares predictions on 64 held-out
images (random inputs when the source has no test images), then writes its model card into
the file (H5 attribute, .keras entry, ONNX metadata, model.json's userDefinedMetadata) and
beside it as <file>.model-card.json and .md, so exports into one folder keep their own. A run exports its best checkpoint; a graph or template exports
freshly initialised weights.

  --format F              tfjs | h5 | keras | onnx | keras-script
  --out PATH              file to write (a folder for tfjs)
  --checkpoint best|last  which checkpoint of a run (default best)
${RUN_PLACE_HELP}
  --seed N                seed of fresh weights for a graph or template (default 42)
  --json                  print the result as JSON
${GRAPH_SOURCE_HELP}`;

/** A run id as `model-lab runs` lists them. */
const RUN_ID = /^run-[A-Za-z0-9._-]+$/;

function describe(result: ExportResult): string {
  const lines = [`Exported ${result.format}:`, ...result.files.map((file) => `  ${file}`)];
  const v = result.verification;
  if (v === null) lines.push('Verification: not applicable (no weights in this format)');
  else lines.push(describeVerification(v));
  lines.push(...result.warnings.map((warning) => `Warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}

/** `model-lab export`: a run's checkpoint, a graph file or a template to a model file format, verified. */
export const exportCommand: CliCommand = {
  name: 'export',
  usage: 'export <run | graph.json | template> --format tfjs|h5|keras|onnx|keras-script --out PATH',
  description: 'Write a model file (TF.js, Keras .h5/.keras, ONNX, Keras script) with a model card, verified by reloading.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, {
      ...GRAPH_SOURCE_OPTIONS, format: { type: 'string' }, out: { type: 'string' }, checkpoint: { type: 'string' }, ...RUN_PLACE_OPTIONS, seed: { type: 'string' }, json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const format = exportFormatSchema.safeParse(values.format);
    if (!format.success) throw new LabError('API_BAD_INPUT', `Expected --format ${exportFormatSchema.options.join('|')}. ${received('format', values.format ?? null)}`, { field: 'format' });
    if (values.out === undefined) throw new LabError('API_BAD_INPUT', 'Expected --out PATH, the file (or tfjs folder) to write. Received: nothing', { field: 'out' });
    const checkpoint = values.checkpoint ?? 'best';
    if (checkpoint !== 'best' && checkpoint !== 'last') throw new LabError('API_BAD_INPUT', `Expected --checkpoint best or last. ${received('checkpoint', checkpoint)}`, { field: 'checkpoint' });
    const seed = values.seed === undefined ? 42 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new LabError('API_BAD_INPUT', `Expected --seed as a non-negative integer. ${received('seed', values.seed)}`, { field: 'seed' });
    const argument = positionals[0];
    const isFile = argument !== undefined && (await fs.stat(argument).then(() => true, () => false));
    const runId = argument !== undefined && !isFile && RUN_ID.test(argument) ? argument : undefined;
    const place = runId === undefined ? undefined : await placeOfRun(runId, await resolveRunPlace(values));
    if (runId !== undefined && place) (values.json ? io.err : io.out)(`${readingRunLine(runId, place)}\n`);
    const service = await serviceFactory();
    const unsubscribe = service.onEvent((event) => {
      if (event.type === 'export.progress' && !values.json) io.err(`[${Math.round(event.fraction * 100)}%] ${event.message}\n`);
    });
    try {
      const common = { format: format.data, outPath: values.out };
      const result = runId !== undefined && place
        ? await service.call('exportModel', { ...common, runId, checkpoint, ...projectDirOf(place) })
        : await service.call('exportModel', { ...common, seed, graph: await loadGraphArgument(argument, values, serviceFactory) });
      io.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : describe(result));
      return 0;
    } finally {
      unsubscribe();
    }
  },
};
