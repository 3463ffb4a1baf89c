import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a generated TF.js module's model reports once built by real TF.js. */
export interface TfjsModelFacts {
  countParams: number;
  trainableParams: number;
  layerNames: string[];
  outputShapes: (number | null)[][];
  /** Shape of `model.predict(zeros)` for one sample (of the first output). */
  predictedShape: number[];
}

const PYTHON = '/usr/bin/python3';

/**
 * Runs generated TF.js modules, as written, in one Node process (loading TF.js once) and
 * returns each model's facts. Only the import specifier is pointed at this checkout's
 * `@tensorflow/tfjs`, because the modules are written to a temporary folder.
 */
export function runTfjsModules(modules: Record<string, string>): Record<string, TfjsModelFacts> {
  const tfjsUrl = pathToFileURL(createRequire(import.meta.url).resolve('@tensorflow/tfjs')).href;
  const dir = mkdtempSync(join(tmpdir(), 'model-lab-tfjs-'));
  try {
    const files: Record<string, string> = {};
    Object.entries(modules).forEach(([key, code], index) => {
      const file = join(dir, `model${index}.mjs`);
      writeFileSync(file, code.replace("from '@tensorflow/tfjs'", `from '${tfjsUrl}'`));
      files[key] = pathToFileURL(file).href;
    });
    const runner = join(dir, 'runner.mjs');
    writeFileSync(runner, `
import * as tf from '${tfjsUrl}';
const write = process.stdout.write.bind(process.stdout);
// model.summary() and TF.js's backend notice print to the console; keep stdout for the result.
console.log = () => {};
console.warn = () => {};
const files = ${JSON.stringify(files)};
const facts = {};
for (const [key, file] of Object.entries(files)) {
  const { model } = await import(file);
  const size = (w) => w.shape.reduce((a, b) => a * b, 1);
  const sample = model.inputs[0].shape.map((d) => d ?? 1);
  const predictedAll = tf.tidy(() => model.predict(tf.zeros(sample)));
  const predicted = Array.isArray(predictedAll) ? predictedAll[0] : predictedAll;
  facts[key] = {
    countParams: model.countParams(),
    trainableParams: model.trainableWeights.reduce((n, w) => n + size(w), 0),
    layerNames: model.layers.map((l) => l.name),
    outputShapes: model.outputs.map((o) => o.shape),
    predictedShape: predicted.shape,
  };
  tf.dispose(predictedAll);
}
write(JSON.stringify(facts));
`);
    const result = spawnSync(process.execPath, [runner], { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`generated TF.js failed (exit ${result.status}):\n${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, TfjsModelFacts>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses Python sources with `ast.parse` under Debian's Python; returns each one's error or null. */
export function pythonSyntaxErrors(sources: Record<string, string>): Record<string, string | null> {
  const script = [
    'import ast, json, sys',
    'sources = json.load(sys.stdin)',
    'errors = {}',
    'for key, text in sources.items():',
    '    try:',
    '        ast.parse(text)',
    '        errors[key] = None',
    '    except SyntaxError as error:',
    '        errors[key] = f"line {error.lineno}: {error.msg}"',
    'print(json.dumps(errors))',
  ].join('\n');
  const result = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(sources), encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`python3 failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, string | null>;
}
