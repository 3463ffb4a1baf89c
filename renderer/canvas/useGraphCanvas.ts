import { computed, type ComputedRef } from 'vue';
import { useGraphStore } from '../stores/graphStore';
import { useUiStore } from '../stores/uiStore';
import { buildCanvasModel, reuseUnchanged, type CanvasModel } from './canvasModel';

/**
 * Maps `graphStore` (graph + analysis) and the selection in `uiStore` to the nodes and
 * edges Vue Flow draws. Recomputed once per committed edit, never during a drag: Vue
 * Flow moves dragged nodes itself and the store hears about it on drag stop.
 */
export function useGraphCanvas(): { model: ComputedRef<CanvasModel> } {
  const graphStore = useGraphStore();
  const ui = useUiStore();
  let previous: CanvasModel | undefined;
  const model = computed(() => {
    previous = reuseUnchanged(buildCanvasModel(graphStore.graph, graphStore.analysis, new Set(ui.selectedNodeIds), new Set(ui.selectedEdgeIds)), previous);
    return previous;
  });
  return { model };
}
