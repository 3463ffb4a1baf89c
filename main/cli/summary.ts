import { summaryRows } from '../../common/graph/summary';
import type { CliCommand } from './command';
import { GRAPH_SOURCE_HELP, GRAPH_SOURCE_OPTIONS, loadGraphArgument, parseCommandArgs, printProblems, reportInvalidGraph } from './graphArgument';

const HELP = `Usage: model-lab summary <graph.json | template-id> [options]

Prints the Keras model.summary() table and parameter totals of a model graph or template.

  --json            print the analysis and the rows as JSON instead
${GRAPH_SOURCE_HELP}`;

/**
 * `model-lab summary`: the Keras summary of a graph file or a template. An invalid
 * graph prints every problem with its layer's name and exits 1.
 */
export const summaryCommand: CliCommand = {
  name: 'summary',
  usage: 'summary <graph.json | template> [--json] [--input HxWxC] [--classes N] [--no-top] [--pooling avg|max]',
  description: 'Print the Keras model.summary() of a graph file or template.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, { ...GRAPH_SOURCE_OPTIONS, json: { type: 'boolean' } });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const graph = await loadGraphArgument(positionals[0], values, serviceFactory);
    const service = await serviceFactory();
    const analysis = await service.call('analyzeGraph', { graph });
    if (values.json) {
      io.out(`${JSON.stringify({ name: graph.name, analysis, rows: summaryRows(graph, analysis) }, null, 2)}\n`);
      return analysis.valid ? 0 : 1;
    }
    if (reportInvalidGraph(io, graph, analysis)) return 1;
    const { text } = await service.call('summarizeGraph', { graph });
    io.out(text);
    printProblems(io, analysis.problems);
    return 0;
  },
};
