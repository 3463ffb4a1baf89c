import { describe, expect, it } from 'vitest';
import { LabError } from '../../../../../common/errors';
import { parseModelGraphJson } from '../../../../../common/graph/schema';
import { jsonSyntaxMarker, parseErrorMarkers, problemMarkers } from '../../../../../renderer/components/code/graphJsonMarkers';
import { estimateMemory } from '../../../../../renderer/components/summary/memoryEstimate';

const TEXT = JSON.stringify(
  {
    schemaVersion: 2,
    name: 'm',
    nodes: [
      { id: 'n1', type: 'Input', name: 'input', params: { shape: [4] } },
      { id: 'n2', type: 'Dense', name: 'dense', params: { units: 0 } },
    ],
    edges: [{ id: 'e1', source: 'n1', target: 'n2', targetIndex: 0 }],
  },
  null,
  2,
);

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

describe('graph JSON markers', () => {
  it('puts a JSON syntax error at the position the parser names', () => {
    const broken = '{\n  "a": 1,\n  oops\n}';
    let message = '';
    try {
      JSON.parse(broken);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(jsonSyntaxMarker(broken, message).startLineNumber).toBe(3);
  });

  it('puts schema issues on the node they name', () => {
    const bad = TEXT.replace('"name": "dense"', '"name": ""');
    let caught: unknown;
    try {
      parseModelGraphJson(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LabError);
    const markers = parseErrorMarkers(bad, caught);
    expect(markers[0]?.startLineNumber).toBe(lineOf(bad, '"name": ""'));
  });

  it('puts analysis problems on the field of the node', () => {
    const markers = problemMarkers(TEXT, [{ code: 'LAYER_BAD_PARAM', severity: 'error', message: 'units must be positive', nodeId: 'n2', field: 'units' }]);
    expect(markers[0]).toMatchObject({ severity: 'error', startLineNumber: lineOf(TEXT, '"units"') });
  });

  it('estimates memory as params × 4 plus one batch of activations', () => {
    const estimate = estimateMemory({ totals: { total: 100, trainable: 100, nonTrainable: 0 }, shapes: { a: [null, 10], b: [null, 2, 2] } });
    expect(estimate.paramBytes).toBe(400);
    expect(estimate.activationBytes).toBe((10 + 4) * 32 * 4);
  });
});
