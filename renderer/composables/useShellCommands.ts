import { storeToRefs } from 'pinia';
import { onBeforeUnmount, watch, type Ref } from 'vue';
import type { MenuCommand } from '../../common/api/shellEvents';
import { baseName, parentPath } from '../../common/files/paths';
import { labClient, labTransport } from '../api/labClient';
import { useDialogsStore, type PickerRequest } from '../stores/dialogsStore';
import { useGraphStore } from '../stores/graphStore';
import { useProjectStore } from '../stores/projectStore';
import { isAppView, useUiStore } from '../stores/uiStore';
import { kindOfFileName } from '../files/dropKinds';
import { requestDatasetImport } from './useDatasetImportRequests';
import { shellShortcutCommand } from '../shell/shellShortcuts';
import { applyToFocusedText } from '../shell/textHistory';

/** What the desktop shell opens from outside the window (common/api/shellEvents.ts `app.openFile`). */
export type OpenedFileKind = 'project' | 'model' | 'dataset';

/** Model files the Import Model command offers. */
export const MODEL_FILE_EXTENSIONS = ['h5', 'keras', 'json'];

/** The app's File and Help commands, and what the shell renders for them. */
export interface ShellCommands {
  /** Runs a menu command (`path` is the file of `file.openRecent`). Failures become an error notice naming the file. */
  run(command: MenuCommand, path?: string): Promise<void>;
  /** Opens a file the desktop shell was given (double-click, drag onto the window, command line). */
  openFile(path: string, kind: OpenedFileKind): Promise<void>;
  /** The in-page path picker asked for (browser mode has no native dialog); null when none. */
  pathRequest: Ref<PickerRequest | null>;
  /** The picker's answer: a path, or null when cancelled. */
  settlePath(path: string | null): void;
  /** Whether the About dialog is shown. */
  aboutOpen: Ref<boolean>;
}

/** True when a recent-file path names a model file rather than a project folder. */
function isModelPath(path: string): boolean {
  return kindOfFileName(baseName(path)) === 'model';
}

/**
 * The document commands of the menu (and of the same shortcuts in browser mode), and the
 * files the desktop shell opens: new, open, open recent, save, save as, import model,
 * export, about. Not tied to a component's lifecycle, so tests drive it directly;
 * `useShellCommands` wires it to the shell's events and the keyboard.
 */
