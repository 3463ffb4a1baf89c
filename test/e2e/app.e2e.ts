import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoNewPageErrors, startApp, type StartedApp } from './harness';

let app: StartedApp;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

// Page errors and CSP violations fail the test that raised them; the refused socket of one test logs a connection error by design.
afterEach(() => expectNoNewPageErrors(app, (error) => error.includes('/api')));

describe('the app in browser mode', () => {
  it('loads and shows the backend badge with the chosen backend and device', async () => {
    const badge = app.page.getByTestId('backend-badge');
    await badge.waitFor({ state: 'visible' });
    await app.page.waitForFunction(() => document.querySelector('[data-testid="backend-badge"]')?.getAttribute('data-backend') !== '');
    const info = await app.service.call('getSystemInfo', {});
    expect(await badge.getAttribute('data-backend')).toBe(info.backend.chosen);
    expect(await badge.textContent()).toContain(info.backend.device);
    expect(await badge.getAttribute('title')).toContain(`Training runs on`);
    expect(await app.page.title()).toBe('Model Lab');
    await app.screenshot('app-loaded');
  });

  it('carries a LabApi ping from the page over the authenticated WebSocket', async () => {
    const answer = await app.page.evaluate(async () => {
      const token = new URLSearchParams(location.search).get('token') ?? '';
      const ws = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`);
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error('socket failed'));
      });
      const reply = new Promise<string>((resolve) => {
        ws.onmessage = (event) => resolve(String(event.data));
      });
      ws.send(JSON.stringify({ id: 1, method: 'ping', input: { message: 'from the page' } }));
      const text = await reply;
      ws.close();
      return JSON.parse(text) as { id: number; ok: boolean; result?: { message: string } };
    });
    expect(answer).toMatchObject({ kind: 'response', id: 1, ok: true, result: { message: 'from the page' } });
  });

  it('refuses a socket with a wrong token, seen from the page', async () => {
    // Without a token in its URL the page's socket would pass on the HttpOnly cookie the page load set; a wrong token in the URL wins over it.
    const outcome = await app.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/api?token=wrong`);
          ws.onopen = () => resolve('open');
          ws.onclose = () => resolve('closed');
        }),
    );
    expect(outcome).toBe('closed');
  });

  it("runs Monaco's workers from the app's own origin under the Content-Security-Policy", async () => {
    await app.page.locator('button, [role=tab]').filter({ hasText: /^\s*Code\s*$/ }).first().click();
    await app.page.waitForFunction(() => performance.getEntriesByType('resource').some((entry) => /worker/i.test(entry.name)), undefined, { timeout: 20_000 });
    const resources = await app.page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    const origin = new URL(app.url).origin;
    expect(resources.filter((name) => !name.startsWith(origin) && !name.startsWith('blob:') && !name.startsWith('data:'))).toEqual([]);
    await app.screenshot('app-code-view');
  });
});
