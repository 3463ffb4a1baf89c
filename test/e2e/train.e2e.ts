import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grayscalePng, writeImageFolder } from './fixtures';
import { startApp, until, waitForStartup, type StartedApp } from './harness';

/**
 * The Train view's charts on a tiny generated dataset: the "best" marker sits on the epoch
 * run.json records as best, with its value, after a 3-epoch run and after a 1-epoch run.
 */

const CLASSES = 10;
const PER_CLASS = 6;
let app: StartedApp;
let page: Page;
let fixtureRoot: string;
let projectDir: string | undefined;

/** A 28×28 grayscale bar whose row or column encodes the class. */
function classImage(label: number, seed: number): Promise<Buffer> {
  return grayscalePng(28, 28, (x, y) => {
    const onBar = label < 5 ? Math.abs(y - (4 + label * 5)) <= 1 : Math.abs(x - (4 + (label - 5) * 5)) <= 1;
    return (onBar ? 200 : 20) + ((x * 7 + y * 13 + seed * 31) % 40);
  });
}

/** The markers the loss chart drew last, as `label@epoch`. */
async function drawnMarkers(): Promise<string[]> {
  const text = await page.getByTestId('chart-loss').locator('canvas').getAttribute('data-markers');
  return text ? (JSON.parse(text) as string[]) : [];
}

/** Trains `epochs` epochs from the Train view and returns the run id once it completed. */
async function train(epochs: number): Promise<string> {
  const before = new Set((await app.service.call('listRuns', { projectDir })).map((run) => run.id));
  await page.getByTestId('hp-epochs').fill(String(epochs));
  await page.getByTestId('train-start').click();
  let runId = '';
  try {
    await until(async () => {
      const run = (await app.service.call('listRuns', { projectDir })).find((entry) => !before.has(entry.id));
      runId = run?.id ?? '';
      return run?.status === 'completed';
    }, 120_000, `a ${epochs}-epoch run to complete`);
  } catch (error) {
    await app.screenshot(`train-failed-${epochs}-epochs`);
    throw error;
  }
  await until(async () => (await page.getByTestId('run-status').textContent()) === 'Completed', 10_000, 'the Train view to say Completed');
  return runId;
}

beforeAll(async () => {
  fixtureRoot = mkdtempSync(path.join(os.tmpdir(), 'model-lab-train-'));
  const imagesDir = await writeImageFolder(path.join(fixtureRoot, 'rows'), Array.from({ length: CLASSES }, (_, label) => `row${label}`), PER_CLASS, classImage);
  app = await startApp({ allowedRoots: [fixtureRoot] });
  page = app.page;
  expect(await waitForStartup(page, 60_000)).toBe('ready');
  projectDir = (await app.service.call('listRecentProjects', {}))[0]?.dir;
  await app.service.call('importDataset', { path: imagesDir, options: { targetSize: [28, 28], colorMode: 'grayscale' } });
  await page.getByTestId('guide-dismiss').click();
  await page.getByTestId('nav-data').click();
  await page.getByTestId('dataset-rows').click();
  await until(async () => (await page.getByTestId('dataset-title').textContent()) === 'rows', 10_000, 'the tiny dataset');
  await page.getByTestId('use-dataset').click();
  await until(async () => (await page.getByTestId('use-dataset').textContent()) === 'Used for training', 10_000, 'the project to use the tiny dataset');
  await page.getByTestId('nav-train').click();
  await page.getByTestId('hp-batch-size').fill('8');
}, 120_000);

afterAll(async () => {
  await app?.close();
  rmSync(fixtureRoot, { recursive: true, force: true });
});

describe('the best-epoch marker', () => {
  for (const epochs of [3, 1]) {
    it(`marks the epoch run.json records as best after a ${epochs}-epoch run`, async () => {
      const runId = await train(epochs);
      const { spec } = await app.service.call('getRun', { projectDir, runId });
      expect(spec.best).not.toBeNull();
      const expected = `best ${spec.best?.monitor} ${spec.best?.value?.toFixed(4)}@${spec.best?.epoch}`;
      await until(async () => (await drawnMarkers()).includes(expected), 5_000, `the marker ${expected}`).catch(async (error: unknown) => {
        throw new Error(`${(error as Error).message}; drawn: ${JSON.stringify(await drawnMarkers())}`, { cause: error });
      });
      expect((await drawnMarkers()).filter((marker) => marker.startsWith('best '))).toEqual([expected]);
      await app.screenshot(`train-best-marker-${epochs}-epochs`);
    }, 150_000);
  }
});
