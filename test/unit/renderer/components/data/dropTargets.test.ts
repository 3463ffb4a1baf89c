// @vitest-environment jsdom
import { mount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { defineComponent, h } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getTemplate } from '../../../../../common/templates';
import { createFakeLabClient } from '../../views/fakeLabClient';
import { projectAt } from '../../stores/projectFixture';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const { default: DropOverlay } = await import('../../../../../renderer/components/data/DropOverlay.vue');
const { default: PredictPanel } = await import('../../../../../renderer/components/evaluate/PredictPanel.vue');
const { default: ModelDropTarget } = await import('../../../../../renderer/components/data/ModelDropTarget.vue');
const { useGraphStore } = await import('../../../../../renderer/stores/graphStore');
const { useEvaluationStore } = await import('../../../../../renderer/stores/evaluationStore');
const { useProjectStore } = await import('../../../../../renderer/stores/projectStore');

/** The Predict panel for run r1's best checkpoint, in the project at `dir` (none when omitted). */
function mountPredictPanel(dir?: string) {
  if (dir) useProjectStore().project = projectAt(dir);
  useEvaluationStore().runId = 'r1';
  return mount(PredictPanel);
}

/** A drag event carrying files the way a browser gives them without entries: File objects with webkitRelativePath. */
function dragEvent(type: string, files: { relativePath: string; text: string }[]): Event {
  const list = files.map(({ relativePath, text }) => {
    const file = new File([text], relativePath.split('/').at(-1) ?? relativePath);
    Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
    return file;
  });
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { types: ['Files'], items: list.map((file) => ({ kind: 'file', getAsFile: () => file })), files: list, dropEffect: 'none' } });
  return event;
}

/** The window as the desktop preload leaves it (renderer/api/window.d.ts types it for the app). */
const desktop = window as unknown as { labFiles?: { pathForFile(file: File): string | null } };

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
  delete desktop.labFiles;
});

describe('DropOverlay', () => {
  it('says what a drop does while dragging, and shows upload counts with a proportional bar', async () => {
    const wrapper = mount(DropOverlay, { props: { message: 'Drop a folder of class subfolders to import it', dragging: true, progress: null, working: null, error: null } });
    expect(wrapper.get('[data-testid="drop-overlay"]').text()).toContain('Drop a folder of class subfolders to import it');
    await wrapper.setProps({ dragging: false, working: 'Uploading flowers', progress: { files: 12, totalFiles: 24, bytes: 1_500_000, totalBytes: 6_000_000 } });
    expect(wrapper.get('[data-testid="drop-overlay"]').text()).toContain('Uploading flowers');
    expect(wrapper.get('[data-testid="drop-progress"]').text()).toContain('12 / 24 files');
    expect(wrapper.get('[data-testid="drop-progress"]').text()).toContain('1.5 MB / 6.0 MB');
    expect(wrapper.get('.fill').attributes('style')).toContain('width: 25%');
  });

  it('shows the refusal until dismissed, and nothing when idle', async () => {
    const wrapper = mount(DropOverlay, { props: { message: 'm', dragging: false, progress: null, working: null, error: 'Cannot import notes.txt' } });
    expect(wrapper.find('[data-testid="drop-overlay"]').exists()).toBe(false);
    await wrapper.get('[data-testid="drop-error"] button').trigger('click');
    expect(wrapper.emitted('dismiss')).toHaveLength(1);
  });
});

