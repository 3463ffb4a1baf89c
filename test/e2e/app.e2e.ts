import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
      // The page is served below /<token>/; its socket lives there too.
      const ws = new WebSocket(new URL('api', location.href).href.replace(/^http/, 'ws'));
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
    const outcome = await app.page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/wrong/api`);
          ws.onopen = () => resolve('open');
          ws.onclose = () => resolve('closed');
        }),
    );
    expect(outcome).toBe('closed');
  });

  it('leaves the browser nothing that another service on 127.0.0.1 receives', async () => {
    // Cookies are not scoped to a port: a service on any other port of 127.0.0.1 the
    // browser visits would get every cookie the lab set. It sets none, and its pages send
    // no Referer, so the token never leaves the lab.
    const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
    const other = http.createServer((request, response) => {
      requests.push({ url: request.url ?? '', headers: request.headers });
      response.end('<!doctype html><title>another service</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', () => resolve()));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
    // A browser profile of its own that opens the lab, as a user's browser does.
    const context = await app.browser.newContext();
    const probe = await context.newPage();
    try {
      await probe.goto(app.url, { waitUntil: 'load' });
      // A visit of its own, and one the lab's page starts (a link followed from it).
      await probe.evaluate((url) => { window.location.href = url; }, otherUrl);
      await probe.waitForURL(otherUrl);
      const fresh = await context.newPage();
      await fresh.goto(otherUrl);
      await fresh.close();
      expect(await context.cookies()).toEqual([]);
      expect(requests.length).toBeGreaterThanOrEqual(2);
      for (const request of requests) {
        expect(request.headers.cookie).toBeUndefined();
        expect(JSON.stringify(request)).not.toContain(app.server.token);
      }
    } finally {
      await context.close();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
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
