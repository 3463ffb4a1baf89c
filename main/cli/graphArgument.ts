import path from 'node:path';
import { promises as fs } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LabError, received } from '../../common/errors';
import { parseModelGraphJson, type ModelGraph } from '../../common/graph/schema';
import type { GraphAnalysis, GraphProblem } from '../../common/graph/problems';
import { poolingModeSchema, type PoolingMode, type TemplateRequest } from '../../common/templates';
import type { LabService } from '../api/labService';
import type { CliIo } from './command';

/**
 * What the graph commands (summary, codegen) share: their options, reading the
 * `<graph.json | template-id>` argument, and printing problems by layer name.
 */

/** Help lines of the options every graph command accepts. */
export const GRAPH_SOURCE_HELP = `  --input 32x32x3   input shape of a template, without the batch dimension
  --classes 10      class count of a template's classifier
  --no-top          Keras Applications (vgg16, vgg19, resnet50, inceptionv3,
                    mobilenetv2): include_top=False, the base without its classifier
  --pooling avg|max Keras Applications without top: global pooling of the features
`;

/** Options every graph command accepts. */
export const GRAPH_SOURCE_OPTIONS = {
  input: { type: 'string' },
  classes: { type: 'string' },
  'no-top': { type: 'boolean' },
  pooling: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** The template options a graph command was given (`--input`, `--classes`, `--no-top`, `--pooling`). */
export interface GraphSourceOptions {
  input?: string | undefined;
  classes?: string | undefined;
  'no-top'?: boolean | undefined;
  pooling?: string | undefined;
}

/**
 * Parses `--pooling avg|max`.
 *
 * @throws LabError `API_BAD_INPUT` for any other value.
 */
export function parsePoolingOption(text: string): PoolingMode {
  const parsed = poolingModeSchema.safeParse(text);
  if (!parsed.success) {
    throw new LabError('API_BAD_INPUT', `Expected --pooling avg or max (Keras Applications' pooling, with --no-top). ${received('pooling', text)}`, { field: 'pooling', received: text });
  }
  return parsed.data;
}

/**
 * `node:util` `parseArgs`, strict, with its errors turned into `API_BAD_INPUT` so the
 * CLI prints them as usage errors rather than stack traces.
 */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O): { values: ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>['values']; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    const known = Object.keys(options).map((name) => `--${name}`).join(', ');
    const unknown = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    const message = unknown !== undefined ? `Expected one of ${known}. ${received('option', unknown)}` : `${(error as Error).message}. ${received('args', args)}`;
    throw new LabError('API_BAD_INPUT', message, { received: args });
  }
}

/**
 * Parses `--input 32x32x3` (also `32,32,3`) into `[32, 32, 3]`.
 *
 * @throws LabError `API_BAD_INPUT` unless every dimension is a positive integer.
 */
export function parseShapeOption(text: string): number[] {
  const dims = text.split(/[x,×]/i).map((part) => Number(part.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new LabError('API_BAD_INPUT', `Expected --input as positive integers separated by "x", e.g. 32x32x3. ${received('input', text)}`, { field: 'input', received: text });
  }
  return dims;
}

/**
 * Parses `--classes 10`.
 *
 * @throws LabError `API_BAD_INPUT` unless it is a positive integer.
 */
export function parseClassesOption(text: string): number {
  const classes = Number(text);
  if (!Number.isInteger(classes) || classes <= 0) {
    throw new LabError('API_BAD_INPUT', `Expected --classes to be a positive integer. ${received('classes', text)}`, { field: 'classes', received: text });
  }
  return classes;
}

/** True when the argument names a file rather than a template id. */
function looksLikePath(argument: string): boolean {
  return argument.endsWith('.json') || argument.includes('/') || argument.includes(path.sep);
}

/** Reads a graph file, turning file-system failures into named errors. */
export async function readGraphFile(file: string): Promise<ModelGraph> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LabError('IO_NOT_FOUND', `Expected a model graph file. ${received('path', file)} (no such file)`, { path: file });
    if (code === 'EACCES' || code === 'EPERM') throw new LabError('IO_PERMISSION', `Expected a readable model graph file. ${received('path', file)} (permission denied)`, { path: file });
    if (code === 'EISDIR') throw new LabError('IO_BAD_FORMAT', `Expected a model graph file, not a folder. ${received('path', file)}`, { path: file });
    throw error;
  }
  try {
    return parseModelGraphJson(text);
  } catch (error) {
    if (error instanceof LabError) throw new LabError(error.code, `${file}: ${error.message}`, { ...error.details, path: file });
    throw error;
  }
}

/**
 * The graph named by a command's argument: a graph JSON file, or a template id built
 * through the service with `--input` / `--classes`.
 *
 * @throws LabError `IO_NOT_FOUND`, `GRAPH_PARSE`, `TEMPLATE_NOT_FOUND`, `API_BAD_INPUT`.
 */
export async function loadGraphArgument(
  argument: string | undefined,
  options: GraphSourceOptions,
  service: () => Promise<LabService>,
): Promise<ModelGraph> {
  if (argument === undefined) {
    throw new LabError('API_BAD_INPUT', 'Expected a graph file (graph.json) or a template id (see `model-lab templates`). Received: nothing', { field: 'graph' });
  }
  const isFile = looksLikePath(argument) || (await fs.stat(argument).then((s) => s.isFile(), () => false));
  if (isFile) {
    const given = (['input', 'classes', 'no-top', 'pooling'] as const).find((name) => options[name] !== undefined);
    if (given !== undefined) {
      throw new LabError('API_BAD_INPUT', `Expected --input, --classes, --no-top and --pooling only with a template id; a graph file fixes its own shapes. ${received('graph', argument)}`, { field: given });
    }
    return readGraphFile(argument);
  }
  return (await service()).call('createFromTemplate', templateRequestOf(argument, options));
}

/**
 * The `createFromTemplate` request of a template id and the graph command's options.
 *
 * @throws LabError `API_BAD_INPUT` for a malformed `--input`, `--classes` or `--pooling`.
 */
export function templateRequestOf(id: string, options: GraphSourceOptions): TemplateRequest {
  const request: TemplateRequest = { id };
  if (options.input !== undefined) request.inputShape = parseShapeOption(options.input);
  if (options.classes !== undefined) request.classes = parseClassesOption(options.classes);
  if (options['no-top'] === true) request.includeTop = false;
  if (options.pooling !== undefined) request.pooling = parsePoolingOption(options.pooling);
  return request;
}

/**
 * Prints problems one per line (`error [CODE] message`), with the fix a user can apply
 * in the editor. Returns the number of errors.
 */
export function printProblems(io: CliIo, problems: readonly GraphProblem[]): number {
  let errors = 0;
  for (const p of problems) {
    if (p.severity === 'error') errors += 1;
    io.err(`${p.severity} [${p.code}] ${p.message}\n`);
    if (p.fix) io.err(`    fix: ${p.fix.label}\n`);
  }
  return errors;
}

/**
 * Prints why a graph cannot be used (every problem, by layer name) when the analysis
 * has errors. Returns true when it did, so the command exits 1.
 */
export function reportInvalidGraph(io: CliIo, graph: ModelGraph, analysis: GraphAnalysis): boolean {
  if (analysis.valid) return false;
  io.err(`Model "${graph.name}" has problems:\n`);
  printProblems(io, analysis.problems);
  return true;
}
