import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, until, waitForStartup, type StartedApp } from './harness';

/**
 * What the status bar calls saved survives a reload: an opened template, an edit made
 * just before the tab goes away, and the project's runs, which the Train view lists as
 * soon as the project is open again. Browser mode shows Save and Save As.
 */

let app: StartedApp;
let page: Page;
let projectDir: string;

const titleModel = (): Promise<string | null> => page.getByTestId('model-name').inputValue();

/** Reloads the tab and waits for the startup project to open again. */
async function reload(hash = ''): Promise<void> {
  await page.goto(`${app.url.split('#')[0]}${hash}`, { waitUntil: 'load' });
  expect(await waitForStartup(page, 60_000)).toBe('ready');
}

beforeAll(async () => {
  app = await startApp();
  page = app.page;
  expect(await waitForStartup(page, 60_000)).toBe('ready');
  projectDir = (await app.service.call('listRecentProjects', {}))[0]?.dir ?? '';
  await page.getByTestId('guide-dismiss').click();
}, 90_000);

afterAll(async () => {
  await app?.close();
});

describe('edits survive a reload', () => {
  it('a template opened and autosaved is what the project holds after a reload', async () => {
    await page.getByTestId('open-templates').click();
    await page.getByTestId('template-open-lenet5').click();
    await until(async () => (await titleModel()) === 'lenet5', 10_000, 'LeNet-5 on the canvas');
    await until(async () => ((await page.getByTestId('autosave').textContent()) ?? '').startsWith('Saved to project'), 10_000, 'the autosave');
    const saved = await app.service.call('getProject', { dir: projectDir });
    expect(saved.project.graph?.name).toBe('lenet5');
    await reload();
    expect(await titleModel()).toBe('lenet5');
    await app.screenshot('persistence-1-after-reload');
  }, 60_000);

  it('an edit made just before the tab closes is kept', async () => {
    const name = page.getByTestId('model-name');
    await name.fill('renamed_net');
    await name.press('Enter');
    await until(async () => (await titleModel()) === 'renamed_net', 5_000, 'the rename');
    // Leave at once, well inside the autosave's quiet time.
    await reload();
    expect(await titleModel()).toBe('renamed_net');
  }, 60_000);

  it('browser mode shows Save and Save As, and Save writes project.json', async () => {
    await page.getByTestId('model-name').fill('saved_by_button');
    await page.getByTestId('model-name').press('Enter');
    await page.getByTestId('file-save').click();
    await until(async () => ((await page.getByTestId('notice').textContent({ timeout: 500 }).catch(() => '')) ?? '').startsWith('Saved'), 10_000, 'the save notice');
    expect((await app.service.call('getProject', { dir: projectDir })).project.graph?.name).toBe('saved_by_button');
    expect(await page.getByTestId('file-save-as').isVisible()).toBe(true);
  }, 30_000);
});

describe('the run list loads with the project', () => {
  it('lists the project runs on the Train view right after a reload there', async () => {
    const project = await app.service.call('getProject', { dir: projectDir });
    const dataset = project.project.settings.activeDataset;
    expect(dataset).toBeTruthy();
    const graph = await app.service.call('createFromTemplate', { id: 'mnist-cnn', inputShape: [28, 28, 1], classes: 10 });
    const { runId } = await app.service.call('startRun', { graph, dataset: dataset ?? '', projectDir, hyperparameters: { epochs: 1, batchSize: 64 }, name: 'one epoch' });
    await until(async () => (await app.service.call('listRuns', { projectDir })).some((run) => run.id === runId && run.status === 'completed'), 120_000, 'the run to complete');
    for (let attempt = 0; attempt < 3; attempt++) {
      await reload('#/train');
      await until(async () => (await page.getByTestId('tab-runs').textContent()) === 'Runs (1)', 10_000, `Runs (1) after reload ${attempt + 1}`);
    }
    await page.getByTestId('tab-runs').click();
    await app.screenshot('persistence-2-runs-after-reload');
  }, 180_000);
});
