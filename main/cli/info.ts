import type { CliCommand } from './command';
import { parseCommandArgs } from './graphArgument';
import { backendNameSchema, type BackendReport } from '../../common/training/backend';
import { WEBGPU_ADAPTER_ENV } from '../engine/webgpuSupport';

const HELP = `Usage: model-lab info [--json]

Prints the training backend Model Lab would use, the device it runs on, and every
candidate backend with why it is or is not available.

  --json   print the backend report as JSON

Environment:
  MODEL_LAB_BACKEND          force a backend (${backendNameSchema.options.join(', ')})
  ${WEBGPU_ADAPTER_ENV}   pick the WebGPU adapter by (part of) its name, e.g. llvmpipe
`;

/** The report as lines for a terminal. */
export function formatBackendReport(report: BackendReport): string {
  const lines = [
    `Backend: ${report.chosen}${report.overridden ? ' (requested)' : ''}`,
    `Device:  ${report.device}`,
    ...(report.notice === undefined ? [] : ['', `Notice:  ${report.notice}`]),
    '',
    'Candidates, in order of preference:',
  ];
  const width = Math.max(...report.candidates.map((c) => c.name.length));
  for (const candidate of report.candidates) {
    const mark = candidate.name === report.chosen ? '*' : candidate.available ? '+' : '-';
    lines.push(`  ${mark} ${candidate.name.padEnd(width)}  ${candidate.packageName}`);
    lines.push(`    ${' '.repeat(width)}  ${candidate.reason}`);
  }
  lines.push('', '* chosen   + available   - unavailable');
  return `${lines.join('\n')}\n`;
}

/** `model-lab info`: the chosen backend and device, and why each candidate is or isn't used. */
export const infoCommand: CliCommand = {
  name: 'info',
  usage: 'info [--json]',
  description: 'Show the training backend and device, and why each candidate is or is not available.',
  async run(args, io, serviceFactory) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const info = await (await serviceFactory()).call('getSystemInfo', {});
    if (values.json) {
      io.out(`${JSON.stringify(info.backend, null, 2)}\n`);
      return 0;
    }
    io.out(`Model Lab ${info.version} on ${info.platform}, Node ${info.node}\n\n`);
    io.out(formatBackendReport(info.backend));
    return 0;
  },
};
