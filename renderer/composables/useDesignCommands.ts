import { useVueFlow } from '@vue-flow/core';
import { expandCanvasSelection, nextGroupName } from '../canvas/canvasModel';
import { DESIGN_CANVAS_ID, measuredNodeSizes } from '../canvas/designCanvas';
import { useGraphStore } from '../stores/graphStore';
import { useUiStore } from '../stores/uiStore';

/** The Design view's editing commands, shared by the toolbar and the keyboard shortcuts. */
export interface DesignCommands {
  undo(): void;
  redo(): void;
  deleteSelection(): void;
  copySelection(): void;
  paste(): void;
  duplicateSelection(): void;
  groupSelection(): void;
  selectAll(): void;
  layout(): void;
  fit(): void;
}

/**
 * Editing commands over the current selection. Each reports a refused edit (a LabError)
 * in the status bar instead of throwing into the event handler.
 */
export function useDesignCommands(): DesignCommands {
  const graphStore = useGraphStore();
  const ui = useUiStore();
  const flow = useVueFlow(DESIGN_CANVAS_ID);

  const selectedLayers = (): string[] => expandCanvasSelection(graphStore.graph, ui.selectedNodeIds);

  function guarded(action: () => void): void {
    try {
      action();
    } catch (error) {
      ui.showNotice((error as Error).message, 'error');
    }
  }

  return {
    undo: () => guarded(() => graphStore.undo()),
    redo: () => guarded(() => graphStore.redo()),
    deleteSelection: () =>
      guarded(() => {
        graphStore.removeElements(selectedLayers(), ui.selectedEdgeIds);
        ui.clearSelection();
      }),
    copySelection: () =>
      guarded(() => {
        const ids = selectedLayers();
        graphStore.copyNodes(ids);
        if (ids.length > 0) ui.showNotice(`Copied ${ids.length} layer${ids.length === 1 ? '' : 's'}.`);
      }),
    paste: () => guarded(() => ui.select(graphStore.paste())),
    duplicateSelection: () => guarded(() => ui.select(graphStore.duplicateNodes(selectedLayers()))),
    groupSelection: () =>
      guarded(() => {
        const ids = selectedLayers();
        if (ids.length === 0) return;
        graphStore.groupNodes(ids, nextGroupName(graphStore.graph));
      }),
    selectAll: () => ui.select(graphStore.graph.nodes.map((node) => node.id)),
    layout: () =>
      guarded(() => {
        graphStore.layout(measuredNodeSizes(flow.getNodes.value));
        ui.requestFit();
      }),
    fit: () => ui.requestFit(),
  };
}
