import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../common/api/events';
import { grayscalePng, writeImageFolder } from './fixtures';
import { expectNoNewPageErrors, startApp, until, waitForStartup, type StartedApp } from './harness';

/**
 * The desktop shell's commands, driven as electron/main.ts sends them (`menu.command` and
 * `app.openFile` events from the lab service) in browser mode: Open Recent switches
 * project, Import Model goes through the in-page picker, a dataset folder opened from
 * outside is imported on the Data view, About shows the version and closes with Esc, and
 * Ctrl+S saves.
 */

let app: StartedApp;
let page: Page;

/** Sends a shell event the way the desktop main process does. */
function emit(event: LabEvent): void {
  app.service.context.emit(event);
}

const noticeText = (): Promise<string> => page.getByTestId('notice').textContent({ timeout: 1000 }).then((text) => text ?? '', () => '');

/** A folder of two classes of 16×16 grayscale images: bright squares and dark ones. */
function writeSquaresFolder(root: string): Promise<string> {
  return writeImageFolder(root, ['bright', 'dark'], 6, (label, i) => grayscalePng(16, 16, () => (label === 0 ? 200 + i * 5 : 20 + i * 5)));
}

beforeAll(async () => {
  app = await startApp();
  page = app.page;
  await waitForStartup(page, 60_000);
  await page.getByTestId('guide-dismiss').click();
}, 90_000);

afterAll(async () => {
  await app?.close();
});

afterEach(() => expectNoNewPageErrors(app));

describe('desktop shell commands', () => {
  it('Open Recent switches to that project', async () => {
    const graph = { ...(await app.service.call('createFromTemplate', { id: 'mnist-cnn', inputShape: [28, 28, 1], classes: 10 })), name: 'second_net' };
    const second = await app.service.call('createProject', { parentDir: app.dataDir, name: 'Second', graph });
    emit({ type: 'menu.command', command: 'file.openRecent', path: second.dir });
    await until(async () => (await page.getByTestId('model-name').inputValue()) === 'second_net', 15_000, 'the recent project to open');
    expect(await noticeText()).toBe('Opened Second');
    const [recent] = await app.service.call('listRecentProjects', {});
    expect(recent?.dir).toBe(second.dir);
    await app.screenshot('shell-1-open-recent');
  }, 30_000);

  it('Import Model picks a Keras file in the in-page picker and puts it on the Design view', async () => {
    const graph = { ...(await app.service.call('createFromTemplate', { id: 'mnist-cnn', inputShape: [28, 28, 1], classes: 3 })), name: 'keras_net' };
    const modelDir = path.join(app.dataDir, 'models');
    mkdirSync(modelDir);
    await app.service.call('exportModel', { graph, format: 'h5', outPath: path.join(modelDir, 'keras_net.h5'), verifySamples: 1 });
    await page.getByTestId('nav-train').click();
    emit({ type: 'menu.command', command: 'file.importModel' });
    await page.getByTestId('path-picker').waitFor();
    await page.getByTestId('picker-path').fill(modelDir);
    await page.getByTestId('picker-go').click();
    await page.getByTestId('picker-entry-keras_net.h5').click();
    await app.screenshot('shell-2-import-picker');
    await page.getByTestId('picker-select').click();
    await until(async () => (await page.getByTestId('model-name').inputValue()) === 'keras_net', 20_000, 'the imported model');
    await page.getByTestId('design-view').waitFor();
    expect(await page.getByTestId('path-picker').count()).toBe(0);
    expect(await noticeText()).toBe('Opened keras_net.h5 (h5, with weights)');
    await app.screenshot('shell-3-imported-model');
  }, 40_000);

  it('a dataset folder opened from outside the window is imported on the Data view', async () => {
    const folder = path.join(app.dataDir, 'squares');
    await writeSquaresFolder(folder);
    emit({ type: 'app.openFile', path: folder, kind: 'dataset' });
    await page.getByTestId('data-view').waitFor({ timeout: 15_000 });
    await until(async () => (await page.getByTestId('dataset-title').textContent({ timeout: 500 }).catch(() => null)) === 'squares', 30_000, 'the opened dataset');
    await page.getByTestId('class-counts-chart').waitFor();
    const squares = (await app.service.call('listDatasets', {})).find((dataset) => dataset.name === 'squares');
    expect(squares?.source.path).toBe(folder);
    expect(squares?.classes).toEqual(['bright', 'dark']);
    await app.screenshot('shell-4-opened-dataset');
  }, 45_000);

  it('a file that cannot be opened gives a notice naming it', async () => {
    emit({ type: 'app.openFile', path: path.join(app.dataDir, 'missing.modellab'), kind: 'project' });
    await until(async () => (await noticeText()).startsWith('Could not open missing.modellab'), 10_000, 'the error notice');
    expect(await page.getByTestId('notice').getAttribute('class')).toContain('error');
  });

  it('About shows version, backend, data folder and licence, and Esc closes it', async () => {
    emit({ type: 'menu.command', command: 'help.about' });
    await page.getByTestId('about-dialog').waitFor();
    await page.getByTestId('about-license').waitFor();
    expect(await page.getByTestId('about-version').textContent()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await page.getByTestId('about-data-dir').textContent()).toBe(app.dataDir);
    expect(await page.getByTestId('about-license').textContent()).toBe('MIT');
    expect(await page.getByTestId('about-backend').textContent()).toMatch(/^(WebAssembly|JavaScript CPU|TensorFlow CPU|TensorFlow CUDA): /);
    await app.screenshot('shell-5-about');
    await page.keyboard.press('Escape');
    await page.getByTestId('about-dialog').waitFor({ state: 'detached' });
  });

  it('Ctrl+S saves the project in browser mode', async () => {
    await page.keyboard.press('Control+s');
    await until(async () => (await noticeText()) === 'Saved Second', 10_000, 'the save notice');
    const saved = await app.service.call('getProject', { dir: path.join(app.dataDir, 'Second.modellab') });
    expect(saved.project.graph?.name).toBe('keras_net');
  });
});
