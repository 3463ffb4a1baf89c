import { promises as fs } from 'node:fs';
import { LabError, received } from '../../common/errors';
import { codeLanguageSchema } from '../../common/api/methods/graph';
import type { CliCommand } from './command';
import { GRAPH_SOURCE_HELP, GRAPH_SOURCE_OPTIONS, loadGraphArgument, parseCommandArgs, reportInvalidGraph } from './graphArgument';

const HELP = `Usage: model-lab codegen <graph.json | template-id> [options]

Prints Keras Python or TF.js JavaScript source that builds the model.

  --lang keras|tfjs language of the source (default keras)
  --out FILE        write the source to FILE instead of stdout
${GRAPH_SOURCE_HELP}`;

/** `model-lab codegen`: Keras or TF.js source for a graph file or template. */
export const codegenCommand: CliCommand = {
  name: 'codegen',
  usage: 'codegen <graph.json | template> [--lang keras|tfjs] [--out FILE]',
  description: 'Print Keras Python or TF.js source that builds the model.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, { ...GRAPH_SOURCE_OPTIONS, lang: { type: 'string', default: 'keras' }, out: { type: 'string' } });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const language = codeLanguageSchema.safeParse(values.lang);
    if (!language.success) {
      throw new LabError('API_BAD_INPUT', `Expected --lang keras or tfjs. ${received('lang', values.lang)}`, { field: 'lang', received: values.lang });
    }
    const graph = await loadGraphArgument(positionals[0], values, serviceFactory);
    const service = await serviceFactory();
    const analysis = await service.call('analyzeGraph', { graph });
    // Source for a graph that cannot build would fail later, further from the cause.
    if (reportInvalidGraph(io, graph, analysis)) return 1;
    const { code } = await service.call('generateCode', { graph, language: language.data });
    if (values.out === undefined) {
      io.out(code.endsWith('\n') ? code : `${code}\n`);
      return 0;
    }
    try {
      await fs.writeFile(values.out, code);
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      const reason = errno === 'ENOENT' ? 'the folder does not exist' : errno === 'EACCES' || errno === 'EPERM' ? 'permission denied' : (error as Error).message;
      throw new LabError(errno === 'EACCES' || errno === 'EPERM' ? 'IO_PERMISSION' : 'IO_WRITE_FAILED', `Expected a writable output file. ${received('out', values.out)} (${reason})`, { path: values.out });
    }
    io.err(`Wrote ${language.data === 'keras' ? 'Keras' : 'TF.js'} source for "${graph.name}" to ${values.out}\n`);
    return 0;
  },
};
