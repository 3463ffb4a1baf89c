import { describe, expect, it } from 'vitest';
import { LabError } from '../../../../common/errors';
import { GRAPH_SCHEMA_VERSION, parseModelGraph, parseModelGraphJson } from '../../../../common/graph/schema';
import { analyzeGraph } from '../../../../common/graph/analysis';

function parseError(run: () => unknown): LabError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    return error as LabError;
  }
  throw new Error('expected a GRAPH_PARSE error');
}

describe('parseModelGraph', () => {
  it('names the node and the field of a structural error', () => {
    const error = parseError(() => parseModelGraph({
      schemaVersion: 2,
      nodes: [{ id: 'n0', type: 'Input', name: 'input_1' }, { id: 'n1', name: 'dense', type: 'Dense', trainable: 'yes' }],
      edges: [],
    }));
    expect(error.code).toBe('GRAPH_PARSE');
    expect(error.message).toContain('node dense, field "trainable"');
    expect(error.details).toMatchObject({ nodeId: 'n1', nodeName: 'dense', field: 'trainable' });
  });

  it('lists every problem, each with its node', () => {
    const error = parseError(() => parseModelGraph({
      schemaVersion: 2,
      nodes: [{ id: 'n0', name: 'input_1' }, { id: 'n1', type: 'Dense', name: '' }],
      edges: [{ id: 'e0', source: 'n0' }],
    }));
    const issues = error.details?.['issues'] as { message: string }[];
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringContaining('node input_1, field "type"'),
      expect.stringContaining('node n1, field "name"'),
      expect.stringContaining('edge e0, field "target"'),
    ]);
  });

  it('refuses malformed JSON and non-objects with GRAPH_PARSE', () => {
    expect(parseError(() => parseModelGraphJson('{"nodes": [')).code).toBe('GRAPH_PARSE');
    expect(parseError(() => parseModelGraph([])).message).toContain('an array');
  });

  it('refuses graphs from a newer version', () => {
    const error = parseError(() => parseModelGraph({ schemaVersion: GRAPH_SCHEMA_VERSION + 1, nodes: [], edges: [] }));
    expect(error.details).toMatchObject({ field: 'schemaVersion' });
  });

  it('refuses a schemaVersion that is not a whole number by name instead of reading it as version 1', () => {
    for (const version of ['2', 1.5, null]) {
      const error = parseError(() => parseModelGraph({ schemaVersion: version, name: 'm', nodes: [], edges: [] }));
      expect(error.code).toBe('GRAPH_PARSE');
      expect(error.details).toMatchObject({ field: 'schemaVersion' });
      expect(error.message).toContain(`schemaVersion=${JSON.stringify(version)}`);
    }
  });

  it('migrates a version 1 graph (from/to/input edges, no trainable flag)', () => {
    const graph = parseModelGraph({
      name: 'legacy',
      nodes: [
        { id: 'a', type: 'Input', name: 'input_1', params: { shape: [4] } },
        { id: 'b', type: 'Input', name: 'input_2', params: { shape: [4] } },
        { id: 'c', type: 'Subtract', name: 'subtract' },
      ],
      edges: [{ from: 'b', to: 'c', input: 1 }, { from: 'a', to: 'c' }],
    });
    expect(graph.schemaVersion).toBe(GRAPH_SCHEMA_VERSION);
    expect(graph.edges).toEqual([
      { id: 'e0', source: 'b', target: 'c', targetIndex: 1 },
      { id: 'e1', source: 'a', target: 'c', targetIndex: 0 },
    ]);
    expect(graph.nodes.every((n) => n.trainable)).toBe(true);
    const analysis = analyzeGraph(graph);
    expect(analysis.valid).toBe(true);
    expect(analysis.shapes['c']).toEqual([null, 4]);
  });
});
