// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, effectScope, ref } from 'vue';
import { projectSettingsSchema, type Project } from '../../../../common/api/methods/projects';
import { LabError } from '../../../../common/errors';
import { baseName } from '../../../../common/files/paths';
import { buildTemplate } from '../../../../common/templates';
import { createFakeLabClient } from '../views/fakeLabClient';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient>, transport: 'websocket' as 'websocket' | 'ipc' }));
vi.mock('../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  get labTransport() {
    return fake.transport;
  },
}));

const { createShellCommands, useShellCommands } = await import('../../../../renderer/composables/useShellCommands');
const { useDatasetImportRequests } = await import('../../../../renderer/composables/useDatasetImportRequests');
const { useGraphStore } = await import('../../../../renderer/stores/graphStore');
const { useProjectStore } = await import('../../../../renderer/stores/projectStore');
const { useUiStore } = await import('../../../../renderer/stores/uiStore');

const template = buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 });
const imported = { ...buildTemplate('mnist-cnn', { inputShape: [32, 32, 3], classes: 5 }), name: 'imported_net' };

function project(dir: string, name = 'p', graph = template): Project {
  return {
    dir,
    recoveredFrom: null,
    project: { schemaVersion: 2, name, graph, datasets: [], settings: projectSettingsSchema.parse({}), createdAt: '', updatedAt: '' },
  };
}

beforeEach(() => {
  localStorage.clear();
  fake.client = createFakeLabClient();
  fake.transport = 'websocket';
  setActivePinia(createPinia());
  useProjectStore().startupState = 'ready';
  fake.client.listDatasets.mockResolvedValue([]);
  fake.client.listBuiltinDatasets.mockResolvedValue([]);
  fake.client.saveProject.mockResolvedValue({ savedAt: '', path: '' });
  fake.client.listRuns.mockResolvedValue([]);
  fake.client.openProject.mockImplementation(async ({ dir }: { dir: string }) => project(dir, baseName(dir).replace(/\.modellab$/, '')));
  fake.client.importModel.mockResolvedValue({ graph: imported, format: 'h5', hasWeights: true });
});

/** Opens a project the way startup does, so commands have one to act on. */
async function withOpenProject(dir = '/work/First.modellab'): Promise<void> {
  await useProjectStore().open(dir);
  fake.client.openProject.mockClear();
}

