import path from 'node:path';
import { promises as fs } from 'node:fs';
import { LabError, received } from '../../common/errors';
import { plural } from '../../common/text/plural';
import type { CliCommand } from './command';
import { parseClassesOption, parseCommandArgs, printProblems, readGraphFile, templateRequestOf } from './graphArgument';
import { parseTransferSourceArgument } from './transferSourceArgument';
import { refuseGraphFile, type TransferGraphSource } from '../transfer/transferSource';

const HELP = `Usage: model-lab transfer <run-id | model-file> --classes N [options]
       model-lab transfer <graph.json> --no-weights --classes N [options]
       model-lab transfer <template-id> --weights-file FILE.h5 --classes N [options]

Builds a new model on a trained one: its layers up to a cut layer (default: the layer
before the classifier head), frozen as asked, plus a new classifier head for N classes.
Prints the Keras summary of the new model with its frozen and trainable layers. Train it
with \`model-lab train graph.json --data ... --initial-weights <the same source>\` to start
the kept layers from the trained weights. A graph file holds no weights: with
--no-weights the new model is built from it and starts from fresh weights.

With --weights-file, the base is a Keras Applications template (vgg16, vgg19, resnet50,
inceptionv3, mobilenetv2) with the weights of a Keras weights file, such as the ImageNet
files Keras downloads for weights='imagenet' (Model Lab never downloads them; fetch the
file yourself). The file is checked against the template at once; train the new model
with \`model-lab train graph.json --data ... --initial-weights FILE.h5\`.

  --classes N          classes of the new task (required)
  --weights-file FILE  a Keras weights .h5 file for the template named first
  --input HxWxC        the template's input shape (with --weights-file)
  --no-top             the template without its top (include_top=False; the usual choice)
  --pooling avg|max    the template's pooling without top
  --cut-at LAYER       name of the last layer kept from the source
  --freeze MODE        all (default), none, or N: all but the last N kept layers frozen
  --head-dropout R     add Dropout(R) before the new classifier (0 <= R < 1)
  --project DIR        the project folder whose runs/ holds the run
  --out FILE           write the new model graph as JSON
  --no-weights         build on a graph file (graph.json); the new model starts from fresh weights
  --json               print {graph, baseLayers, frozen} as JSON instead of the summary
`;

const OPTIONS = {
  classes: { type: 'string' },
  'weights-file': { type: 'string' },
  input: { type: 'string' },
  'no-top': { type: 'boolean' },
  pooling: { type: 'string' },
  'cut-at': { type: 'string' },
  freeze: { type: 'string' },
  'head-dropout': { type: 'string' },
  project: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  'no-weights': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The source of a transfer: with `--no-weights` the graph of a graph file; otherwise a run
 * or a model file, where a graph file is refused with the ways on.
 *
 * @throws LabError `TRANSFER_NO_WEIGHTS` for a graph file without `--no-weights`.
 */
async function transferSourceOf(argument: string, projectDir: string | undefined, noWeights: boolean): Promise<TransferGraphSource> {
  if (noWeights) return { graph: await readGraphFile(argument) };
  const source = await parseTransferSourceArgument(argument, projectDir);
  if ('modelPath' in source) {
    try {
      await refuseGraphFile(source.modelPath);
    } catch (error) {
      if (error instanceof LabError && error.code === 'TRANSFER_NO_WEIGHTS') {
        throw new LabError(error.code, `${error.message}\nTo build on its layers with fresh weights instead, add --no-weights.`, error.details);
      }
      throw error;
    }
  }
  return source;
}

/**
 * Parses `--freeze all|none|N`.
 *
 * @throws LabError `API_BAD_INPUT` for anything else.
 */
export function parseFreezeOption(text: string): 'all' | 'none' | number {
  if (text === 'all' || text === 'none') return text;
  const count = Number(text);
  if (text.trim() === '' || !Number.isInteger(count) || count < 0) {
    throw new LabError('API_BAD_INPUT', `Expected --freeze to be all, none or a whole number of trainable base layers. ${received('freeze', text)}`, { field: 'freeze', received: text });
  }
  return count;
}

/**
 * Parses `--head-dropout R`.
 *
 * @throws LabError `API_BAD_INPUT` unless 0 <= R < 1.
 */
function parseDropoutOption(text: string): number {
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
    throw new LabError('API_BAD_INPUT', `Expected --head-dropout to be a rate from 0 up to (not including) 1. ${received('head-dropout', text)}`, { field: 'head-dropout', received: text });
  }
  return rate;
}

/**
 * `model-lab transfer`: a transfer-learning model from a run or a model file, printed as
 * its Keras summary with the frozen and trainable layers, optionally written to a file.
 */
