import type { GraphEdge as DrawnEdge, GraphNode as DrawnNode } from '@vue-flow/core';
import { reactive } from 'vue';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../../common/graph/analysis';
import { applyGraphEdits } from '../../../../common/graph/edits';
import { buildTemplate } from '../../../../common/templates';
import { buildCanvasModel, reuseUnchanged, type CanvasModel } from '../../../../renderer/canvas/canvasModel';
import { createFlowSync, PATCHES_PER_FRAME, type FlowElements } from '../../../../renderer/canvas/flowSync';
import type { CanvasEdge, CanvasNode, LayerNodeData } from '../../../../renderer/canvas/types';

/**
 * Vue Flow's drawn elements as it keeps them: reactive copies of the model's nodes and
 * edges, which record every field written to them.
 */
class FakeFlow implements FlowElements {
  drawnNodes: DrawnNode[] = [];
  drawnEdges: DrawnEdge[] = [];
  /** `${id}.${field}` of every field written since the last `take`. */
  writes: string[] = [];
  sets = 0;

  private track<T extends { id: string }>(element: T): T {
    const writes = this.writes;
    return reactive(
      new Proxy(element, {
        set(target, field, value) {
          writes.push(`${target.id}.${String(field)}`);
          return Reflect.set(target, field, value);
        },
      }),
    ) as T;
  }

  nodes(): DrawnNode[] {
    return this.drawnNodes;
  }
  edges(): DrawnEdge[] {
    return this.drawnEdges;
  }
  /** Like Vue Flow's, a set assigns each given node onto the drawn node of its id, if any. */
  setNodes(nodes: CanvasNode[]): void {
    this.sets += 1;
    const byId = new Map(this.drawnNodes.map((node) => [node.id, node]));
    this.drawnNodes = nodes.map((node) => {
      const drawn = byId.get(node.id);
      return drawn ? Object.assign(drawn, node) : this.track({ ...node, position: { ...node.position } } as unknown as DrawnNode);
    });
  }
  setEdges(edges: CanvasEdge[]): void {
    this.sets += 1;
    const byId = new Map(this.drawnEdges.map((edge) => [edge.id, edge]));
    this.drawnEdges = edges.map((edge) => {
      const drawn = byId.get(edge.id);
      return drawn ? Object.assign(drawn, edge) : this.track({ ...edge } as unknown as DrawnEdge);
    });
  }
  take(): string[] {
    return this.writes.splice(0);
  }
}

/** A frame clock the test advances by hand. */
function manualFrames(): { nextFrame: (callback: () => void) => void; run: () => number } {
  let queued: (() => void)[] = [];
  return {
    nextFrame: (callback) => void queued.push(callback),
    run: () => {
      const due = queued;
      queued = [];
      for (const callback of due) callback();
      return due.length;
    },
  };
}

/** Runs frames until none is asked for; returns how many ran. */
function runAllFrames(frames: { run: () => number }, onFrame: () => void = () => undefined): number {
  let count = 0;
  while (frames.run() > 0) {
    count += 1;
    onFrame();
    if (count > 50) throw new Error('Expected the sync to settle within 50 frames. Received: frames=51');
  }
  return count;
}

const resnet = buildTemplate('resnet50', { inputShape: [224, 224, 3], classes: 1000 });

/** ResNet50's canvas model with the filters of one convolution set, reusing `previous`'s unchanged data. */
function resnetModel(filters: number | undefined, previous?: CanvasModel): CanvasModel {
  const conv = resnet.nodes.find((node) => node.name === 'conv2_block3_3_conv')!;
  const graph = filters === undefined ? resnet : applyGraphEdits(resnet, [{ kind: 'setParam', nodeId: conv.id, field: 'filters', value: filters }]);
  return reuseUnchanged(buildCanvasModel(graph, analyzeGraph(graph)), previous);
}

function shapeOf(flow: FakeFlow, name: string): string | null {
  const node = flow.drawnNodes.find((candidate) => (candidate.data as LayerNodeData).name === name);
  return (node?.data as LayerNodeData).outputShape;
}

