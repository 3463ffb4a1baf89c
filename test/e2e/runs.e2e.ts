import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../common/api/methods/runs';
import { grayscalePng, writeImageFolder } from './fixtures';
import { expectNoNewPageErrors, startApp, until, waitForStartup, type StartedApp } from './harness';

/**
 * The Runs part of the Train view in browser mode, on a tiny generated dataset so every
 * run takes one short epoch: a 2×2 grid search queues its runs one after another, its
 * results table sorts by a clicked metric with the best run highlighted; a grid run is
 * duplicated with a changed learning rate (its own graph, not the edited Design graph);
 * two runs are diffed; one is deleted; Evaluate and Export offer the same trained runs.
 */

const CLASSES = 10;
const PER_CLASS = 6;
let app: StartedApp;
let page: Page;
let fixtureRoot: string;
let projectDir: string | undefined;
let gridRuns: RunSummary[] = [];
let duplicateId = '';

/** A 28×28 grayscale bar whose row or column encodes the class. */
function classImage(label: number, seed: number): Promise<Buffer> {
  return grayscalePng(28, 28, (x, y) => {
    const onBar = label < 5 ? Math.abs(y - (4 + label * 5)) <= 1 : Math.abs(x - (4 + (label - 5) * 5)) <= 1;
    return (onBar ? 200 : 20) + ((x * 7 + y * 13 + seed * 31) % 40);
  });
}

async function listRuns(): Promise<RunSummary[]> {
  return app.service.call('listRuns', { projectDir });
}

/** Each run's seconds from creation to its last update. */
function gridRunsOf(runs: RunSummary[]): Promise<string>[] {
  return runs.map(async (run) => {
    const spec = (await app.service.call('getRun', { projectDir, runId: run.id })).spec;
    return ((Date.parse(spec.updatedAt) - Date.parse(spec.createdAt)) / 1000).toFixed(1);
  });
}

/** The grid results table's rows, top to bottom: run id, whether it is highlighted, and one metric. */
async function resultRows(metric: string): Promise<{ id: string; best: boolean; value: number }[]> {
  const column = ['loss', 'accuracy', 'val_loss', 'val_accuracy'].indexOf(metric) + 2;
  return page.locator('[data-testid^="grid-row-"]').evaluateAll(
    (rows, index) => rows.map((row) => ({ id: (row.getAttribute('data-testid') ?? '').replace('grid-row-', ''), best: row.classList.contains('best'), value: Number(row.children[index]?.textContent) })),
    column,
  );
}

beforeAll(async () => {
  fixtureRoot = mkdtempSync(path.join(os.tmpdir(), 'model-lab-runs-'));
  const imagesDir = await writeImageFolder(path.join(fixtureRoot, 'bars'), Array.from({ length: CLASSES }, (_, label) => `bar${label}`), PER_CLASS, classImage);
  app = await startApp({ allowedRoots: [fixtureRoot] });
  page = app.page;
  page.on('dialog', (dialog) => void dialog.accept());
  await waitForStartup(page, 60_000);
  projectDir = (await app.service.call('listRecentProjects', {}))[0]?.dir;
  await app.service.call('importDataset', { path: imagesDir, options: { targetSize: [28, 28], colorMode: 'grayscale' } });
}, 90_000);

afterAll(async () => {
  await app?.close();
  rmSync(fixtureRoot, { recursive: true, force: true });
});

afterEach(() => expectNoNewPageErrors(app));

