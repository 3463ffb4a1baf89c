import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { grayscalePng } from './fixtures';
import { expectNoNewPageErrors, startApp, until, waitForStartup, type StartedApp } from './harness';

/**
 * Dropping files on the window in browser mode: a generated image folder dropped on the
 * Data view is uploaded into the project and imported (overlay, report, class counts); a
 * file that is no dataset is refused by name; an image dropped on Evaluate's predict panel
 * is classified by a quick run's checkpoint; a Keras .h5 file dropped on the Design view
 * replaces the graph.
 */

const CLASSES = ['ring', 'cross', 'square'];
const PER_CLASS = 8;
let app: StartedApp;
let page: Page;

/** A dropped file as the page receives it: its path relative to the drop, and its bytes. */
interface DropFile {
  relativePath: string;
  base64: string;
  type: string;
}

/** A 28×28 grayscale image of class `label`: a ring, a cross or a square outline, with noise. */
function shapeImage(label: number, seed: number): Promise<Buffer> {
  return grayscalePng(28, 28, (x, y) => {
    const radius = Math.hypot(x - 13.5, y - 13.5);
    const on = label === 0 ? Math.abs(radius - 9) < 1.5 : label === 1 ? Math.abs(x - y) < 1.5 || Math.abs(x + y - 27) < 1.5 : Math.max(Math.abs(x - 13.5), Math.abs(y - 13.5)) > 8 && Math.max(Math.abs(x - 13.5), Math.abs(y - 13.5)) < 10.5;
    return (on ? 210 : 25) + ((x * 31 + y * 17 + seed * 7) % 40);
  });
}

/**
 * Synthesises a drop in the page: a DataTransfer of Files carrying their relative paths
 * (`webkitRelativePath`, as a folder upload gives them), dispatched as dragenter, dragover
 * and, unless `hover`, drop on the element.
 */