export const transferCommand: CliCommand = {
  name: 'transfer',
  usage: 'transfer <run-id | model-file | graph.json --no-weights | template --weights-file F.h5> --classes N [--cut-at L] [--freeze all|none|N] [--head-dropout R] [--out graph.json]',
  description: 'Build a new model on a trained one: keep its layers up to a cut, freeze them, add a new classifier head.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const argument = positionals[0];
    if (argument === undefined) {
      throw new LabError('API_BAD_INPUT', 'Expected a run id or a model file (.h5, .keras, model.json) to build on. Received: nothing', { field: 'source' });
    }
    if (values.classes === undefined) throw new LabError('API_BAD_INPUT', 'Expected --classes with the class count of the new task. Received: nothing', { field: 'classes' });
    const classes = parseClassesOption(values.classes);
    const freeze = values.freeze === undefined ? 'all' : parseFreezeOption(values.freeze);
    const headDropout = values['head-dropout'] === undefined ? undefined : parseDropoutOption(values['head-dropout']);
    const noWeights = values['no-weights'] === true;
    const templateOptions = { input: values.input, 'no-top': values['no-top'], pooling: values.pooling };
    if (values['weights-file'] === undefined && Object.values(templateOptions).some((value) => value !== undefined)) {
      throw new LabError('API_BAD_INPUT', `Expected --input, --no-top and --pooling only with --weights-file (they build the template the file fills). ${received('source', argument)}`, { field: 'weights-file' });
    }
    if (values['weights-file'] !== undefined && noWeights) {
      throw new LabError('API_BAD_INPUT', `Expected either --weights-file (a template with the file's weights) or --no-weights (fresh weights), not both. ${received('source', argument)}`, { field: 'weights-file' });
    }
    const source: TransferGraphSource = values['weights-file'] === undefined
      ? await transferSourceOf(argument, values.project, noWeights)
      : { weightsPath: path.resolve(values['weights-file']), template: templateRequestOf(argument, templateOptions) };
    const service = await serviceFactory();
    const result = await service.call('createTransferGraph', {
      source, classes, freeze,
      ...(values['cut-at'] !== undefined ? { cutAt: values['cut-at'] } : {}),
      ...(headDropout !== undefined ? { headDropout } : {}),
    });
    if (values.out !== undefined) {
      const outPath = path.resolve(values.out);
      await fs.mkdir(path.dirname(outPath), { recursive: true });
      await fs.writeFile(outPath, `${JSON.stringify(result.graph, null, 2)}\n`);
    }
    if (values.json) {
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const { text } = await service.call('summarizeGraph', { graph: result.graph });
    io.out(text.endsWith('\n') ? text : `${text}\n`);
    const inputs = new Set(result.graph.nodes.filter((node) => node.type === 'Input').map((node) => node.name));
    const kept = result.baseLayers.filter((name) => !inputs.has(name));
    const trainable = result.graph.nodes.filter((node) => node.trainable && !inputs.has(node.name)).map((node) => node.name);
    const head = result.graph.nodes.filter((node) => !result.baseLayers.includes(node.name)).map((node) => node.name);
    const sourceName = 'graph' in source ? path.basename(argument) : 'modelPath' in source ? path.basename(source.modelPath) : 'weightsPath' in source ? `${source.template.id} with ${path.basename(source.weightsPath)}` : `run ${source.runId}`;
    io.out(`Kept ${plural(kept.length, 'layer')} of ${sourceName}, up to ${kept.at(-1) ?? 'the input'}.\n`);
    if (noWeights) io.out('Weights: none (a graph file has none); the new model starts from fresh weights.\n');
    io.out(`Frozen layers (${result.frozen.length}): ${result.frozen.join(', ') || 'none'}\n`);
    io.out(`Trainable layers (${trainable.length}): ${trainable.join(', ')}\n`);
    io.out(`New head: ${head.join(', ')}\n`);
    if (result.weights && 'weightsPath' in source) {
      const skipped = result.weights.skipped.map((entry) => `${entry.layer} (${entry.reason})`).join(', ');
      io.out(`${path.basename(source.weightsPath)} fits: it will fill ${plural(result.weights.initialised.length, 'layer')}, matched by ${result.weights.matchedBy ?? 'name'}${skipped ? `; skipped: ${skipped}` : ''}.\n`);
      io.out(`Train it with: model-lab train ${values.out ?? '<graph.json>'} --data <dataset> --initial-weights ${source.weightsPath}\n`);
    }
    if (values.out !== undefined) io.out(`Wrote ${path.resolve(values.out)}\n`);
    const { problems } = await service.call('analyzeGraph', { graph: result.graph });
    printProblems(io, problems);
    return 0;
  },
};
