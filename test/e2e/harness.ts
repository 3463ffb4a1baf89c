import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLabService, type LabService } from '../../main/api/labService';
import { startLabServer, type LabServer } from '../../main/server/labServer';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `screenshot(name)` writes (ignored by git). */
export const ARTIFACTS_DIR = path.join(repoRoot, 'test', 'e2e', 'artifacts');

/** Debian's Chromium and the flags that keep it offline, quiet and container-friendly. */
export const CHROMIUM_PATH = process.env['MODEL_LAB_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Options of `startApp`. */
export interface StartAppOptions {
  /** Browser viewport; 1280×720 by default, the smallest window the app is laid out for. */
  viewport?: { width: number; height: number };
  /** Extra folders the lab may read (fixtures, datasets); the app's temporary data folder is always allowed. */
  allowedRoots?: string[];
  /** Path and hash appended to the page URL, e.g. `#/train`. */
  hash?: string;
}

/** A running app: browser mode server, its LabService, and a Chromium page on it. */
export interface StartedApp {
  /** The page URL, token included. */
  url: string;
  page: Page;
  browser: Browser;
  server: LabServer;
  service: LabService;
  /** Temporary data folder of this app (removed by `close`). */
  dataDir: string;
  /** Uncaught page errors and console errors seen so far. */
  errors: string[];
  /** Saves a full-page PNG to test/e2e/artifacts/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser, the server and the service, and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Starts browser mode in this process on a free loopback port, serving the built
 * renderer (dist/renderer, built by scripts/e2e.mjs), and opens it in headless Chromium.
 * Resolves once the page has loaded and Vue has mounted into `#app`.
 *
 * @throws Error when the renderer is not built or Chromium is missing.
 */
export async function startApp(options: StartAppOptions = {}): Promise<StartedApp> {
  const staticDir = path.join(repoRoot, 'dist', 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`Expected the built renderer at ${staticDir}; run \`node scripts/build.mjs --renderer\` (scripts/e2e.mjs does).`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Expected Chromium at ${CHROMIUM_PATH} (apt-get install chromium).`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'model-lab-e2e-'));
  const service = await createLabService({ dataDir, allowedRoots: [dataDir, ...(options.allowedRoots ?? [])] });
  const server = await startLabServer({ endpoint: service, staticDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 720 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`http ${response.status()}: ${response.url().replaceAll(server.token, '…')}`);
  });
  const url = `${server.url}${options.hash ?? ''}`;
  const close = async (): Promise<void> => {
    await browser.close().catch(() => undefined);
    await server.close();
    service.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (document.querySelector('#app')?.childElementCount ?? 0) > 0, undefined, { timeout: 20_000 });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url,
    page,
    browser,
    server,
    service,
    dataDir,
    errors,
    async screenshot(name) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close,
  };
}

/**
 * Fails the test that just ran when the page raised errors during it, so each test
 * answers for its own (call it from `afterEach`). `expected` leaves out errors a test
 * causes on purpose.
 */
export function expectNoNewPageErrors(app: StartedApp | undefined, expected: (error: string) => boolean = () => false): void {
  const errors = app?.errors.splice(0) ?? [];
  expect(errors.filter((error) => !expected(error))).toEqual([]);
}

/**
 * Waits until `test` holds, polling every `intervalMs`.
 *
 * @throws Error naming `what` when `timeoutMs` passes first.
 */
export async function until(test: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 150): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Waits for the app's start-up (the sample project or the last one opening) to end, and
 * returns how it ended: `html[data-startup]` is `ready` or `failed`.
 */
export async function waitForStartup(page: Page, timeoutMs: number): Promise<string> {
  await page.waitForFunction(() => document.documentElement.dataset['startup'] === 'ready' || document.documentElement.dataset['startup'] === 'failed', undefined, { timeout: timeoutMs });
  return page.evaluate(() => document.documentElement.dataset['startup'] ?? '');
}