async function dropOn(testId: string, files: DropFile[], hover = false): Promise<void> {
  await page.evaluate(({ testId, files, hover }) => {
    const transfer = new DataTransfer();
    for (const entry of files) {
      const bytes = Uint8Array.from(atob(entry.base64), (char) => char.charCodeAt(0));
      const file = new File([bytes], entry.relativePath.split('/').at(-1) ?? entry.relativePath, { type: entry.type });
      Object.defineProperty(file, 'webkitRelativePath', { value: entry.relativePath });
      transfer.items.add(file);
    }
    const target = document.querySelector(`[data-testid="${testId}"]`);
    if (!target) throw new Error(`No element ${testId}`);
    for (const type of hover ? ['dragenter', 'dragover'] : ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, { testId, files, hover });
}

let folder: DropFile[] = [];

beforeAll(async () => {
  for (const [label, name] of CLASSES.entries()) {
    for (let i = 0; i < PER_CLASS; i++) folder.push({ relativePath: `shapes/${name}/${i}.png`, base64: (await shapeImage(label, i)).toString('base64'), type: 'image/png' });
  }
  app = await startApp();
  page = app.page;
  await waitForStartup(page, 60_000);
  await page.getByTestId('guide-dismiss').click();
}, 90_000);

afterAll(async () => {
  await app?.close();
  folder = [];
});

afterEach(() => expectNoNewPageErrors(app));

describe('dropping files on the window', () => {
  it('imports a dropped image folder through an upload into the project', async () => {
    await page.getByTestId('nav-data').click();
    await page.getByTestId('data-view').waitFor();
    await dropOn('data-view', folder, true);
    await page.getByTestId('drop-overlay').waitFor();
    expect(await page.getByTestId('drop-overlay').textContent()).toContain('Drop a folder of class subfolders to import it');
    await app.screenshot('drop-1-data-overlay');
    await dropOn('data-view', folder);
    await until(async () => (await page.getByTestId('dataset-title').textContent().catch(() => null)) === 'shapes', 30_000, 'the dropped dataset');
    await page.getByTestId('import-report').waitFor();
    await page.getByTestId('class-counts-chart').waitFor();
    expect(await page.getByTestId('dataset-shapes').textContent()).toContain('3 classes');
    expect(await page.getByTestId('drop-overlay').count()).toBe(0);
    const [project] = await app.service.call('listRecentProjects', {});
    const datasets = await app.service.call('listDatasets', {});
    const shapes = datasets.find((dataset) => dataset.name === 'shapes');
    expect(shapes?.source.path).toBe(`${project?.dir}/uploads/shapes`);
    expect(shapes?.classes).toEqual(['cross', 'ring', 'square']);
    const counts = shapes ? [0, 1, 2].map((index) => (shapes.classCounts.train[index] ?? 0) + (shapes.classCounts.validation[index] ?? 0) + (shapes.classCounts.test[index] ?? 0)) : [];
    expect(counts).toEqual([PER_CLASS, PER_CLASS, PER_CLASS]);
    await app.screenshot('drop-2-data-imported');
  }, 45_000);

  it('refuses a dropped file that is no dataset, naming it', async () => {
    await dropOn('data-view', [{ relativePath: 'notes.txt', base64: btoa('not a dataset'), type: 'text/plain' }]);
    await page.getByTestId('drop-error').waitFor();
    expect(await page.getByTestId('drop-error').textContent()).toContain('Cannot import notes.txt');
    await app.screenshot('drop-3-data-refused');
  });

  it('classifies an image dropped on the predict panel with a quick run', async () => {
    const [project] = await app.service.call('listRecentProjects', {});
    const dataset = (await app.service.call('listDatasets', {})).find((entry) => entry.name === 'shapes');
    const graph = await app.service.call('createFromTemplate', { id: 'mnist-cnn', inputShape: [28, 28, 1], classes: CLASSES.length });
    const done = new Promise<string>((resolve) => {
      const stop = app.service.onEvent((event) => {
        if (event.type === 'run.done' || event.type === 'run.failed') {
          stop();
          resolve(event.type);
        }
      });
    });
    await app.service.call('startRun', { projectDir: project?.dir, name: 'quick', graph, dataset: dataset?.id ?? '', hyperparameters: { epochs: 1, batchSize: 8 } });
    expect(await done).toBe('run.done');
    await page.getByTestId('nav-evaluate').click();
    await page.getByTestId('predict-panel').waitFor({ timeout: 15_000 });
    const image = folder.find((file) => file.relativePath === 'shapes/ring/3.png');
    await dropOn('predict-panel', image ? [{ ...image, relativePath: 'ring-3.png' }] : []);
    await page.getByTestId('predict-result').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('predict-bar').count()).toBe(CLASSES.length);
    expect(await page.getByTestId('predict-item').textContent()).toMatch(/uploads\/ring-3\/ring-3\.png/);
    await page.getByTestId('predict-panel').scrollIntoViewIfNeeded();
    await app.screenshot('drop-4-predict');
  }, 60_000);

  it('opens a Keras .h5 file dropped on the Design view, and refuses an image there by name', async () => {
    const graph = { ...(await app.service.call('createFromTemplate', { id: 'mnist-cnn', inputShape: [28, 28, 1], classes: CLASSES.length })), name: 'shapes_net' };
    const outPath = path.join(app.dataDir, 'shapes_net.h5');
    await app.service.call('exportModel', { graph, format: 'h5', outPath, verifySamples: 2 });
    await page.getByTestId('nav-design').click();
    await page.getByTestId('design-view').waitFor();
    const image = folder[0];
    await dropOn('design-view', image ? [{ ...image, relativePath: 'photo.png' }] : []);
    await page.getByTestId('drop-error').waitFor();
    expect(await page.getByTestId('drop-error').textContent()).toContain('Cannot open photo.png as a model');
    await app.screenshot('drop-5-design-refused');
    await dropOn('design-view', [{ relativePath: 'shapes_net.h5', base64: readFileSync(outPath).toString('base64'), type: 'application/x-hdf5' }]);
    await until(async () => (await page.getByTestId('model-name').inputValue()) === 'shapes_net', 20_000, 'the dropped model to open');
    expect(await page.getByTestId('notice').textContent()).toContain('Opened shapes_net.h5 (h5, with weights)');
    expect(await page.getByTestId('drop-error').count()).toBe(0);
    await app.screenshot('drop-6-design-model');
  }, 45_000);
});
