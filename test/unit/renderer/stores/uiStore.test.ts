// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { isAppView, useUiStore } from '../../../../renderer/stores/uiStore';
import { viewFromHash } from '../../../../renderer/composables/useHashRoute';

describe('uiStore', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('navigates between views and tracks a single primary selection', () => {
    const ui = useUiStore();
    expect(ui.activeView).toBe('design');
    ui.navigate('train');
    expect(ui.activeView).toBe('train');
    ui.select(['a']);
    expect(ui.primaryNodeId).toBe('a');
    ui.select(['a', 'b'], ['e']);
    expect(ui.primaryNodeId).toBeNull();
    expect(ui.selectedEdgeIds).toEqual(['e']);
    ui.clearSelection();
    expect(ui.selectedNodeIds).toEqual([]);
  });

  it('counts fit requests and keeps the latest notice', () => {
    const ui = useUiStore();
    ui.requestFit();
    ui.requestFit();
    expect(ui.fitRequest).toBe(2);
    ui.showNotice('first');
    ui.showNotice('second', 'error');
    expect(ui.notice).toMatchObject({ text: 'second', kind: 'error' });
  });

  it('reads views from hashes and rejects unknown names', () => {
    expect(viewFromHash('#/evaluate')).toBe('evaluate');
    expect(viewFromHash('#data')).toBe('data');
    expect(isAppView(viewFromHash('#/nowhere'))).toBe(false);
    expect(isAppView('export')).toBe(true);
  });
});
