import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, type MenuHooks } from '../../../electron/menu';
import type { MenuCommand } from '../../../common/api/shellEvents';

function hooks(overrides: Partial<MenuHooks> = {}): MenuHooks & { sent: Array<[MenuCommand, string | undefined]> } {
  const sent: Array<[MenuCommand, string | undefined]> = [];
  return { sent, command: (command, file) => sent.push([command, file]), recentFiles: [], clearRecentFiles: () => undefined, openDataFolder: () => undefined, platform: 'linux', developer: false, ...overrides };
}

function items(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const menu = template.find((entry) => entry.label?.replace('&', '') === label);
  if (!menu || !Array.isArray(menu.submenu)) throw new Error(`no ${label} menu`);
  return menu.submenu;
}

function click(item: MenuItemConstructorOptions | undefined): void {
  (item?.click as (() => void) | undefined)?.();
}

describe('buildMenuTemplate', () => {
  it('has File, Edit, View and Help with the standard shortcuts', () => {
    const template = buildMenuTemplate(hooks());
    expect(template.map((entry) => entry.label?.replace('&', ''))).toEqual(['File', 'Edit', 'View', 'Help']);
    const file = items(template, 'File');
    const accelerators = Object.fromEntries(file.filter((i) => i.label).map((i) => [i.label, i.accelerator]));
    expect(accelerators).toMatchObject({ 'New Project': 'CmdOrCtrl+N', 'Open…': 'CmdOrCtrl+O', Save: 'CmdOrCtrl+S', 'Save As…': 'CmdOrCtrl+Shift+S', 'Import Model…': 'CmdOrCtrl+I', 'Export…': 'CmdOrCtrl+E' });
    const edit = items(template, 'Edit');
    expect(edit.slice(0, 2).map((i) => i.accelerator)).toEqual(['CmdOrCtrl+Z', 'Ctrl+Y']);
  });

  it('sends each document command to the renderer', () => {
    const h = hooks();
    const template = buildMenuTemplate(h);
    for (const item of [...items(template, 'File'), ...items(template, 'Edit'), ...items(template, 'View')]) click(item);
    expect(h.sent.map(([command]) => command)).toEqual([
      'file.new', 'file.open', 'file.save', 'file.saveAs', 'file.importModel', 'file.export',
      'edit.undo', 'edit.redo',
      'view.design', 'view.data', 'view.train', 'view.evaluate', 'view.export',
    ]);
  });

  it('lists recent files, opens one with its path and can clear them', () => {
    let cleared = false;
    const h = hooks({ recentFiles: ['/home/u/a.modellab', '/home/u/b.h5'], clearRecentFiles: () => (cleared = true) });
    const recent = items(items(buildMenuTemplate(h), 'File').filter((i) => i.label === 'Open Recent'), 'Open Recent');
    expect(recent.map((i) => i.label)).toEqual(['a.modellab', 'b.h5', undefined, 'Clear Recent']);
    click(recent[1]);
    click(recent[3]);
    expect(h.sent).toEqual([['file.openRecent', '/home/u/b.h5']]);
    expect(cleared).toBe(true);
  });

  it('adds the app and window menus on macOS and developer tools only when unpackaged', () => {
    const mac = buildMenuTemplate(hooks({ platform: 'darwin', developer: true }));
    expect(mac[0]?.role).toBe('appMenu');
    expect(mac.some((entry) => entry.role === 'windowMenu')).toBe(true);
    expect(items(mac, 'Edit')[1]?.accelerator).toBe('Cmd+Shift+Z');
    expect(items(mac, 'View').some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(items(buildMenuTemplate(hooks()), 'View').some((i) => i.role === 'toggleDevTools')).toBe(false);
  });
});