describe('createFlowSync', () => {
  it('draws a new graph at once, then patches a small edit in the same task, writing only what changed', () => {
    const flow = new FakeFlow();
    const frames = manualFrames();
    const sync = createFlowSync(flow, { nextFrame: frames.nextFrame });
    const opened = resnetModel(undefined);
    sync.show(opened);
    expect(flow.sets).toBe(2);
    expect(flow.drawnNodes).toHaveLength(177);
    flow.take();

    // Moving one layer: one node is stale, written in place, nothing else is touched.
    const moved = { ...opened, nodes: opened.nodes.map((node, index) => (index === 3 ? { ...node, position: { x: 999, y: 8 } } : node)) };
    sync.show(moved);
    expect(flow.take()).toEqual([`${opened.nodes[3]!.id}.position`]);
    expect(flow.sets).toBe(2);
    expect(frames.run()).toBe(0);
  });

  it('spreads an edit that changes most of ResNet50 over frames of at most PATCHES_PER_FRAME elements, never in the edit task', () => {
    const flow = new FakeFlow();
    const frames = manualFrames();
    const sync = createFlowSync(flow, { nextFrame: frames.nextFrame });
    const before = resnetModel(undefined);
    sync.show(before);
    flow.take();

    // Channels that no longer match at conv2_block3_add leave every later shape unknown.
    const broken = resnetModel(40, before);
    const changed = broken.nodes.filter((node, index) => node.data !== before.nodes[index]!.data).length + broken.edges.filter((edge, index) => edge.data !== before.edges[index]!.data).length;
    expect(changed).toBeGreaterThan(250);
    sync.show(broken);
    expect(flow.take()).toEqual([]);

    const frameCount = runAllFrames(frames, () => {
      const written = new Set(flow.take().map((write) => write.split('.')[0]));
      expect(written.size).toBeLessThanOrEqual(PATCHES_PER_FRAME);
    });
    expect(frameCount).toBe(Math.ceil(changed / PATCHES_PER_FRAME));
    expect(shapeOf(flow, 'conv2_block3_3_conv')).toBe('(None, 56, 56, 40)');
    expect(shapeOf(flow, 'predictions')).toBeNull();
    // Every drawn element now shows the model: unchanged ones were never written.
    expect(flow.drawnNodes.every((node, index) => node.data === reactive(broken.nodes[index]!.data as object))).toBe(true);
  });

  it('patches against the latest model when another edit lands mid-way, and holds back while dragging', async () => {
    const flow = new FakeFlow();
    const frames = manualFrames();
    let dragging = false;
    const sync = createFlowSync(flow, { nextFrame: frames.nextFrame, held: () => dragging });
    const before = resnetModel(undefined);
    sync.show(before);
    const broken = resnetModel(40, before);
    sync.show(broken);
    frames.run();
    frames.run();
    // Undo before the wave ends: only what still differs from the original is patched back, over frames again.
    sync.show(before);
    const settled = sync.settled();
    dragging = true;
    flow.take();
    for (let frame = 0; frame < 5; frame += 1) expect(frames.run()).toBe(1);
    expect(flow.take()).toEqual([]);
    dragging = false;
    runAllFrames(frames);
    await settled;
    expect(shapeOf(flow, 'conv2_block3_3_conv')).toBe('(None, 56, 56, 256)');
    expect(shapeOf(flow, 'predictions')).toBe('(None, 1000)');
  });

  it('sets all elements when a layer is deleted, with those that stay keeping what they show until their patches come', () => {
    const flow = new FakeFlow();
    const frames = manualFrames();
    const sync = createFlowSync(flow, { nextFrame: frames.nextFrame });
    const before = resnetModel(undefined);
    sync.show(before);
    const conv = before.nodes.find((node) => (node.data as LayerNodeData).name === 'conv2_block3_3_conv')!;
    // Without its input, conv2_block3_3_conv and everything after it has no shape.
    const graph = applyGraphEdits(resnet, [{ kind: 'removeNode', nodeId: before.nodes.find((node) => (node.data as LayerNodeData).name === 'conv2_block3_2_relu')!.id }]);
    const after = reuseUnchanged(buildCanvasModel(graph, analyzeGraph(graph)), before);
    const drawnConv = flow.drawnNodes.find((node) => node.id === conv.id)!;
    sync.show(after);
    expect(flow.sets).toBe(4);
    expect(flow.drawnNodes).toHaveLength(176);
    // Vue Flow keeps the drawn node object; it still shows the old shape in the edit's task.
    expect(flow.drawnNodes.find((node) => node.id === conv.id)).toBe(drawnConv);
    expect(shapeOf(flow, 'conv2_block3_3_conv')).toBe('(None, 56, 56, 256)');
    runAllFrames(frames);
    expect(shapeOf(flow, 'conv2_block3_3_conv')).toBeNull();
    expect(shapeOf(flow, 'predictions')).toBeNull();
  });

  it('applies everything pending on flush (before the view is fitted)', async () => {
    const flow = new FakeFlow();
    const frames = manualFrames();
    const sync = createFlowSync(flow, { nextFrame: frames.nextFrame });
    const before = resnetModel(undefined);
    sync.show(before);
    sync.show(resnetModel(40, before));
    flow.take();
    sync.flush();
    await sync.settled();
    expect(shapeOf(flow, 'predictions')).toBeNull();
    expect(flow.take().length).toBeGreaterThan(PATCHES_PER_FRAME);
    // The frame the edit had asked for finds nothing left to do.
    frames.run();
    expect(flow.take()).toEqual([]);
  });
});
