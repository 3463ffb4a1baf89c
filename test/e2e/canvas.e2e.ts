import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../common/api/events';
import { GraphBuilder } from '../../common/templates/builder';
import { startApp, until, waitForStartup, type StartedApp } from './harness';

/**
 * Node boxes on the Design canvas never intersect, at any zoom: after a project opens
 * with the positions its templates were built with, after Layout, and after a quick fix
 * inserts a layer into the middle of a chain. Boxes are measured in the page, in canvas
 * units, each grown by MARGIN on every side so that touching boxes count too.
 */

/** Canvas units each box is grown by: two boxes closer than twice this intersect. */
const MARGIN = 8;

let app: StartedApp;
let page: Page;

interface Box {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The layer nodes' boxes in canvas units (screen rectangles divided by the zoom). */
async function nodeBoxes(): Promise<Box[]> {
  return page.evaluate(() => {
    const pane = document.querySelector('.vue-flow__transformationpane');
    const zoom = pane ? new DOMMatrixReadOnly(getComputedStyle(pane).transform).a : 1;
    return [...document.querySelectorAll<HTMLElement>('.vue-flow__node-layer')].map((element) => {
      const rect = element.getBoundingClientRect();
      return { name: element.querySelector('.node-name')?.textContent ?? '?', x: rect.x / zoom, y: rect.y / zoom, width: rect.width / zoom, height: rect.height / zoom };
    });
  });
}

/** Every pair of boxes that intersect once grown by MARGIN, named. */
function intersecting(boxes: readonly Box[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i] as Box;
      const b = boxes[j] as Box;
      const apart = a.x + a.width + MARGIN <= b.x - MARGIN || b.x + b.width + MARGIN <= a.x - MARGIN || a.y + a.height + MARGIN <= b.y - MARGIN || b.y + b.height + MARGIN <= a.y - MARGIN;
      if (!apart) pairs.push(`${a.name} × ${b.name}`);
    }
  }
  return pairs;
}

async function zoom(): Promise<number> {
  return page.evaluate(() => {
    const pane = document.querySelector('.vue-flow__transformationpane');
    return pane ? new DOMMatrixReadOnly(getComputedStyle(pane).transform).a : 1;
  });
}

/** Zooms in with the canvas controls until nodes are drawn at full size (zoom ≥ 1). */
async function zoomToFullSize(): Promise<void> {
  for (let step = 0; step < 20 && (await zoom()) < 1; step++) await page.locator('.vue-flow__controls-zoomin').click();
  await page.waitForTimeout(300);
}

/** Asserts no two boxes intersect, saying which do and when. */
async function expectApart(when: string): Promise<void> {
  const boxes = await nodeBoxes();
  expect(boxes.length, when).toBeGreaterThan(3);
  expect(intersecting(boxes), `${when} (zoom ${(await zoom()).toFixed(2)})`).toEqual([]);
}

/** Opens a project folder the way File › Open Recent does, and waits for its model. */
async function openProject(dir: string, modelName: string): Promise<void> {
  const event: LabEvent = { type: 'menu.command', command: 'file.openRecent', path: dir };
  app.service.context.emit(event);
  await until(async () => (await page.getByTestId('model-name').inputValue()) === modelName, 15_000, `${modelName} to open`);
  await page.waitForTimeout(800);
}

/** MNIST CNN whose second convolution is wrapped by a residual Add the shortcut of which has too few channels. */
function residualCnn(): ReturnType<GraphBuilder['build']> {
  const b = new GraphBuilder('residual_cnn');
  const input = b.input([28, 28, 1]);
  const conv = b.layer('Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }, input);
  const pool = b.layer('MaxPooling2D', { pool_size: [2, 2] }, conv);
  const conv1 = b.layer('Conv2D', { filters: 64, kernel_size: [3, 3], padding: 'same', activation: 'relu' }, pool);
  const add = b.layer('Add', {}, [conv1, pool]);
  const pool1 = b.layer('MaxPooling2D', { pool_size: [2, 2] }, add);
  const flat = b.layer('Flatten', {}, pool1);
  b.layer('Dense', { units: 10, activation: 'softmax' }, flat);
  return b.build();
}

beforeAll(async () => {
  app = await startApp();
  page = app.page;
  expect(await waitForStartup(page, 60_000)).toBe('ready');
  await page.getByTestId('guide-dismiss').click();
}, 90_000);

afterAll(async () => {
  await app?.close();
});

describe('node boxes never intersect', () => {
  it('after a project opens, at the fitted zoom and at full size, and after Layout', async () => {
    for (const [template, inputShape] of [['small-inception', [32, 32, 3]], ['mnist-cnn', [28, 28, 1]]] as const) {
      const graph = await app.service.call('createFromTemplate', { id: template, inputShape: [...inputShape], classes: 10 });
      const project = await app.service.call('createProject', { parentDir: app.dataDir, name: template, graph });
      await openProject(project.dir, graph.name);
      await expectApart(`${template} opened`);
      await zoomToFullSize();
      await expectApart(`${template} opened, at full size`);
      await app.screenshot(`canvas-1-${template}-full-size`);
      await page.getByTestId('layout').click();
      await page.waitForTimeout(800);
      await expectApart(`${template} after Layout`);
      await page.getByTestId('fit').click();
      await page.waitForTimeout(500);
      await expectApart(`${template} after Layout, fitted`);
      // Laid out while zoomed far out (where node text is not drawn), then seen at full size.
      for (let step = 0; step < 20 && (await zoom()) > 0.3; step++) await page.locator('.vue-flow__controls-zoomout').click();
      await page.keyboard.press('Escape');
      await page.getByTestId('layout').click();
      await page.waitForTimeout(800);
      await zoomToFullSize();
      await expectApart(`${template} laid out while zoomed out, at full size`);
    }
  }, 90_000);

  it('after a quick fix inserts a layer into the chain', async () => {
    const graph = residualCnn();
    const project = await app.service.call('createProject', { parentDir: app.dataDir, name: 'residual', graph });
    await openProject(project.dir, 'residual_cnn');
    await expectApart('residual_cnn opened');
    await page.getByTestId('problem-fix-0').click();
    await until(async () => (await page.getByTestId('problem-errors').textContent()) === '0 errors', 5_000, 'the fix to apply');
    await page.waitForTimeout(800);
    await expectApart('after the projection fix');
    await zoomToFullSize();
    await expectApart('after the projection fix, at full size');
    await app.screenshot('canvas-2-after-fix');
  }, 60_000);
});
