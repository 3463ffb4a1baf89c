import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLabServer, type LabServer } from '../../../main/server/labServer';
import { LabContext } from '../../../main/api/labContext';
import { dispatchLabMethod } from '../../../main/api/dispatch';
import { createDialogHandlers } from '../../../main/api/dialogHandlers';
import type { LabHandlers } from '../../../common/api/labApi';
import type { LabEndpoint } from '../../../common/api/labEndpoint';
import type { WireResponse } from '../../../common/api/wire';
import { nextResponse, openSocket } from './socketHelpers';
import { createWsClient } from '../../../renderer/api/wsClient';
import { LabError } from '../../../common/errors';

const work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lab-server-')));
const allowed = path.join(work, 'allowed');
const outside = path.join(work, 'outside');
const staticDir = path.join(work, 'static');
let server: LabServer;
let context: LabContext;

beforeAll(async () => {
  mkdirSync(path.join(allowed, 'data'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(path.join(allowed, 'data', 'a.png'), 'png');
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  writeFileSync(path.join(work, 'next-to-static.txt'), 'not served');
  symlinkSync(outside, path.join(allowed, 'escape'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Model Lab</title>');
  writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1)');
  context = new LabContext({ dataDir: path.join(work, 'data'), allowedRoots: [allowed] });
  const handlers = {
    ping: async ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
    ...createDialogHandlers(context),
  } as Partial<LabHandlers> as LabHandlers;
  const endpoint: LabEndpoint = {
    invoke: (method, input) => dispatchLabMethod(handlers, method, input),
    onEvent: (listener) => {
      const subscription = context.events.event(listener);
      return () => subscription.dispose();
    },
  };
  server = await startLabServer({ endpoint, staticDir });
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

/** A raw GET (the path is sent as written, so `..` is not normalised away by a client). */
function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: server.host, port: server.port, path: pathAndQuery, method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Opens a socket at `wsPath` (the server's own socket URL by default). */
function connect(wsPath = `/${server.token}/api`, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return openSocket(`ws://${server.host}:${server.port}${wsPath}`, options);
}

/** Sends raw text and waits for the next response message. */
function exchange(ws: WebSocket, text: string | Buffer): Promise<WireResponse> {
  const answer = nextResponse(ws);
  ws.send(text);
  return answer;
}

describe('access token', () => {
  it('prints a loopback URL with the token as the first segment of its path', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/${server.token}/`);
    expect(server.socketUrl).toBe(`ws://127.0.0.1:${server.port}/${server.token}/api`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses HTTP without the token in the path, with a wrong one, or with it anywhere else (401)', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/app.js')).status).toBe(401);
    expect((await get('/wrong/')).status).toBe(401);
    // The last digit is flipped, so the wrong token differs from the real one whatever it ends in.
    const lastDigit = server.token.slice(-1);
    const nearMiss = `${server.token.slice(0, -1)}${lastDigit === '0' ? '1' : '0'}`;
    expect((await get(`/${nearMiss}/`)).status).toBe(401);
    expect((await get(`/?token=${server.token}`)).status).toBe(401);
    expect((await get('/', { cookie: `model_lab_token=${server.token}` })).status).toBe(401);
    expect((await get(`/static/${server.token}/`)).status).toBe(401);
  });

  it('serves the page and its assets below the token and sets no cookie', async () => {
    const page = await get(`/${server.token}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Model Lab</title>');
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const asset = await get(`/${server.token}/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['set-cookie']).toBeUndefined();
    const bare = await get(`/${server.token}`);
    expect([bare.status, bare.headers.location]).toEqual([301, `/${server.token}/`]);
  });

  it('refuses WebSocket upgrades without the right token, on another path or from another origin', async () => {
    await expect(connect('/api')).rejects.toThrow('status 401');
    await expect(connect('/nope/api')).rejects.toThrow('status 401');
    await expect(connect(`/api?token=${server.token}`)).rejects.toThrow('status 401');
    await expect(connect(`/${server.token}/other`)).rejects.toThrow('status 404');
    await expect(connect(`/${server.token}/api`, { origin: 'https://evil.example' })).rejects.toThrow('status 403');
    const sameOrigin = await connect(`/${server.token}/api`, { origin: server.origin });
    sameOrigin.close();
  });
});

describe('path traversal', () => {
  it('never serves files outside the app folder', async () => {
    for (const attempt of ['/../next-to-static.txt', '/%2e%2e/next-to-static.txt', '/..%2fnext-to-static.txt', '/%2e%2e%5cnext-to-static.txt', '/a%00.js']) {
      const response = await get(`/${server.token}${attempt}`);
      expect(response.status, attempt).toBeGreaterThanOrEqual(400);
      expect(response.body).not.toContain('not served');
    }
  });

  it('refuses API paths that leave the allowed roots, through .. or a symlink (API_PATH_DENIED)', async () => {
    const client = createWsClient({ url: server.socketUrl, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
    try {
      const listing = await client.listDirectory({ path: path.join(allowed, 'data') });
      expect(listing.entries.map((e) => e.name)).toEqual(['a.png']);
      for (const attempt of [path.join(allowed, '..', 'outside'), `${allowed}/data/../../outside`, path.join(allowed, 'escape'), '/etc']) {
        const error = await client.listDirectory({ path: attempt }).then(() => undefined, (e: unknown) => e);
        expect(error, attempt).toBeInstanceOf(LabError);
        expect((error as LabError).code).toBe('API_PATH_DENIED');
      }
    } finally {
      client.close();
    }
  });
});

describe('malformed messages', () => {
  it('answers each with an error and keeps serving the socket', async () => {
    const ws = await connect();
    try {
      expect(await exchange(ws, 'not json')).toMatchObject({ id: null, ok: false, error: { code: 'API_BAD_INPUT' } });
      expect(await exchange(ws, '[1,2,3]')).toMatchObject({ id: null, ok: false, error: { code: 'API_BAD_INPUT' } });
      expect(await exchange(ws, JSON.stringify({ id: 7 }))).toMatchObject({ id: 7, ok: false, error: { code: 'API_BAD_INPUT' } });
      expect(await exchange(ws, JSON.stringify({ id: 8, method: 'rm -rf' }))).toMatchObject({ id: 8, ok: false, error: { code: 'API_UNKNOWN_METHOD' } });
      expect(await exchange(ws, JSON.stringify({ id: 9, method: 'ping', input: { message: 5 } }))).toMatchObject({ id: 9, ok: false, error: { code: 'API_BAD_INPUT' } });
      expect(await exchange(ws, Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false, error: { code: 'API_BAD_INPUT' } });
      expect(await exchange(ws, JSON.stringify({ id: 10, method: 'ping', input: { message: 'still here' } }))).toMatchObject({ id: 10, ok: true, result: { message: 'still here' } });
    } finally {
      ws.close();
    }
  });
});

describe('load and events', () => {
  it('serves 200 concurrent requests over several sockets, each answered with its own result', async () => {
    const clients = Array.from({ length: 4 }, () => createWsClient({ url: server.socketUrl, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket }));
    try {
      const calls = Array.from({ length: 200 }, (_, i) => clients[i % clients.length]!.ping({ message: `m${i}` }));
      const results = await Promise.all(calls);
      expect(results.map((r) => r.message)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('forwards every event to every authenticated socket', async () => {
    const first = createWsClient({ url: server.socketUrl, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
    const second = createWsClient({ url: server.socketUrl, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
    try {
      const seen: string[] = [];
      const both = new Promise<void>((resolve) => {
        const record = (who: string) => (event: { type: string }) => {
          seen.push(`${who}:${event.type}`);
          if (seen.length === 2) resolve();
        };
        first.onEvent(record('first'));
        second.onEvent(record('second'));
      });
      // A call on each makes sure both sockets are open before the event fires.
      await Promise.all([first.ping({}), second.ping({})]);
      context.emit({ type: 'menu.command', command: 'file.save' });
      await both;
      expect(seen.sort()).toEqual(['first:menu.command', 'second:menu.command']);
    } finally {
      first.close();
      second.close();
    }
  });
});

describe('Host header (DNS rebinding)', () => {
  it('refuses pages and sockets for a forged Host with a 403 that says what to do, before looking at the token', async () => {
    const page = await get(`/${server.token}/`, { host: `evil.example:${server.port}` });
    expect(page.status).toBe(403);
    expect(page.body).toContain('Received: Host="evil.example:');
    expect(page.body).toContain('--allow-host evil.example');
    expect((await get('/', { host: 'attacker.test' })).status).toBe(403);
    await expect(connect(`/${server.token}/api`, { headers: { host: `evil.example:${server.port}` } })).rejects.toThrow('status 403');
  });

  it('answers loopback names and the bound address', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, 'LOCALHOST', `[::1]:${server.port}`]) {
      expect((await get(`/${server.token}/`, { host })).status, host).toBe(200);
    }
    expect(server.hosts).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1']));
  });

  it('answers a reverse proxy name given with allowedHosts (--allow-host), and only that one', async () => {
    const proxied = await startLabServer({ endpoint: { invoke: async () => null, onEvent: () => () => undefined }, staticDir, allowedHosts: ['Lab.Example.org'] });
    try {
      const request = (host: string): Promise<number> => new Promise((resolve, reject) => {
        http.get({ host: proxied.host, port: proxied.port, path: `/${proxied.token}/`, headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(await request('lab.example.org')).toBe(200);
      expect(await request('lab.example.org.:443')).toBe(200);
      expect(await request('other.example.org')).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});