describe('runs and grid search', () => {
  it('queues a 2×2 grid that runs one run at a time, then sorts its results by a clicked metric', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset['startup'])).toBe('ready');
    await page.getByTestId('guide-dismiss').click();
    await page.getByTestId('nav-data').click();
    await page.getByTestId('dataset-bars').click();
    await until(async () => (await page.getByTestId('dataset-title').textContent()) === 'bars', 10_000, 'the tiny dataset');
    await page.getByTestId('use-dataset').click();
    await until(async () => (await page.getByTestId('use-dataset').textContent()) === 'Used for training', 10_000, 'the project to use the tiny dataset');

    await page.getByTestId('nav-train').click();
    await page.getByTestId('hp-epochs').fill('1');
    await page.getByTestId('tab-grid').click();
    await page.getByTestId('grid-lr').fill('0.01, 0.001');
    await page.getByTestId('grid-batch').fill('8, 16');
    expect(await page.getByTestId('grid-search').textContent()).toMatch(/4 runs × 1 epoch(?!s)/);
    await page.getByTestId('grid-start').click();

    // Every status seen while the queue works: never two runs live at once. Each run starts
    // its own training process, which takes 15 to 25 s to start on a busy machine.
    let mostLive = 0;
    try {
      await until(async () => {
        const runs = await listRuns();
        mostLive = Math.max(mostLive, runs.filter((run) => run.status === 'queued' || run.status === 'running').length);
        return runs.length === 4 && runs.every((run) => run.status === 'completed');
      }, 180_000, 'four completed grid runs');
    } catch (error) {
      await app.screenshot('runs-failed-grid');
      const runs = await listRuns();
      throw new Error(`${(error as Error).message}; runs: ${runs.map((run) => `${run.name} ${run.status} ${run.endReason ?? ''}`).join(' | ')}`, { cause: error });
    }
    const seconds = (await Promise.all(gridRunsOf(await listRuns()))).join(', ');
    console.log(`Grid runs, seconds from start to end: ${seconds}`);
    expect(mostLive).toBe(1);
    gridRuns = await listRuns();
    const byStart = [...gridRuns].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    expect(byStart.map((run) => run.name)).toEqual(['grid adam lr=0.01 bs=8', 'grid adam lr=0.01 bs=16', 'grid adam lr=0.001 bs=8', 'grid adam lr=0.001 bs=16']);

    await until(async () => (await resultRows('val_loss')).filter((row) => Number.isFinite(row.value)).length === 4, 10_000, 'the results table to fill');
    await page.getByTestId('grid-sort-val_loss').click();
    const byLoss = await resultRows('val_loss');
    expect(byLoss.map((row) => row.value)).toEqual([...byLoss.map((row) => row.value)].sort((a, b) => a - b));
    expect(byLoss.map((row) => row.best)).toEqual([true, false, false, false]);
    await page.getByTestId('grid-sort-accuracy').click();
    const byAccuracy = await resultRows('accuracy');
    expect(byAccuracy.map((row) => row.value)).toEqual([...byAccuracy.map((row) => row.value)].sort((a, b) => b - a));
    expect(byAccuracy[0]?.best).toBe(true);
    expect(byAccuracy.filter((row) => row.best)).toHaveLength(1);
    await app.screenshot('runs-1-grid-results');
  }, 210_000);

  it("duplicates a run with a new learning rate: its own graph trains, not the edited Design graph", async () => {
    const source = gridRuns.find((run) => run.name === 'grid adam lr=0.01 bs=8');
    expect(source).toBeDefined();
    const sourceSpec = (await app.service.call('getRun', { projectDir, runId: source?.id ?? '' })).spec;

    // Change the Design graph so that it is no longer the run's.
    await page.getByTestId('nav-design').click();
    await page.getByTestId('node-dense').click();
    await page.getByTestId('param-units').fill('32');
    await page.getByTestId('param-units').press('Enter');
    await until(async () => (await page.getByTestId('undo').getAttribute('title'))?.includes('Undo') ?? false, 5000, 'the edit');

    await page.getByTestId('nav-train').click();
    await page.getByTestId('tab-runs').click();
    await page.getByTestId(`run-duplicate-${source?.id ?? ''}`).click();
    const dialog = page.getByTestId('duplicate-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('duplicate-graph-name').textContent()).toBe(sourceSpec.graph.name);
    expect(await dialog.getByTestId('duplicate-design-differs').textContent()).toContain('1 difference');
    expect(await dialog.getByTestId('hp-batch-size').inputValue()).toBe('8');
    await dialog.getByTestId('hp-learning-rate').fill('0.005');
    await dialog.getByTestId('duplicate-name').fill('lr 0.005 copy');
    await dialog.getByText('Show').click();
    await app.screenshot('runs-2-duplicate-dialog');
    await dialog.getByTestId('duplicate-start').click();
    await dialog.waitFor({ state: 'detached' });
    await until(async () => (await page.getByTestId('run-status').textContent()) === 'Completed', 40_000, 'the duplicate to complete');

    const copy = (await listRuns()).find((run) => run.name === 'lr 0.005 copy');
    expect(copy?.status).toBe('completed');
    duplicateId = copy?.id ?? '';
    const copySpec = (await app.service.call('getRun', { projectDir, runId: duplicateId })).spec;
    expect(copySpec.graph.nodes).toEqual(sourceSpec.graph.nodes);
    expect(copySpec.dataset.id).toBe(sourceSpec.dataset.id);
    expect(copySpec.hyperparameters).toEqual({ ...sourceSpec.hyperparameters, optimizer: { ...sourceSpec.hyperparameters.optimizer, learningRate: 0.005 } });
    // The Train form was left alone: it still holds what the grid started from.
    expect(await page.getByTestId('hp-learning-rate').inputValue()).toBe('0.001');
  }, 60_000);

  it('diffs the duplicate with its source: only the learning rate differs', async () => {
    const source = gridRuns.find((run) => run.name === 'grid adam lr=0.01 bs=8');
    await page.getByTestId('tab-runs').click();
    await page.getByLabel(`Select ${source?.name ?? ''}`).check();
    await page.getByLabel('Select lr 0.005 copy').check();
    await page.getByTestId('runs-diff').click();
    const table = page.getByTestId('runs-diff-table');
    await table.waitFor();
    const paths = await table.locator('td.path').allTextContents();
    expect(paths).toEqual(['hyperparameters.optimizer.learningRate']);
    await page.getByTestId('runs-overlay').waitFor();
    await app.screenshot('runs-3-diff');
  }, 30_000);

  it("opens a run's model in Design as one undoable edit", async () => {
    await page.getByTestId(`run-duplicate-${duplicateId}`).click();
    await page.getByTestId('duplicate-open-design').click();
    await page.getByTestId('design-view').waitFor();
    const denseUnits = async (): Promise<string> => {
      await page.getByTestId('node-dense').click();
      return page.getByTestId('param-units').inputValue();
    };
    expect(await denseUnits()).toBe('64');
    await page.getByTestId('undo').click();
    expect(await denseUnits()).toBe('32');
  }, 30_000);

  it('deletes a run', async () => {
    const victim = gridRuns.find((run) => run.name === 'grid adam lr=0.001 bs=16');
    await page.getByTestId('nav-train').click();
    await page.getByTestId('tab-runs').click();
    await page.getByTestId(`run-delete-${victim?.id ?? ''}`).click();
    await page.getByTestId(`run-row-${victim?.id ?? ''}`).waitFor({ state: 'detached' });
    const remaining = await listRuns();
    expect(remaining.map((run) => run.id)).not.toContain(victim?.id);
    expect(remaining).toHaveLength(4);
    await app.screenshot('runs-4-after-delete');
  }, 20_000);

  it('Evaluate and Export choose among the same trained runs, the Train view\'s run first', async () => {
    const names = (await listRuns()).map((run) => run.name).sort();
    for (const [view, select] of [['evaluate', 'eval-run'], ['export', 'export-run']] as const) {
      await page.getByTestId(`nav-${view}`).click();
      await page.getByTestId(`${view}-view`).waitFor();
      const picker = page.getByTestId(select);
      await until(async () => (await picker.locator('option').count()) === names.length, 10_000, `the ${view} run list`);
      const options = await picker.locator('option').allTextContents();
      expect(options.map((option) => option.replace(/ \(completed, 1 epoch\)$/, '')).sort()).toEqual(names);
      // The view picks its run once the refreshed list is in, a moment after the options render.
      await until(async () => (await picker.inputValue()) === duplicateId, 10_000, `the ${view} view to pick the Train view's run`);
    }
  }, 30_000);
});
