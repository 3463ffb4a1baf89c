import type { MenuCommand } from '../../common/api/shellEvents';

/** The File menu's accelerators (electron/menu.ts), by key with Ctrl/Cmd held. */
const SHORTCUTS: Readonly<Record<string, { plain: MenuCommand; shifted?: MenuCommand }>> = {
  n: { plain: 'file.new' },
  o: { plain: 'file.open' },
  s: { plain: 'file.save', shifted: 'file.saveAs' },
  i: { plain: 'file.importModel' },
  e: { plain: 'file.export' },
};

/**
 * The File command a key press asks for in browser mode, where no application menu turns
 * Ctrl/Cmd+N, O, S, Shift+S, I and E into commands; null for any other key, with Alt
 * held, or for a key a focused widget (the code editor) already handled.
 */
export function shellShortcutCommand(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'defaultPrevented'>): MenuCommand | null {
  if (event.defaultPrevented || event.altKey || !(event.ctrlKey || event.metaKey)) return null;
  const shortcut = SHORTCUTS[event.key.toLowerCase()];
  if (!shortcut) return null;
  return event.shiftKey ? (shortcut.shifted ?? null) : shortcut.plain;
}
