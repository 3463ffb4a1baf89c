import type { BrowserWindow, Dialog, FileFilter as ElectronFileFilter, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { DialogProvider, DialogPurpose, FileFilter, OpenDialogInput, SaveDialogInput } from '../common/api/methods/dialogs';

/** Default file types per purpose, used when the caller gives none. */
export const DEFAULT_FILTERS: Readonly<Record<DialogPurpose, FileFilter[]>> = {
  // A project is a folder (`<name>.modellab/`), picked as a directory: no extension filter.
  project: [],
  model: [
    { name: 'Models', extensions: ['json', 'h5', 'keras', 'onnx'] },
    { name: 'All files', extensions: ['*'] },
  ],
  'dataset-folder': [],
  'dataset-file': [
    { name: 'IDX and CIFAR files', extensions: ['gz', 'ubyte', 'bin'] },
    { name: 'All files', extensions: ['*'] },
  ],
  export: [{ name: 'All files', extensions: ['*'] }],
  any: [{ name: 'All files', extensions: ['*'] }],
};

const DEFAULT_TITLES: Readonly<Record<DialogPurpose, string>> = {
  project: 'Model Lab project',
  model: 'Model',
  'dataset-folder': 'Dataset folder',
  'dataset-file': 'Dataset file',
  export: 'Export',
  any: 'File',
};

/** What the provider needs besides Electron's `dialog`. */
export interface DialogHooks {
  /** The window the dialog is modal to, if any. */
  window(): BrowserWindow | undefined;
  /**
   * Called with every path the user picked: the shell allows it for file access and
   * remembers projects and models in Open Recent.
   */
  picked(paths: string[], purpose: DialogPurpose): void;
}

/**
 * Native open and save dialogs for the LabApi dialog methods. The user's own choice in a
 * native dialog is what grants access to a path outside the default allowed folders.
 */
export function createElectronDialogProvider(dialog: Dialog, hooks: DialogHooks): DialogProvider {
  return {
    async showOpenDialog(input: OpenDialogInput) {
      const directory = input.directory || input.purpose === 'dataset-folder' || input.purpose === 'project';
      const options: OpenDialogOptions = {
        title: input.title ?? `Open ${DEFAULT_TITLES[input.purpose]}`,
        properties: [directory ? 'openDirectory' : 'openFile', ...(input.multiple ? (['multiSelections'] as const) : [])],
        filters: toElectronFilters(input.filters ?? DEFAULT_FILTERS[input.purpose]),
      };
      if (input.defaultPath !== undefined) options.defaultPath = input.defaultPath;
      const owner = hooks.window();
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      if (result.canceled || result.filePaths.length === 0) return { status: 'cancelled' };
      hooks.picked(result.filePaths, input.purpose);
      return { status: 'selected', paths: result.filePaths };
    },
    async showSaveDialog(input: SaveDialogInput) {
      const options: SaveDialogOptions = {
        title: input.title ?? `Save ${DEFAULT_TITLES[input.purpose]}`,
        filters: toElectronFilters(input.filters ?? DEFAULT_FILTERS[input.purpose]),
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      if (input.defaultPath !== undefined) options.defaultPath = input.defaultPath;
      const owner = hooks.window();
      const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return { status: 'cancelled' };
      hooks.picked([result.filePath], input.purpose);
      return { status: 'selected', path: result.filePath };
    },
  };
}

function toElectronFilters(filters: FileFilter[]): ElectronFileFilter[] {
  return filters.map((filter) => ({ name: filter.name, extensions: [...filter.extensions] }));
}