export function createShellCommands(): ShellCommands {
  const ui = useUiStore();
  const graphStore = useGraphStore();
  const projects = useProjectStore();
  const dialogs = useDialogsStore();
  const { pathRequest, aboutOpen } = storeToRefs(dialogs);

  /** A file opened while the startup project is still opening waits, so the startup cannot replace it. */
  async function startupSettled(): Promise<void> {
    const busy = (): boolean => ['idle', 'opening', 'creating-sample'].includes(projects.startupState);
    if (!busy()) return;
    await new Promise<void>((resolve) => {
      const stop = watch(
        () => busy(),
        (stillBusy) => {
          if (stillBusy) return;
          stop();
          resolve();
        },
      );
    });
  }

  /** Chooses a path; a command started while the picker waits cancels the earlier choice. */
  function choosePath(request: PickerRequest): Promise<string | null> {
    return dialogs.choosePath(request);
  }

  async function openProject(dir: string): Promise<void> {
    await startupSettled();
    await projects.open(dir);
    ui.showNotice(`Opened ${projects.project?.project.name ?? baseName(dir)}`);
  }

  async function importModel(path: string): Promise<void> {
    await projects.importModel(path, baseName(path));
    ui.navigate('design');
  }

  /** The import kind of a dataset path: IDX or CIFAR files by name, a folder by what it holds. */
  async function datasetKind(path: string): Promise<'folder' | 'idx' | 'cifar10'> {
    const own = kindOfFileName(baseName(path));
    if (own === 'idx') return 'idx';
    if (own === 'cifar') return 'cifar10';
    const listing = await dialogs.listDirectory(path);
    const kinds = listing.entries.filter((entry) => entry.kind === 'file').map((entry) => kindOfFileName(entry.name));
    if (kinds.includes('idx')) return 'idx';
    if (kinds.includes('cifar')) return 'cifar10';
    return 'folder';
  }

  async function importDataset(path: string): Promise<void> {
    ui.navigate('data');
    await requestDatasetImport(path, await datasetKind(path));
  }

  async function newProject(): Promise<void> {
    const chosen = await choosePath({ mode: 'save', purpose: 'project', title: 'New project: choose its folder and name', defaultName: 'Untitled' });
    if (!chosen) return;
    const created = await projects.create(parentPath(chosen), baseName(chosen));
    ui.clearSelection();
    ui.navigate('design');
    ui.showNotice(`Created ${created.project.name}`);
  }

  async function openProjectDialog(): Promise<void> {
    const chosen = await choosePath({ mode: 'folder', purpose: 'project', title: 'Open a project folder (<name>.modellab)' });
    if (chosen) await openProject(chosen);
  }

  async function save(): Promise<void> {
    const saved = await projects.save();
    if (saved) ui.showNotice(`Saved ${saved.project.name}`);
    else await saveAs();
  }

  async function saveAs(): Promise<void> {
    const current = projects.project;
    const defaultName = current ? `${current.project.name} copy` : graphStore.graph.name;
    const chosen = await choosePath({ mode: 'save', purpose: 'project', title: 'Save the project as: choose a folder and a new name', defaultName });
    if (!chosen) return;
    const copy = await projects.saveAs(parentPath(chosen), baseName(chosen));
    ui.showNotice(`Saved as ${copy.project.name} (${copy.dir})`);
  }

  async function importModelDialog(): Promise<void> {
    const chosen = await choosePath({ mode: 'file', purpose: 'model', title: 'Import a model (Keras .h5 / .keras, model.json)', extensions: MODEL_FILE_EXTENSIONS });
    if (chosen) await importModel(chosen);
  }

  /** Runs `action`; a failure becomes an error notice that names what was being opened or saved. */
  async function reporting(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      ui.showNotice(`Could not ${what}: ${(error as Error).message}`, 'error');
    }
  }

  async function run(command: MenuCommand, path?: string): Promise<void> {
    const [area, action] = command.split('.');
    if (area === 'view' && isAppView(action)) {
      ui.navigate(action);
      return;
    }
    switch (command) {
      case 'edit.undo':
        if (!applyToFocusedText('undo')) graphStore.undo();
        return;
      case 'edit.redo':
        if (!applyToFocusedText('redo')) graphStore.redo();
        return;
      case 'file.new':
        return reporting('create the project', newProject);
      case 'file.open':
        return reporting('open the project', openProjectDialog);
      case 'file.openRecent':
        if (!path) {
          ui.showNotice('Could not open the recent file: the menu named no file.', 'error');
          return;
        }
        return isModelPath(path) ? reporting(`import ${baseName(path)}`, () => importModel(path)) : reporting(`open ${baseName(path)}`, () => openProject(path));
      case 'file.save':
        return reporting(`save ${projects.project?.project.name ?? 'the project'}`, save);
      case 'file.saveAs':
        return reporting(`save ${projects.project?.project.name ?? 'the project'} under a new name`, saveAs);
      case 'file.importModel':
        return reporting('import the model', importModelDialog);
      case 'file.export':
        ui.navigate('export');
        return;
      case 'help.about':
        dialogs.aboutOpen = true;
        return;
    }
  }

  async function openFile(path: string, kind: OpenedFileKind): Promise<void> {
    const name = baseName(path);
    if (kind === 'project') return reporting(`open ${name}`, () => openProject(path));
    if (kind === 'model') return reporting(`import ${name}`, () => importModel(path));
    return reporting(`import ${name}`, () => importDataset(path));
  }

  return { run, openFile, pathRequest, settlePath: dialogs.settlePath, aboutOpen };
}

/**
 * The shell's commands for the app window: `menu.command` and `app.openFile` events run
 * them, and in browser mode (no desktop menu, whose accelerators already send the same
 * commands) so do Ctrl/Cmd+N, O, S, Shift+S, I and E.
 */
export function useShellCommands(): ShellCommands {
  const commands = createShellCommands();
  const unsubscribe = labClient.onEvent((event) => {
    if (event.type === 'menu.command') void commands.run(event.command, event.path);
    else if (event.type === 'app.openFile') void commands.openFile(event.path, event.kind);
  });
  function onKeyDown(event: KeyboardEvent): void {
    const command = shellShortcutCommand(event);
    if (!command) return;
    event.preventDefault();
    void commands.run(command);
  }
  if (labTransport !== 'ipc') window.addEventListener('keydown', onKeyDown);
  onBeforeUnmount(() => {
    unsubscribe();
    window.removeEventListener('keydown', onKeyDown);
  });
  return commands;
}
