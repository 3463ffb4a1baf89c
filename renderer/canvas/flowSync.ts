import type { GraphEdge as DrawnEdge, GraphNode as DrawnNode } from '@vue-flow/core';
import type { CanvasModel } from './canvasModel';
import { edgeIsStale, keepDrawnEdgeState, keepDrawnNodeState, nodeIsStale, patchEdge, patchNode, sameEdges, sameNodes } from './patchFlowElements';
import type { CanvasEdge, CanvasNode } from './types';

/**
 * Changed nodes and edges brought up to date per frame. Each costs Vue Flow about half a
 * millisecond of rendering, painting included; an edit that turns most shapes of a ResNet50
 * unknown changes ~300 of them, which in one frame made a 100 to 150 ms task.
 */
export const PATCHES_PER_FRAME = 30;

/** Vue Flow's drawn elements, as the sync reads and replaces them. */
export interface FlowElements {
  nodes(): DrawnNode[];
  edges(): DrawnEdge[];
  setNodes(nodes: CanvasNode[]): void;
  setEdges(edges: CanvasEdge[]): void;
}

/** Options of `createFlowSync`. */
export interface FlowSyncOptions {
  /** Most changed elements patched in one frame. */
  patchesPerFrame?: number;
  /**
   * True while patches must wait: the user is dragging nodes, and a patch would move them
   * under the pointer. Asked at each frame, so patches go on by themselves once it is false.
   */
  held?: () => boolean;
  /** Runs `callback` at the next frame (in the app: in a task of its own after the next frame is drawn). */
  nextFrame?: (callback: () => void) => void;
}

/** Brings Vue Flow's drawn elements to the latest canvas model, a bounded number per frame. */
export interface FlowSync {
  /**
   * Makes `model` the one to draw. Added, removed or rewired elements replace Vue Flow's
   * arrays at once (elements that stay keep what they show); changed fields of the same elements are patched in place: now when
   * they are at most `patchesPerFrame`, else `patchesPerFrame` per frame from the next one,
   * each time against the latest model.
   */
  show(model: CanvasModel): void;
  /** Patches everything still pending now (before reading drawn positions, e.g. to fit the view). */
  flush(): void;
  /** Resolves once nothing is pending. */
  settled(): Promise<void>;
}

interface StalePatch {
  /** Where in its list the element sits, 0..1: nodes and edges are patched together from the top of the graph down. */
  order: number;
  apply(): void;
}

/** The elements whose drawn fields differ from the model, interleaved in graph order. */
function stalePatches(elements: FlowElements, model: CanvasModel): StalePatch[] {
  const patches: StalePatch[] = [];
  const drawnNodes = elements.nodes();
  model.nodes.forEach((node, index) => {
    const drawn = drawnNodes[index]!;
    if (nodeIsStale(drawn, node)) patches.push({ order: index / model.nodes.length, apply: () => patchNode(drawn, node) });
  });
  const drawnEdges = elements.edges();
  model.edges.forEach((edge, index) => {
    const drawn = drawnEdges[index]!;
    if (edgeIsStale(drawn, edge)) patches.push({ order: index / model.edges.length, apply: () => patchEdge(drawn, edge) });
  });
  return patches.sort((a, b) => a.order - b.order);
}

/**
 * Runs `callback` in a task of its own once the next frame has been drawn: each batch of
 * patches and the drawing it causes then land in separate tasks, the next batch after the
 * previous one is on screen, and the edit's own task never carries a batch.
 */
function afterNextPaint(callback: () => void): void {
  requestAnimationFrame(() => setTimeout(callback, 0));
}

/** Creates the sync between canvas models and Vue Flow's drawn elements. */
export function createFlowSync(elements: FlowElements, options: FlowSyncOptions = {}): FlowSync {
  const patchesPerFrame = options.patchesPerFrame ?? PATCHES_PER_FRAME;
  const nextFrame = options.nextFrame ?? afterNextPaint;
  const held = options.held ?? (() => false);
  let model: CanvasModel | null = null;
  let pending = false;
  let frameRequested = false;
  let waiters: (() => void)[] = [];

  function settle(): void {
    pending = false;
    const resolved = waiters;
    waiters = [];
    for (const resolve of resolved) resolve();
  }

  /** Applies up to `limit` pending patches; returns true when some are left. */
  function patch(limit: number): boolean {
    if (!model) return false;
    const patches = stalePatches(elements, model);
    for (const stale of patches.slice(0, limit)) stale.apply();
    return patches.length > limit;
  }

  function requestFrame(): void {
    if (frameRequested) return;
    frameRequested = true;
    nextFrame(() => {
      frameRequested = false;
      if (!pending) return;
      if (held() || patch(patchesPerFrame)) requestFrame();
      else settle();
    });
  }

  return {
    show(next) {
      model = next;
      // Elements that stay keep what they show through a full set; their changes are patched like any other.
      if (!sameNodes(elements.nodes(), next.nodes)) elements.setNodes(keepDrawnNodeState(elements.nodes(), next.nodes));
      if (!sameEdges(elements.edges(), next.edges)) elements.setEdges(keepDrawnEdgeState(elements.edges(), next.edges));
      pending = true;
      if (held()) {
        requestFrame();
        return;
      }
      // A small change shows in the edit's own task; a large one starts at the next frame, so
      // that task carries only the edit, and the inspector and panels it updates.
      const patches = stalePatches(elements, next);
      if (patches.length > patchesPerFrame) {
        requestFrame();
        return;
      }
      for (const stale of patches) stale.apply();
      settle();
    },
    flush() {
      if (!pending) return;
      patch(Number.POSITIVE_INFINITY);
      settle();
    },
    settled() {
      return pending ? new Promise((resolve) => waiters.push(resolve)) : Promise.resolve();
    },
  };
}