describe('File commands', () => {
  it('file.new creates a project with an empty graph where the dialog says and opens it on the Design view', async () => {
    fake.client.showSaveDialog.mockResolvedValue({ status: 'selected', path: '/home/me/Birds' });
    fake.client.createProject.mockImplementation(async ({ parentDir, name }: { parentDir: string; name: string }) => project(`${parentDir}/${name}.modellab`, name, { ...template, nodes: [], edges: [] }));
    const ui = useUiStore();
    ui.navigate('train');
    await createShellCommands().run('file.new');
    expect(fake.client.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ purpose: 'project' }));
    expect(fake.client.createProject).toHaveBeenCalledWith({ parentDir: '/home/me', name: 'Birds', graph: expect.objectContaining({ nodes: [] }) as unknown });
    expect(fake.client.openProject).toHaveBeenCalledWith({ dir: '/home/me/Birds.modellab' });
    expect(useProjectStore().project?.dir).toBe('/home/me/Birds.modellab');
    expect(useProjectStore().dir).toBe('/home/me/Birds.modellab');
    expect(ui.activeView).toBe('design');
    expect(ui.notice?.text).toBe('Created Birds');
  });

  it('file.new in browser mode asks the in-page picker, and a cancel creates nothing', async () => {
    fake.client.showSaveDialog.mockResolvedValue({ status: 'unsupported', reason: 'browser', roots: ['/srv'] });
    fake.client.createProject.mockImplementation(async ({ parentDir, name }: { parentDir: string; name: string }) => project(`${parentDir}/${name}.modellab`, name));
    const commands = createShellCommands();
    const first = commands.run('file.new');
    await flushPromises();
    expect(commands.pathRequest.value).toMatchObject({ mode: 'save', defaultName: 'Untitled' });
    commands.settlePath(null);
    await first;
    expect(fake.client.createProject).not.toHaveBeenCalled();

    const second = commands.run('file.new');
    await flushPromises();
    commands.settlePath('/srv/Cats');
    await second;
    expect(commands.pathRequest.value).toBeNull();
    expect(fake.client.createProject).toHaveBeenCalledWith(expect.objectContaining({ parentDir: '/srv', name: 'Cats' }));
  });

  it('file.open opens the chosen project folder; file.openRecent opens its path without a dialog', async () => {
    fake.client.showOpenDialog.mockResolvedValue({ status: 'selected', paths: ['/work/Digits.modellab'] });
    const commands = createShellCommands();
    await commands.run('file.open');
    expect(fake.client.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ purpose: 'project', directory: true }));
    expect(useProjectStore().project?.dir).toBe('/work/Digits.modellab');
    expect(useUiStore().notice?.text).toBe('Opened Digits');

    await commands.run('file.openRecent', '/work/Other.modellab');
    expect(fake.client.showOpenDialog).toHaveBeenCalledTimes(1);
    expect(fake.client.openProject).toHaveBeenLastCalledWith({ dir: '/work/Other.modellab' });
    expect(useProjectStore().project?.dir).toBe('/work/Other.modellab');
  });

  it('file.openRecent of a model file imports it; one without a path says so', async () => {
    const commands = createShellCommands();
    await commands.run('file.openRecent', '/models/net.h5');
    expect(fake.client.importModel).toHaveBeenCalledWith({ path: '/models/net.h5' });
    expect(fake.client.openProject).not.toHaveBeenCalled();
    expect(useGraphStore().graph.name).toBe('imported_net');
    await commands.run('file.openRecent');
    expect(useUiStore().notice).toMatchObject({ kind: 'error', text: expect.stringContaining('named no file') as unknown });
  });

  it('file.save writes the graph and the settings into project.json, then says Saved', async () => {
    await withOpenProject();
    const graphStore = useGraphStore();
    graphStore.replaceGraph({ ...template, name: 'edited' }, 'rename');
    await createShellCommands().run('file.save');
    const [first] = fake.client.saveProject.mock.calls[0] ?? [];
    expect(first).toEqual({ dir: '/work/First.modellab', graph: expect.objectContaining({ name: 'edited' }) as unknown, settings: expect.any(Object) as unknown, datasets: [] });
    expect(useUiStore().notice).toMatchObject({ kind: 'info', text: 'Saved First' });
  });

  it('file.saveAs copies the project under the chosen name, switches to the copy and keeps the undo history', async () => {
    await withOpenProject();
    const graphStore = useGraphStore();
    graphStore.replaceGraph({ ...template, name: 'edited' }, 'rename');
    fake.client.showSaveDialog.mockResolvedValue({ status: 'selected', path: '/backup/Second' });
    fake.client.saveProjectAs.mockImplementation(async ({ parentDir, name, graph }: { parentDir: string; name: string; graph: typeof template }) => project(`${parentDir}/${name}.modellab`, name, graph));
    await createShellCommands().run('file.saveAs');
    expect(fake.client.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ purpose: 'project', defaultPath: 'First copy' }));
    expect(fake.client.saveProjectAs).toHaveBeenCalledWith({ dir: '/work/First.modellab', parentDir: '/backup', name: 'Second', graph: expect.objectContaining({ name: 'edited' }) as unknown, settings: expect.any(Object) as unknown, datasets: [] });
    expect(useProjectStore().dir).toBe('/backup/Second.modellab');
    expect(fake.client.listRuns).toHaveBeenLastCalledWith({ projectDir: '/backup/Second.modellab' });
    expect(graphStore.canUndo).toBe(true);
    expect(useUiStore().notice?.text).toContain('Saved as Second');
  });

  it('file.save with no project open saves as a new project', async () => {
    fake.client.showSaveDialog.mockResolvedValue({ status: 'selected', path: '/work/Fresh' });
    fake.client.createProject.mockImplementation(async ({ parentDir, name }: { parentDir: string; name: string }) => project(`${parentDir}/${name}.modellab`, name));
    await createShellCommands().run('file.save');
    expect(fake.client.createProject).toHaveBeenCalledWith(expect.objectContaining({ parentDir: '/work', name: 'Fresh' }));
    expect(useProjectStore().project?.dir).toBe('/work/Fresh.modellab');
  });

  it('file.importModel replaces the graph as one undoable step and shows the Design view', async () => {
    const graphStore = useGraphStore();
    graphStore.openGraph(template);
    const ui = useUiStore();
    ui.navigate('data');
    fake.client.showOpenDialog.mockResolvedValue({ status: 'selected', paths: ['/models/keras_net.keras'] });
    await createShellCommands().run('file.importModel');
    expect(fake.client.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ purpose: 'model', filters: [{ name: 'Files', extensions: ['h5', 'keras', 'json'] }] }));
    expect(graphStore.graph.name).toBe('imported_net');
    expect(ui.activeView).toBe('design');
    expect(ui.notice?.text).toBe('Opened keras_net.keras (h5, with weights)');
    graphStore.undo();
    expect(graphStore.graph.name).toBe(template.name);
    expect(graphStore.canUndo).toBe(false);
  });

  it('file.export shows the Export view, help.about opens the About dialog, view and edit commands still work', async () => {
    const commands = createShellCommands();
    const ui = useUiStore();
    const graphStore = useGraphStore();
    await commands.run('file.export');
    expect(ui.activeView).toBe('export');
    await commands.run('help.about');
    expect(commands.aboutOpen.value).toBe(true);
    await commands.run('view.train');
    expect(ui.activeView).toBe('train');
    graphStore.replaceGraph({ ...template, name: 'changed' }, 'change');
    await commands.run('edit.undo');
    expect(graphStore.graph.name).not.toBe('changed');
    await commands.run('edit.redo');
    expect(graphStore.graph.name).toBe('changed');
  });

  it('Edit › Undo with a text field focused undoes the text, not the graph', async () => {
    const commands = createShellCommands();
    const graphStore = useGraphStore();
    graphStore.openGraph(template);
    graphStore.replaceGraph({ ...template, name: 'changed' }, 'change');
    const field = document.createElement('input');
    document.body.append(field);
    field.focus();
    const execCommand = vi.fn(() => true);
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    await commands.run('edit.undo');
    expect(execCommand).toHaveBeenCalledWith('undo');
    expect(graphStore.graph.name).toBe('changed');
    field.remove();
  });

  it('a failure becomes an error notice naming the file', async () => {
    fake.client.openProject.mockRejectedValue(new LabError('PROJECT_NOT_FOUND', 'Expected a project folder with project.json. Received: path="/gone/Old.modellab"'));
    await createShellCommands().run('file.openRecent', '/gone/Old.modellab');
    expect(useUiStore().notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/^Could not open Old\.modellab: Expected a project folder/) as unknown });
  });
});

