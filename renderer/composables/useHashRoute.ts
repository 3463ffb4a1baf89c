import { onBeforeUnmount, onMounted, watch } from 'vue';
import { isAppView, useUiStore } from '../stores/uiStore';

/** The view named by a location hash such as `#/train`, or undefined. */
export function viewFromHash(hash: string): string | undefined {
  return /^#\/?([a-z]+)/.exec(hash)?.[1];
}

/**
 * Keeps `uiStore.activeView` and the URL hash (`#/design`, `#/train`, ...) in step, so
 * views have real addresses: a reload, a link or the back button lands on the right view.
 */
export function useHashRoute(): void {
  const ui = useUiStore();

  function fromHash(): void {
    const view = viewFromHash(window.location.hash);
    if (isAppView(view) && view !== ui.activeView) ui.navigate(view);
  }

  fromHash();
  watch(
    () => ui.activeView,
    (view) => {
      if (viewFromHash(window.location.hash) !== view) window.location.hash = `/${view}`;
    },
    { immediate: true },
  );
  onMounted(() => window.addEventListener('hashchange', fromHash));
  onBeforeUnmount(() => window.removeEventListener('hashchange', fromHash));
}
