/**
 * Undo and redo go to what has the keyboard: a focused text field or code editor keeps its
 * own history, and only otherwise does the graph's history apply. Electron's menu takes
 * Ctrl+Z before the page sees it, so the menu command has to make the same choice.
 */

/** Fired on the focused code editor's element; CodeEditor.vue runs it as its own undo/redo. */
export const TEXT_HISTORY_EVENT = 'model-lab:text-history';

/** Which way through a history. */
export type HistoryDirection = 'undo' | 'redo';

/** True when keys go to a text field or the code editor, which handle their own keys. */
export function isTextTarget(target: EventTarget | null): target is HTMLElement {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('.monaco-editor') !== null;
}

/**
 * Undoes or redoes in the focused text field or code editor. Returns false when no text has
 * focus, so the caller applies the graph's history instead.
 */
export function applyToFocusedText(direction: HistoryDirection): boolean {
  const focused = document.activeElement;
  if (!isTextTarget(focused)) return false;
  const codeEditor = focused.closest('.monaco-editor');
  if (codeEditor) {
    codeEditor.dispatchEvent(new CustomEvent<HistoryDirection>(TEXT_HISTORY_EVENT, { detail: direction, bubbles: true }));
    return true;
  }
  // Native fields keep their own undo stack; execCommand is the only way into it.
  document.execCommand(direction);
  return true;
}