describe('files opened from outside the window', () => {
  it('a project opens, after the startup project has settled', async () => {
    const projects = useProjectStore();
    projects.startupState = 'opening';
    const opening = createShellCommands().openFile('/work/Late.modellab', 'project');
    await flushPromises();
    expect(fake.client.openProject).not.toHaveBeenCalled();
    projects.startupState = 'ready';
    await opening;
    expect(projects.project?.dir).toBe('/work/Late.modellab');
  });

  it('a model is imported onto the Design view; a failure names it', async () => {
    const commands = createShellCommands();
    await commands.openFile('/models/model.json', 'model');
    expect(fake.client.importModel).toHaveBeenCalledWith({ path: '/models/model.json' });
    expect(useUiStore().activeView).toBe('design');
    fake.client.importModel.mockRejectedValue(new Error('Expected a Keras model. Received: format=unknown'));
    await commands.openFile('/models/broken.h5', 'model');
    expect(useUiStore().notice).toMatchObject({ kind: 'error', text: 'Could not import broken.h5: Expected a Keras model. Received: format=unknown' });
  });

  it('a dataset folder shows the Data view and is handed to its import panel with the kind its files say', async () => {
    const importSource = vi.fn(async () => undefined);
    fake.client.listDirectory.mockResolvedValue({ path: '/data/digits', parent: '/data', entries: [{ name: 'train-images-idx3-ubyte', path: '/data/digits/train-images-idx3-ubyte', kind: 'file' }] });
    const commands = createShellCommands();
    const opening = commands.openFile('/data/digits', 'dataset');
    await flushPromises();
    expect(useUiStore().activeView).toBe('data');
    // The Data view mounts after the request: the import waits for its panel.
    const scope = effectScope();
    scope.run(() => useDatasetImportRequests(ref({ importSource })));
    await opening;
    expect(importSource).toHaveBeenCalledWith('/data/digits', 'idx');

    fake.client.listDirectory.mockResolvedValue({ path: '/data/flowers', parent: '/data', entries: [{ name: 'roses', path: '/data/flowers/roses', kind: 'directory' }] });
    await commands.openFile('/data/flowers', 'dataset');
    expect(importSource).toHaveBeenLastCalledWith('/data/flowers', 'folder');
    await commands.openFile('/data/cifar/data_batch_1.bin', 'dataset');
    expect(importSource).toHaveBeenLastCalledWith('/data/cifar/data_batch_1.bin', 'cifar10');

    importSource.mockRejectedValueOnce(new Error('Expected images. Received: files=0'));
    fake.client.listDirectory.mockResolvedValue({ path: '/data/empty', parent: '/data', entries: [] });
    await commands.openFile('/data/empty', 'dataset');
    expect(useUiStore().notice).toMatchObject({ kind: 'error', text: 'Could not import empty: Expected images. Received: files=0' });
    scope.stop();
  });
});

