import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../common/api/events';
import { grayscalePng, writeImageFolder } from './fixtures';
import { expectNoNewPageErrors, startApp, until, waitForStartup, type StartedApp } from './harness';

/**
 * Transfer learning in browser mode: after a tiny 1-epoch run of the project, "Start from
 * a trained model…" builds a model on its layers with every kept layer frozen; the
 * summary shows non-trainable parameters and the canvas frozen layers; one epoch trains
 * with the run as initial weights, and the Train view reports the layers it initialised.
 */

const CLASSES = 3;
const PER_CLASS = 12;
let app: StartedApp;
let page: Page;
let fixtureRoot: string;
let sourceRunId: string;

/** A 28×28 grayscale image of class `label`: a bright horizontal bar at a height that encodes the class. */
function barImage(label: number, seed: number): Promise<Buffer> {
  return grayscalePng(28, 28, (x, y) => (Math.abs(y - (5 + label * 8)) <= 1 ? 210 : 20 + ((x * 7 + y * 13 + seed) % 40)));
}

/** Resolves with the final event of `runId`. */
function runEnd(runId: () => string): Promise<LabEvent> {
  return new Promise((resolve) => {
    const unsubscribe = app.service.onEvent((event) => {
      if ((event.type === 'run.done' || event.type === 'run.failed') && event.runId === runId()) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

beforeAll(async () => {
  fixtureRoot = mkdtempSync(path.join(os.tmpdir(), 'model-lab-transfer-'));
  const imagesDir = await writeImageFolder(path.join(fixtureRoot, 'bars3'), Array.from({ length: CLASSES }, (_, label) => `bar${label}`), PER_CLASS, barImage);
  app = await startApp({ allowedRoots: [fixtureRoot] });
  page = app.page;
  expect(await waitForStartup(page, 60_000)).toBe('ready');
  // project.json is written below behind the app's back, so first the app's own autosave must be done: on a first
  // start the canvas spreads the sample model's taller boxes apart and autosaves that, which would write the
  // project's settings of that moment over the ones written here. Quiet: no save waiting, still none 2 s later
  // (longer than the autosave's 1.5 s quiet time, projectStore's AUTOSAVE_DELAY_MS).
  const saveWaiting = async (): Promise<boolean> => /^(Unsaved changes|Saving)/.test((await page.getByTestId('autosave').textContent()) ?? '');
  await until(async () => !(await saveWaiting()) && !(await new Promise((resolve) => setTimeout(resolve, 2_000)).then(saveWaiting)), 30_000, 'the autosave to settle');

  // The project trains on a tiny dataset; its first run (1 epoch) is the transfer source.
  const [recent] = await app.service.call('listRecentProjects', {});
  const projectDir = recent?.dir ?? '';
  const { info } = await app.service.call('importDataset', { path: imagesDir, options: { targetSize: [28, 28], colorMode: 'grayscale', validationSplit: 0.2, testSplit: 0.1 } });
  const project = await app.service.call('getProject', { dir: projectDir });
  await app.service.call('saveProject', {
    dir: projectDir,
    datasets: [...project.project.datasets, { id: info.id, name: info.name, cacheDir: null, fingerprint: info.fingerprint }],
    settings: { ...project.project.settings, activeDataset: info.id },
  });
  const graph = await app.service.call('createFromTemplate', { id: 'mnist-cnn', inputShape: [28, 28, 1], classes: CLASSES });
  const ended = runEnd(() => sourceRunId);
  sourceRunId = (await app.service.call('startRun', { graph, dataset: info.id, projectDir, name: 'source cnn', hyperparameters: { epochs: 1, batchSize: 8 } })).runId;
  expect((await ended).type).toBe('run.done');
  await page.evaluate(() => localStorage.setItem('model-lab:onboarding-done', '1'));
  await page.reload({ waitUntil: 'load' });
  expect(await waitForStartup(page, 30_000)).toBe('ready');
}, 120_000);

afterAll(async () => {
  await app?.close();
  rmSync(fixtureRoot, { recursive: true, force: true });
});

afterEach(() => expectNoNewPageErrors(app));

describe('transfer learning', () => {
  it('creates a frozen-base model from the run in the dialog', async () => {
    await page.getByTestId('design-view').waitFor();
    await page.getByTestId('open-transfer').click();
    await page.getByTestId('transfer-dialog').waitFor();
    await page.getByTestId('transfer-run-select').selectOption(sourceRunId);
    await page.getByTestId('transfer-preview').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('transfer-classes').inputValue()).toBe(String(CLASSES));
    expect(await page.getByTestId('transfer-freeze').inputValue()).toBe('all');
    expect(await page.getByTestId('transfer-layer-max_pooling2d_1').textContent()).toContain('default cut');
    // Both convolutions frozen (320 + 18,496); the new Dense(3) on 64 pooled features: 195.
    expect(await page.getByTestId('transfer-non-trainable').textContent()).toBe('18,816');
    expect(await page.getByTestId('transfer-trainable').textContent()).toBe('195');
    await app.screenshot('transfer-1-dialog');

    await page.getByTestId('transfer-create').click();
    await page.getByTestId('transfer-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('node-global_average_pooling2d').waitFor();
    expect(await page.locator('.node-frozen').count()).toBe(4);
    expect(await page.getByTestId('node-conv2d').textContent()).toContain('frozen');
    await page.getByTestId('panel-summary').click();
    expect(await page.getByTestId('non-trainable-params').textContent()).toBe('18,816');
    expect(await page.getByTestId('trainable-params').textContent()).toBe('195');
    await app.screenshot('transfer-2-design');
  }, 60_000);

  it('trains one epoch from the run\'s weights and reports the initialised layers', async () => {
    await page.getByTestId('nav-train').click();
    await page.getByTestId('train-view').waitFor();
    // The run's name replaces its id once the Train view has listed the project's runs.
    await page.waitForFunction(() => document.querySelector('[data-testid="hp-initial-weights"]')?.textContent?.includes('Initial weights: run source cnn, best checkpoint') ?? false, undefined, { timeout: 10_000 });
    await page.getByTestId('hp-epochs').fill('1');
    await page.getByTestId('hp-batch-size').fill('8');
    await page.getByTestId('train-start').click();
    await page.getByTestId('initial-weights-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('initial-weights-loaded').textContent()).toBe('loaded into 2 layers (conv2d, conv2d_1)');
    expect(await page.getByTestId('initial-weights-skipped').textContent()).toContain('dense_2 (no layer of that name in the source)');
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'Completed', undefined, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="initial-weights-report"]')?.textContent?.includes('Initial weights from run source cnn, best checkpoint') ?? false, undefined, { timeout: 10_000 });
    await app.screenshot('transfer-3-trained');
    const runs = await app.service.call('listRuns', { projectDir: (await app.service.call('listRecentProjects', {}))[0]?.dir });
    const transferRun = runs.find((run) => run.id !== sourceRunId);
    const { spec } = await app.service.call('getRun', { runId: transferRun?.id ?? '', projectDir: (await app.service.call('listRecentProjects', {}))[0]?.dir });
    expect(spec.initialWeights?.initialised).toEqual(['conv2d', 'conv2d_1']);
    expect(spec.graph.nodes.filter((node) => !node.trainable).map((node) => node.name)).toEqual(['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1']);
  }, 90_000);
});
