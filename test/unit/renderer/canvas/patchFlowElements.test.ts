import type { GraphEdge as DrawnEdge, GraphNode as DrawnNode } from '@vue-flow/core';
import { describe, expect, it } from 'vitest';
import { patchDrawnEdges, patchDrawnNodes } from '../../../../renderer/canvas/patchFlowElements';
import type { CanvasEdge, CanvasNode, LayerNodeData, ShapeEdgeData } from '../../../../renderer/canvas/types';

function layerData(name: string, outputShape: string): LayerNodeData {
  return { kind: 'layer', type: 'Dense', name, family: 'core', keyParams: [], outputShape, paramCount: 10, trainable: true, problems: [], inputHandles: 1, isMerge: false, connectedInputs: [] };
}

function edgeData(shape: string): ShapeEdgeData {
  return { shape, problem: null, targetIndex: 0, showIndex: false, sourceName: 'a', targetName: 'b' };
}

/** A drawn node as Vue Flow keeps it: the model's fields plus its own state. */
function drawnNode(node: CanvasNode): DrawnNode {
  return { ...node, selected: true, dragging: false, computedPosition: { ...node.position, z: 0 } } as unknown as DrawnNode;
}

describe('patchDrawnNodes', () => {
  const a: CanvasNode = { id: 'a', type: 'layer', position: { x: 0, y: 0 }, data: layerData('a', '(None, 4)') };
  const b: CanvasNode = { id: 'b', type: 'layer', position: { x: 0, y: 100 }, data: layerData('b', '(None, 2)') };

  it('updates changed fields in place, keeps unchanged ones and Vue Flow state such as the selection', () => {
    const drawn = [drawnNode(a), drawnNode(b)];
    const keptPosition = drawn[0]!.position;
    const keptData = drawn[0]!.data as unknown;
    const movedB: CanvasNode = { ...b, position: { x: 40, y: 100 }, data: layerData('b', '(None, 3)') };
    expect(patchDrawnNodes(drawn, [{ ...a, position: { x: 0, y: 0 } }, movedB])).toBe(true);
    expect(drawn[0]!.position).toBe(keptPosition);
    expect(drawn[0]!.data).toBe(keptData);
    expect(drawn[1]!.position).toEqual({ x: 40, y: 100 });
    expect((drawn[1]!.data as LayerNodeData).outputShape).toBe('(None, 3)');
    expect(drawn.every((node) => node.selected)).toBe(true);
  });

  it('refuses, touching nothing, when nodes are added, removed, reordered or change type', () => {
    const drawn = [drawnNode(a), drawnNode(b)];
    const moved: CanvasNode = { ...a, position: { x: 99, y: 99 } };
    expect(patchDrawnNodes(drawn, [moved])).toBe(false);
    expect(patchDrawnNodes(drawn, [b, moved])).toBe(false);
    expect(patchDrawnNodes(drawn, [{ ...moved, type: 'groupCollapsed' }, b])).toBe(false);
    expect(drawn[0]!.position).toEqual({ x: 0, y: 0 });
  });
});

describe('patchDrawnEdges', () => {
  const edge: CanvasEdge = { id: 'e', type: 'shape', source: 'a', target: 'b', sourceHandle: 'out', targetHandle: 'in-0', data: edgeData('(None, 4)') };

  it('updates the label data in place while the ends stay, and refuses a rewired edge', () => {
    const drawn = [{ ...edge, selected: true } as unknown as DrawnEdge];
    expect(patchDrawnEdges(drawn, [{ ...edge, data: edgeData('(None, 8)') }])).toBe(true);
    expect((drawn[0]!.data as ShapeEdgeData).shape).toBe('(None, 8)');
    expect(drawn[0]!.selected).toBe(true);
    expect(patchDrawnEdges(drawn, [{ ...edge, targetHandle: 'in-1' }])).toBe(false);
    expect(patchDrawnEdges(drawn, [{ ...edge, source: 'c' }])).toBe(false);
    expect(drawn[0]!.source).toBe('a');
  });
});
