import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { createLabService, type LabService } from '../../../../main/api/labService';
import { LabError } from '../../../../common/errors';
import { getTemplate } from '../../../../common/templates';

let dir: string;
let service: LabService;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'model-lab-graph-handlers-'));
  service = await createLabService({ dataDir: dir, allowedRoots: [dir] });
});

afterAll(() => {
  service.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    return (error as LabError).code;
  }
  throw new Error('expected the call to fail');
}

describe('graph LabApi methods', () => {
  it('lists every template with the parameter count of its default build', async () => {
    const templates = await service.call('listTemplates', {});
    expect(templates.map((t) => t.id)).toContain('resnet50');
    const mlp = templates.find((t) => t.id === 'mlp');
    const analysis = await service.call('analyzeGraph', { graph: getTemplate('mlp').build() });
    expect(mlp?.totalParams).toBe(analysis.totals.total);
    expect(mlp?.inputShape).toEqual([...getTemplate('mlp').defaultInputShape]);
  });

  it('builds a template with a changed input shape and class count', async () => {
    const graph = await service.call('createFromTemplate', { id: 'mnist-cnn', inputShape: [32, 32, 3], classes: 7 });
    const analysis = await service.call('analyzeGraph', { graph });
    expect(analysis.valid).toBe(true);
    const [input] = analysis.inputs;
    const [output] = analysis.outputs;
    expect(analysis.shapes[input as string]).toEqual([null, 32, 32, 3]);
    expect(analysis.shapes[output as string]).toEqual([null, 7]);
  });

  it('summarizes and generates code for a graph', async () => {
    const graph = getTemplate('mnist-cnn').build();
    const { text } = await service.call('summarizeGraph', { graph });
    expect(text).toMatch(/^Model: "/);
    expect(text).toContain('Total params:');
    expect((await service.call('generateCode', { graph, language: 'keras' })).code).toContain('keras');
    expect((await service.call('generateCode', { graph, language: 'tfjs' })).code).toContain('tf.');
  });

  it('summarizes a graph whose node ids are names of Object.prototype members', async () => {
    const graph = getTemplate('mnist-cnn').build();
    const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
    // The last layers (two Dense among them) take the ids.
    const first = graph.nodes.length - ids.length;
    const renamed = new Map(graph.nodes.map((node, index) => [node.id, ids[index - first] ?? node.id]));
    const hostile = {
      ...graph,
      nodes: graph.nodes.map((node) => ({ ...node, id: renamed.get(node.id) as string })),
      edges: graph.edges.map((edge) => ({ ...edge, source: renamed.get(edge.source) as string, target: renamed.get(edge.target) as string })),
    };
    const expected = (await service.call('summarizeGraph', { graph })).text;
    expect((await service.call('summarizeGraph', { graph: hostile })).text).toBe(expected);
    // A layer whose shape cannot be inferred shows `?` rather than what Object.prototype holds under its id.
    const broken = { ...hostile, nodes: hostile.nodes.map((node) => (node.type === 'Dense' ? { ...node, params: { ...node.params, units: 0 } } : node)) };
    expect((await service.call('summarizeGraph', { graph: broken })).text).toMatch(/\(Dense\) +\?/);
  });

  it('refuses malformed input and unknown templates with their codes', async () => {
    expect(await codeOf(() => service.invoke('analyzeGraph', { graph: { nodes: 'none' } }))).toBe('API_BAD_INPUT');
    expect(await codeOf(() => service.invoke('generateCode', { graph: getTemplate('mlp').build(), language: 'cobol' }))).toBe('API_BAD_INPUT');
    expect(await codeOf(() => service.call('createFromTemplate', { id: 'no-such-template' }))).toBe('TEMPLATE_NOT_FOUND');
    expect(await codeOf(() => service.call('createFromTemplate', { id: 'resnet50', inputShape: [224, 224] }))).toBe('TEMPLATE_BAD_OPTIONS');
  });
});
