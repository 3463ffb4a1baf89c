import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** The app's views, in the order the navigation shows them. */
export const APP_VIEWS = ['design', 'data', 'train', 'evaluate', 'export'] as const;
export type AppView = (typeof APP_VIEWS)[number];

/** Tabs of the Design view's right-hand panel. */
export const DESIGN_PANELS = ['inspector', 'summary', 'code'] as const;
export type DesignPanel = (typeof DESIGN_PANELS)[number];

/** A short message in the status bar (a rejected rename, an autosave failure). */
export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** True when `value` names one of the app's views. */
export function isAppView(value: unknown): value is AppView {
  return typeof value === 'string' && (APP_VIEWS as readonly string[]).includes(value);
}

/**
 * Selection, navigation and panels: state that is about the window, not the model.
 * Views navigate with `navigate('train')`; the shell mirrors `activeView` in the URL hash
 * (`#/train`) so a reload stays on the same view.
 */
export const useUiStore = defineStore('ui', () => {
  const activeView = ref<AppView>('design');
  const selectedNodeIds = ref<string[]>([]);
  const selectedEdgeIds = ref<string[]>([]);
  const designPanel = ref<DesignPanel>('inspector');
  const templatesOpen = ref(false);
  const notice = ref<Notice | null>(null);
  /** Increases when something asks the canvas to zoom to fit (a template opened, `F`). */
  const fitRequest = ref(0);
  /**
   * Asks the canvas to lay the graph out once its nodes are measured, then fit. The
   * layout joins the undo step of the edit with `coalesceKey` (opening a template).
   */
  const layoutRequest = ref<{ count: number; coalesceKey: string | undefined }>({ count: 0, coalesceKey: undefined });
  let noticeCounter = 0;
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;

  /** The single selected node id, or null when none or several are selected. */
  const primaryNodeId = computed(() => (selectedNodeIds.value.length === 1 ? (selectedNodeIds.value[0] ?? null) : null));

  /** Switches the main view. */
  function navigate(view: AppView): void {
    activeView.value = view;
  }

  /** Replaces the selection. */
  function select(nodeIds: readonly string[], edgeIds: readonly string[] = []): void {
    selectedNodeIds.value = [...nodeIds];
    selectedEdgeIds.value = [...edgeIds];
  }

  function clearSelection(): void {
    select([]);
  }

  /** Shows a message in the status bar for a few seconds. */
  function showNotice(text: string, kind: Notice['kind'] = 'info'): void {
    noticeCounter += 1;
    notice.value = { id: noticeCounter, kind, text };
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      notice.value = null;
    }, kind === 'error' ? 8000 : 4000);
  }

  function openPanel(panel: DesignPanel): void {
    designPanel.value = panel;
  }

  /** Asks the canvas to lay out (with measured node sizes) and fit once it has drawn the current graph. */
  function requestLayout(coalesceKey?: string): void {
    layoutRequest.value = { count: layoutRequest.value.count + 1, coalesceKey };
  }

  /** Asks the canvas to zoom to fit once it has drawn the current graph. */
  function requestFit(): void {
    fitRequest.value += 1;
  }

  return { activeView, selectedNodeIds, selectedEdgeIds, designPanel, templatesOpen, notice, fitRequest, layoutRequest, primaryNodeId, navigate, select, clearSelection, showNotice, openPanel, requestFit, requestLayout };
});
