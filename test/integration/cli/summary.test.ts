import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { main } from '../../../main/cli';
import { bufferIo } from '../../unit/main/cli/bufferIo';
import { repoRoot } from '../../../main/install/installFolder';
import { getTemplate } from '../../../common/templates';

/** A CliIo that collects what a command prints. */

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

let dir: string;
let previousHome: string | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'model-lab-cli-summary-'));
  previousHome = process.env['MODEL_LAB_HOME'];
  process.env['MODEL_LAB_HOME'] = path.join(dir, 'home');
});

afterAll(() => {
  if (previousHome === undefined) delete process.env['MODEL_LAB_HOME'];
  else process.env['MODEL_LAB_HOME'] = previousHome;
  rmSync(dir, { recursive: true, force: true });
});

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('model-lab summary', () => {
  it('prints the Keras summary of a template with a changed input shape and class count', async () => {
    const result = await run('summary', 'mnist-cnn', '--input', '32x32x3', '--classes', '5');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Model: "/);
    expect(result.stdout).toContain('[(None, 32, 32, 3)]');
    expect(result.stdout).toMatch(/\(None, 5\)\s+\d+/);
    expect(result.stdout).toMatch(/Total params: [\d,]+ \([\d.]+ [KM]?B\)\n/);
  });

  it('prints a graph file and, with --json, its analysis and rows', async () => {
    const file = writeJson('mnist.json', getTemplate('mnist-cnn').build());
    const text = await run('summary', file);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Trainable params:');
    const json = await run('summary', file, '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { analysis: { valid: boolean; totals: { total: number } }; rows: { name: string; params: number }[] };
    expect(parsed.analysis.valid).toBe(true);
    expect(parsed.rows.reduce((sum, row) => sum + row.params, 0)).toBe(parsed.analysis.totals.total);
  });

  it('lists every problem of an invalid graph by layer name and exits 1', async () => {
    const graph = getTemplate('mnist-cnn').build();
    graph.edges.push({ id: 'loop', source: graph.nodes[graph.nodes.length - 1]!.id, target: graph.nodes[1]!.id, targetIndex: 1 });
    graph.nodes.push({ id: 'orphan', type: 'Dense', name: 'orphan_dense', params: { units: 3 }, trainable: true, position: { x: 0, y: 0 } });
    const result = await run('summary', writeJson('broken.json', graph));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error [GRAPH_CYCLE]');
    expect(result.stderr).toContain('error [GRAPH_DANGLING] orphan_dense (Dense) has no input connected');
    expect(result.stderr).not.toContain('    at ');
  });

  it('prints the table and then the warnings, with their fixes, and exits 0', async () => {
    const graph = getTemplate('mnist-cnn').build();
    const flatten = graph.nodes.find((n) => n.type === 'Flatten');
    expect(flatten).toBeDefined();
    const incoming = graph.edges.find((e) => e.target === flatten?.id);
    const outgoing = graph.edges.find((e) => e.source === flatten?.id);
    graph.nodes = graph.nodes.filter((n) => n !== flatten);
    graph.edges = [
      ...graph.edges.filter((e) => e !== incoming && e !== outgoing),
      { id: 'direct', source: incoming!.source, target: outgoing!.target, targetIndex: 0 },
    ];
    const result = await run('summary', writeJson('no-flatten.json', graph));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Total params:');
    expect(result.stderr).toMatch(/^warning \[SHAPE_RANK\] \S+ \(Dense\) receives a 4-D input/);
    expect(result.stderr).toContain('    fix: Insert Flatten before');
  });

  it('names a missing file, malformed JSON and a bad field without a stack trace', async () => {
    const missing = await run('summary', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error \[IO_NOT_FOUND\].*nope\.json/);

    const malformed = await run('summary', writeJson('bad.json', '{"nodes": ['));
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^error \[GRAPH_PARSE\].*bad\.json/);

    const badField = await run('summary', writeJson('field.json', { schemaVersion: 2, nodes: [{ id: 'n0', name: 'conv', type: 'Conv2D', trainable: 'no' }], edges: [] }));
    expect(badField.code).toBe(1);
    expect(badField.stderr).toContain('node conv, field "trainable"');
    for (const result of [missing, malformed, badField]) expect(result.stderr).not.toContain('    at ');
  });

  it('refuses an unknown template, option or shape with a named error', async () => {
    const unknown = await run('summary', 'resnet9000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error \[TEMPLATE_NOT_FOUND\]/);
    const option = await run('summary', 'mlp', '--frobnicate');
    expect(option.stderr).toMatch(/^error \[API_BAD_INPUT\]/);
    const shape = await run('summary', 'mnist-cnn', '--input', '32xbig');
    expect(shape.stderr).toMatch(/^error \[API_BAD_INPUT\].*32xbig/);
  });
});

describe('model-lab templates', () => {
  it('lists every template with its input shape, classes and total parameters', async () => {
    const result = await run('templates');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+INPUT\s+CLASSES\s+PARAMS\s+WITHOUT TOP\s+MIN SIZE\s+PREPROCESSING$/);
    expect(result.stdout).toMatch(/resnet50\s+ResNet50\s+224x224x3\s+1000\s+25,636,712\s+23,587,712\s+32x32\s+resnet50 \(caffe\)/);
    expect(result.stdout).toMatch(/inceptionv3\s+InceptionV3\s+299x299x3\s+1000\s+23,851,784\s+21,802,784\s+75x75\s+inception_v3 \(tf\)/);
    expect(result.stdout).toMatch(/^lenet5\s+LeNet-5\s+32x32x1\s+10\s+61,706$/m);
    const json = JSON.parse((await run('templates', '--json')).stdout) as { id: string; totalParams: number; application?: { totalParamsWithoutTop: number } }[];
    expect(json.find((t) => t.id === 'resnet50')?.totalParams).toBe(25_636_712);
    expect(json.find((t) => t.id === 'vgg16')?.application?.totalParamsWithoutTop).toBe(14_714_688);
  });
});