describe('PredictPanel drop', () => {
  it('uploads dropped images into the project and shows each one\'s top classes', async () => {
    fake.client.uploadFiles.mockImplementation(async (input: { chunks: { path: string }[]; done: boolean }) => ({
      folder: '/p/uploads/drop', files: 2, bytes: 2, complete: input.done, paths: input.done ? ['/p/uploads/drop/a.png', '/p/uploads/drop/b.png'] : [],
    }));
    const top = [{ classIndex: 0, className: 'cat', probability: 0.7 }, { classIndex: 1, className: 'dog', probability: 0.3 }];
    fake.client.predictImages.mockResolvedValue([
      { path: '/p/uploads/drop/a.png', classIndex: 0, className: 'cat', confidence: 0.7, top },
      { path: '/p/uploads/drop/b.png', classIndex: 0, className: 'cat', confidence: 0.7, top },
    ]);
    const wrapper = mountPredictPanel('/p');
    wrapper.element.dispatchEvent(dragEvent('drop', [{ relativePath: 'a.png', text: 'a' }, { relativePath: 'b.png', text: 'b' }]));
    await flushPromises();
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="predict-item"]')).toHaveLength(2));
    expect(fake.client.uploadFiles.mock.calls.at(-1)?.[0]).toMatchObject({ projectDir: '/p', done: true });
    expect(fake.client.predictImages.mock.calls[0]?.[0]).toMatchObject({ runId: 'r1', projectDir: '/p', paths: ['/p/uploads/drop/a.png', '/p/uploads/drop/b.png'], top: 5 });
    expect(wrapper.findAll('[data-testid="predict-bar"]')).toHaveLength(4);
  });

  it('refuses a dropped file that is not an image, naming it, without uploading', async () => {
    const wrapper = mountPredictPanel();
    wrapper.element.dispatchEvent(dragEvent('drop', [{ relativePath: 'table.csv', text: 'x' }]));
    await vi.waitFor(() => expect(wrapper.find('[data-testid="drop-error"]').exists()).toBe(true));
    expect(wrapper.get('[data-testid="drop-error"]').text()).toContain('Cannot classify table.csv');
    expect(fake.client.uploadFiles).not.toHaveBeenCalled();
  });

  it('keeps a file dropped outside every target from navigating the page away', () => {
    mountPredictPanel();
    const outside = dragEvent('drop', [{ relativePath: 'a.png', text: 'a' }]);
    document.body.dispatchEvent(outside);
    expect(outside.defaultPrevented).toBe(true);
    const text = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(text, 'dataTransfer', { value: { types: ['text/plain'] } });
    document.body.dispatchEvent(text);
    expect(text.defaultPrevented).toBe(false);
  });

  it('uses the desktop bridge\'s paths without uploading', async () => {
    desktop.labFiles = { pathForFile: (file: File) => `/home/ada/${file.name}` };
    fake.client.predictImages.mockResolvedValue([]);
    const wrapper = mountPredictPanel();
    wrapper.element.dispatchEvent(dragEvent('drop', [{ relativePath: 'a.png', text: 'a' }]));
    await vi.waitFor(() => expect(fake.client.predictImages).toHaveBeenCalled());
    expect(fake.client.predictImages.mock.calls[0]?.[0]).toMatchObject({ paths: ['/home/ada/a.png'] });
    expect(fake.client.uploadFiles).not.toHaveBeenCalled();
  });
});

describe('ModelDropTarget', () => {
  it('opens a model dropped on its parent through importModel as one undoable step', async () => {
    desktop.labFiles = { pathForFile: (file: File) => `/models/${file.name}` };
    const imported = { ...getTemplate('mlp').build(), name: 'dropped_net' };
    fake.client.importModel.mockResolvedValue({ format: 'h5', graph: imported, hasWeights: true, modelCard: null });
    const Host = defineComponent({ render: () => h('div', { 'data-testid': 'host' }, [h(ModelDropTarget)]) });
    const wrapper = mount(Host, { attachTo: document.body });
    const graphStore = useGraphStore();
    wrapper.get('[data-testid="host"]').element.dispatchEvent(dragEvent('drop', [{ relativePath: 'net.h5', text: 'h5' }]));
    await vi.waitFor(() => expect(graphStore.graph.name).toBe('dropped_net'));
    expect(fake.client.importModel).toHaveBeenCalledWith({ path: '/models/net.h5' });
    expect(graphStore.canUndo).toBe(true);
    wrapper.unmount();
  });
});
