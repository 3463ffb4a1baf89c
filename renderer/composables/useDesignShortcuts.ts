import { onBeforeUnmount, onMounted } from 'vue';
import type { DesignCommands } from './useDesignCommands';
import { isTextTarget } from '../shell/textHistory';

/**
 * The Design view's keyboard shortcuts: Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, Delete,
 * Ctrl+C / V / D / G / A, L (layout) and F (fit). Listens on the window while the view is
 * mounted.
 */
export function useDesignShortcuts(commands: DesignCommands): void {
  function onKeyDown(event: KeyboardEvent): void {
    if (isTextTarget(event.target)) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    let handled = true;
    if (mod && key === 'z' && !event.shiftKey) commands.undo();
    else if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) commands.redo();
    else if (mod && key === 'c') commands.copySelection();
    else if (mod && key === 'v') commands.paste();
    else if (mod && key === 'd') commands.duplicateSelection();
    else if (mod && key === 'g') commands.groupSelection();
    else if (mod && key === 'a') commands.selectAll();
    else if (!mod && (key === 'delete' || key === 'backspace')) commands.deleteSelection();
    else if (!mod && !event.altKey && key === 'l') commands.layout();
    else if (!mod && !event.altKey && key === 'f') commands.fit();
    else handled = false;
    if (handled) event.preventDefault();
  }
  onMounted(() => window.addEventListener('keydown', onKeyDown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeyDown));
}
