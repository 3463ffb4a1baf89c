import { computed, type ComputedRef } from 'vue';
import { useGraphStore } from '../stores/graphStore';
import { buildCanvasModel, reuseUnchanged, type CanvasModel } from './canvasModel';

/**
 * Maps `graphStore` (graph + analysis) to the nodes and edges Vue Flow draws. Recomputed
 * once per committed edit, never during a drag or on a selection change: Vue Flow moves
 * dragged nodes and marks selected ones itself, and the store hears about a move on drag stop.
 */
export function useGraphCanvas(): { model: ComputedRef<CanvasModel> } {
  const graphStore = useGraphStore();
  let previous: CanvasModel | undefined;
  const model = computed(() => {
    previous = reuseUnchanged(buildCanvasModel(graphStore.graph, graphStore.analysis), previous);
    return previous;
  });
  return { model };
}
