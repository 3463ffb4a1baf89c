import { z } from 'zod';

/** Commands of the desktop application menu, forwarded to the renderer as `menu.command` events. */
export const MENU_COMMANDS = [
  'file.new',
  'file.open',
  'file.openRecent',
  'file.save',
  'file.saveAs',
  'file.importModel',
  'file.export',
  'edit.undo',
  'edit.redo',
  'view.design',
  'view.data',
  'view.train',
  'view.evaluate',
  'view.export',
  'help.about',
] as const;
export const menuCommandSchema = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof menuCommandSchema>;

/**
 * Events of the desktop shell: a menu command (with the file for `file.openRecent`), and a
 * project or model file the user opened from outside the window (double-click, drag onto
 * the window, command-line argument). `kind` comes from the file extension.
 */
export const SHELL_EVENT_SCHEMAS = [
  z.object({ type: z.literal('menu.command'), command: menuCommandSchema, path: z.string().optional() }),
  z.object({ type: z.literal('app.openFile'), path: z.string(), kind: z.enum(['project', 'model', 'dataset']) }),
] as const;
