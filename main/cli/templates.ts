import type { CliCommand } from './command';
import { parseCommandArgs } from './graphArgument';
import { formatCount } from '../../common/graph/summary';

const HELP = `Usage: model-lab templates [--json]

Lists the architecture templates: id, title, default input shape, class count and total
parameters. The Keras Applications (vgg16, vgg19, resnet50, inceptionv3, mobilenetv2) also
show their parameters without the top (include_top=False), the smallest input they take
and the input preprocessing their ImageNet weights expect; build them with
\`model-lab summary <id> --no-top --pooling avg --input 150x150x3\`.
`;

/** `model-lab templates`: the template list, as a table or JSON. */
export const templatesCommand: CliCommand = {
  name: 'templates',
  usage: 'templates [--json]',
  description: 'List the architecture templates with their input shape, classes and parameter count.',
  async run(args, io, serviceFactory) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const templates = await (await serviceFactory()).call('listTemplates', {});
    if (values.json) {
      io.out(`${JSON.stringify(templates, null, 2)}\n`);
      return 0;
    }
    const header = ['ID', 'TITLE', 'INPUT', 'CLASSES', 'PARAMS', 'WITHOUT TOP', 'MIN SIZE', 'PREPROCESSING'];
    const rows = templates.map((t) => [
      t.id, t.title, t.inputShape.join('x'), String(t.classes), formatCount(t.totalParams),
      t.application ? formatCount(t.application.totalParamsWithoutTop) : '',
      t.application ? `${t.application.minSize}x${t.application.minSize}` : '',
      t.application ? `${t.application.preprocessing.module} (${t.application.preprocessing.mode})` : '',
    ]);
    const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => (row[col] as string).length)));
    // Numbers align right, text left, as in `ls -l`.
    const rightAligned = new Set([3, 4, 5]);
    for (const row of [header, ...rows]) {
      io.out(`${row.map((cell, col) => (rightAligned.has(col) ? cell.padStart(widths[col] as number) : cell.padEnd(widths[col] as number))).join('  ').trimEnd()}\n`);
    }
    return 0;
  },
};