describe('model-lab summary of Keras Applications', () => {
  it('takes include_top and pooling as --no-top and --pooling', async () => {
    const result = await run('summary', 'vgg19', '--no-top', '--pooling', 'avg', '--input', '64x64x3');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Total params: 20,024,384');
    // Keras wraps the long class name onto the next line of the table.
    expect(result.stdout).toMatch(/global_average_pooling2d \(\s+\(None, 512\)\s+0\s+GlobalAveragePooling2D\)/);
    expect(result.stdout).not.toContain('fc1');
  });

  it('refuses an input the base cannot take, pooling with the top, and --no-top on another template', async () => {
    const small = await run('summary', 'inceptionv3', '--no-top', '--input', '32x32x3');
    expect(small.code).toBe(1);
    expect(small.stderr).toMatch(/^error \[TEMPLATE_BAD_OPTIONS\].*at least 75x75/);
    expect((await run('summary', 'vgg16', '--pooling', 'max')).stderr).toMatch(/^error \[TEMPLATE_BAD_OPTIONS\].*include_top=False/);
    expect((await run('summary', 'lenet5', '--no-top')).stderr).toMatch(/^error \[TEMPLATE_BAD_OPTIONS\]/);
    expect((await run('summary', 'vgg16', '--no-top', '--pooling', 'mean')).stderr).toMatch(/^error \[API_BAD_INPUT\].*mean/);
  });
});

describe('model-lab codegen', () => {
  it('prints Keras source and writes TF.js source to a file', async () => {
    const keras = await run('codegen', 'mnist-cnn', '--lang', 'keras');
    expect(keras.code).toBe(0);
    expect(keras.stdout).toContain('keras');
    const out = path.join(dir, 'model.js');
    const tfjs = await run('codegen', 'mnist-cnn', '--lang', 'tfjs', '--out', out);
    expect(tfjs.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('tf.');
  });

  it('refuses an unknown language and an unwritable output', async () => {
    expect((await run('codegen', 'mlp', '--lang', 'cobol')).stderr).toMatch(/^error \[API_BAD_INPUT\].*cobol/);
    const unwritable = await run('codegen', 'mlp', '--out', path.join(dir, 'no', 'such', 'dir', 'model.py'));
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^error \[IO_WRITE_FAILED\]/);
  });
});

describe('bin/model-lab.mjs', () => {
  it('prints the ResNet50 summary with the Keras parameter count', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot(), 'bin', 'model-lab.mjs'), 'summary', 'resnet50'], {
      encoding: 'utf8',
      env: { ...process.env, MODEL_LAB_HOME: path.join(dir, 'home') },
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.match(/25,636,712/g)).toHaveLength(1);
    expect(result.stdout).toContain('Total params: 25,636,712 (97.80 MB)');
  });
});
