import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_VIEWS } from '../../renderer/stores/uiStore';
import { startApp, waitForStartup, type StartedApp } from './harness';

/**
 * Every view fits a 1280×720 window, the smallest the app is laid out for: no bar
 * scrolls or clips its controls, and every control is drawn where it can be clicked, not
 * under a neighbouring panel. One screenshot per view at that size.
 */

const SMALLEST = { width: 1280, height: 720 };
/** The bars of controls across the app: the title bar, view toolbars, the Train run bar and tabs. */
const BARS = '.titlebar, [role="toolbar"], .toolbar, .run-bar, .tabs';

let app: StartedApp;
let page: Page;

/** Each control of a bar that is cut off, scrolled away or covered by something else, with why. */
async function hiddenControls(): Promise<string[]> {
  return page.evaluate((selector) => {
    const problems: string[] = [];
    const label = (element: Element): string => (element.getAttribute('data-testid') ?? element.getAttribute('aria-label') ?? element.textContent ?? element.tagName).trim().slice(0, 40);
    for (const bar of document.querySelectorAll<HTMLElement>(selector)) {
      if (bar.offsetParent === null) continue;
      if (bar.scrollWidth > bar.clientWidth + 1) problems.push(`${bar.className}: content ${bar.scrollWidth}px wide in ${bar.clientWidth}px`);
      const box = bar.getBoundingClientRect();
      for (const control of bar.querySelectorAll<HTMLElement>('button, input, select')) {
        if (control.offsetParent === null) continue;
        const rect = control.getBoundingClientRect();
        if (rect.left < box.left - 1 || rect.right > box.right + 1 || rect.right > window.innerWidth) {
          problems.push(`${label(control)} in ${bar.className}: cut off (x ${Math.round(rect.left)}–${Math.round(rect.right)}, bar ${Math.round(box.left)}–${Math.round(box.right)})`);
          continue;
        }
        const top = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
        if (top !== control && !control.contains(top)) problems.push(`${label(control)} in ${bar.className}: covered by ${top ? label(top) : 'nothing'}`);
      }
    }
    return problems;
  }, BARS);
}

beforeAll(async () => {
  app = await startApp({ viewport: SMALLEST });
  page = app.page;
  expect(await waitForStartup(page, 60_000)).toBe('ready');
  await page.getByTestId('guide-dismiss').click();
}, 90_000);

afterAll(async () => {
  await app?.close();
});

describe('the smallest window, 1280×720', () => {
  for (const view of APP_VIEWS) {
    it(`${view}: every bar shows all its controls`, async () => {
      await page.getByTestId(`nav-${view}`).click();
      await page.getByTestId(`${view}-view`).waitFor();
      await page.waitForTimeout(500);
      await app.screenshot(`screens-1280x720-${view}`);
      expect(await hiddenControls()).toEqual([]);
    }, 30_000);
  }

  it('the Summary panel shows every output shape in full, at the narrowest side panel', async () => {
    await page.getByTestId('nav-design').click();
    await page.getByTestId('panel-summary').click();
    await page.getByTestId('summary').waitFor();
    const cut = await page.locator('[data-testid="summary-shape"]').evaluateAll((cells) => cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent));
    const shapes = await page.locator('[data-testid="summary-shape"]').allTextContents();
    await app.screenshot('screens-1280x720-summary');
    expect(shapes).toContain('(None, 13, 13, 32)');
    expect(cut).toEqual([]);
    await page.getByTestId('panel-inspector').click();
  }, 30_000);

  it('design with a layer selected: the toolbar keeps Group, Delete and the inspector its fields', async () => {
    await page.getByTestId('nav-design').click();
    await page.locator('.vue-flow__node-layer').first().click();
    await page.waitForTimeout(300);
    await app.screenshot('screens-1280x720-design-selected');
    expect(await hiddenControls()).toEqual([]);
    expect(await page.getByTestId('delete').isEnabled()).toBe(true);
  }, 30_000);
});
