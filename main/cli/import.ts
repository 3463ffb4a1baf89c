import { promises as fs } from 'node:fs';
import { LabError, received } from '../../common/errors';
import type { CliCommand } from './command';
import { parseCommandArgs } from './graphArgument';

const HELP = `Usage: model-lab import <model.h5 | model.keras | model.json> [--out graph.json]

Reads a Keras model (.h5 from tf.keras 2, .keras from Keras 3, or the JSON of
model.to_json()) or a TF.js model.json into a Model Lab graph. Layer names are kept and
omitted arguments get Keras defaults; a layer Model Lab does not support is named.

  --out FILE   write the graph JSON to FILE instead of stdout
`;

/** `model-lab import`: a Keras or TF.js model file to a graph JSON. */
export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import <file.h5 | file.keras | model.json> [--out graph.json]',
  description: 'Read a Keras .h5/.keras/JSON or TF.js model into a graph JSON.',
  async run(args, io, serviceFactory) {
    const { values, positionals } = parseCommandArgs(args, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const file = positionals[0];
    if (file === undefined) throw new LabError('API_BAD_INPUT', 'Expected a model file (.h5, .keras or .json). Received: nothing', { field: 'path' });
    const service = await serviceFactory();
    const result = await service.call('importModel', { path: file });
    const json = `${JSON.stringify(result.graph, null, 2)}\n`;
    const summary = `Imported ${result.format} model "${result.graph.name}": ${result.graph.nodes.length} layers, ${result.hasWeights ? 'with weights' : 'architecture only'}${result.modelCard ? ', model card read' : ''}\n`;
    if (values.out === undefined) {
      io.out(json);
      io.err(summary);
      return 0;
    }
    try {
      await fs.writeFile(values.out, json);
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      throw new LabError(errno === 'EACCES' || errno === 'EPERM' ? 'IO_PERMISSION' : 'IO_WRITE_FAILED', `Expected a writable output file. ${received('out', values.out)}`, { path: values.out });
    }
    io.err(summary);
    io.out(`Wrote ${values.out}\n`);
    return 0;
  },
};
