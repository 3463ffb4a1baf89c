import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../common/api/shellEvents';

/** What the menu needs from the app. */
export interface MenuHooks {
  /** Forwards a command to the renderer as a `menu.command` event. */
  command(command: MenuCommand, filePath?: string): void;
  /** Recent projects and models, newest first. */
  recentFiles: readonly string[];
  clearRecentFiles(): void;
  /** Opens Model Lab's data folder in the file manager. */
  openDataFolder(): void;
  platform: NodeJS.Platform;
  /** Shows developer tools and reload (unpackaged builds only). */
  developer: boolean;
}

/**
 * The application menu. Document commands (New, Open, Save, Import, Export, Undo, Redo,
 * the views) are sent to the renderer, which owns the document; clipboard, zoom and
 * window items use Electron's built-in roles. Shortcuts follow each platform's
 * conventions through `CmdOrCtrl`.
 */
export function buildMenuTemplate(hooks: MenuHooks): MenuItemConstructorOptions[] {
  const isMac = hooks.platform === 'darwin';
  const send = (command: MenuCommand) => (): void => hooks.command(command);
  const recent: MenuItemConstructorOptions[] =
    hooks.recentFiles.length === 0
      ? [{ label: 'No Recent Files', enabled: false }]
      : [
          ...hooks.recentFiles.map((file): MenuItemConstructorOptions => ({ label: path.basename(file), sublabel: file, click: () => hooks.command('file.openRecent', file) })),
          { type: 'separator' },
          { label: 'Clear Recent', click: () => hooks.clearRecentFiles() },
        ];

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) template.push({ role: 'appMenu' });
  template.push(
    {
      label: '&File',
      submenu: [
        { label: 'New Project', accelerator: 'CmdOrCtrl+N', click: send('file.new') },
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: send('file.open') },
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: send('file.save') },
        { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: send('file.saveAs') },
        { type: 'separator' },
        { label: 'Import Model…', accelerator: 'CmdOrCtrl+I', click: send('file.importModel') },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: send('file.export') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        // The renderer decides: a focused text field undoes its text, otherwise the graph's history.
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: send('edit.undo') },
        { label: 'Redo', accelerator: isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y', click: send('edit.redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'delete' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Design', accelerator: 'CmdOrCtrl+1', click: send('view.design') },
        { label: 'Data', accelerator: 'CmdOrCtrl+2', click: send('view.data') },
        { label: 'Train', accelerator: 'CmdOrCtrl+3', click: send('view.train') },
        { label: 'Evaluate', accelerator: 'CmdOrCtrl+4', click: send('view.evaluate') },
        { label: 'Export', accelerator: 'CmdOrCtrl+5', click: send('view.export') },
        { type: 'separator' },
        ...(hooks.developer ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
  );
  if (isMac) template.push({ role: 'windowMenu' });
  template.push({
    label: '&Help',
    role: 'help',
    submenu: [
      { label: 'About Model Lab', click: send('help.about') },
      { label: 'Open Data Folder', click: () => hooks.openDataFolder() },
    ],
  });
  return template;
}