describe('useShellCommands', () => {
  const Host = defineComponent({
    setup() {
      return { shell: useShellCommands() };
    },
    template: '<div />',
  });
  function key(init: KeyboardEventInit): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
    window.dispatchEvent(event);
    return event;
  }

  it('runs menu.command and app.openFile events, and stops listening when unmounted', async () => {
    const wrapper = mount(Host, { global: { plugins: [] } });
    fake.client.emit({ type: 'menu.command', command: 'file.export' });
    expect(useUiStore().activeView).toBe('export');
    fake.client.emit({ type: 'menu.command', command: 'file.openRecent', path: '/work/Recent.modellab' });
    await flushPromises();
    expect(useProjectStore().project?.dir).toBe('/work/Recent.modellab');
    fake.client.emit({ type: 'app.openFile', path: '/models/net.h5', kind: 'model' });
    await flushPromises();
    expect(fake.client.importModel).toHaveBeenCalledWith({ path: '/models/net.h5' });
    wrapper.unmount();
    fake.client.emit({ type: 'menu.command', command: 'view.train' });
    expect(useUiStore().activeView).toBe('design');
  });

  it('in browser mode turns Ctrl/Cmd+N, O, S, Shift+S, I and E into the commands', async () => {
    await withOpenProject();
    fake.client.showOpenDialog.mockResolvedValue({ status: 'cancelled' });
    fake.client.showSaveDialog.mockResolvedValue({ status: 'cancelled' });
    const wrapper = mount(Host);
    expect(key({ key: 's', ctrlKey: true }).defaultPrevented).toBe(true);
    await flushPromises();
    expect(useUiStore().notice?.text).toBe('Saved First');
    key({ key: 'S', metaKey: true, shiftKey: true });
    key({ key: 'n', ctrlKey: true });
    await flushPromises();
    expect(fake.client.showSaveDialog).toHaveBeenCalledTimes(2);
    key({ key: 'o', ctrlKey: true });
    key({ key: 'i', ctrlKey: true });
    await flushPromises();
    expect(fake.client.showOpenDialog.mock.calls.map(([input]) => (input as { purpose: string }).purpose)).toEqual(['project', 'model']);
    key({ key: 'e', ctrlKey: true });
    expect(useUiStore().activeView).toBe('export');
    expect(key({ key: 's' }).defaultPrevented).toBe(false);
    expect(key({ key: 's', ctrlKey: true, altKey: true }).defaultPrevented).toBe(false);
    wrapper.unmount();
  });

  it('in the desktop app leaves the keys to the menu, whose accelerators send the same commands', async () => {
    fake.transport = 'ipc';
    const wrapper = mount(Host);
    expect(key({ key: 'e', ctrlKey: true }).defaultPrevented).toBe(false);
    expect(useUiStore().activeView).toBe('design');
    wrapper.unmount();
  });
});
