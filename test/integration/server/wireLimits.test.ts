import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LabEvent } from '../../../common/api/events';
import type { WireServerMessage } from '../../../common/api/wire';
import { nextResponse, openSocket } from './socketHelpers';
import { Emitter } from '../../../common/lifecycle';
import { startLabServer, type LabServer, type LabServerOptions } from '../../../main/server/labServer';
import { MAX_WIRE_MESSAGE_BYTES } from '../../../common/api/wire';
import { createWsClient } from '../../../renderer/api/wsClient';

/**
 * What one browser-mode client can hold on the server is bounded: the size of a message
 * (answered with a named error before the socket closes), its sockets, the memory of
 * requests not yet answered, and what a client that stops reading leaves queued.
 */

const staticDir = mkdtempSync(path.join(os.tmpdir(), 'lab-wire-limits-'));
let server: LabServer | undefined;
const events = new Emitter<LabEvent>();
/** Requests to `hold` wait here until released. */
const held: (() => void)[] = [];

beforeAll(() => {
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
  return () => rmSync(staticDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const release of held.splice(0)) release();
  await server?.close();
  server = undefined;
});

async function start(limits: LabServerOptions['limits'] = {}): Promise<LabServer> {
  server = await startLabServer({
    staticDir,
    limits,
    endpoint: {
      invoke: (method) => (method === 'hold' ? new Promise((resolve) => held.push(() => resolve({ released: true }))) : Promise.resolve({ method })),
      onEvent: (listener) => {
        const subscription = events.event(listener);
        return () => subscription.dispose();
      },
    },
  });
  return server;
}

function connect(lab: LabServer): Promise<WebSocket> {
  return openSocket(lab.socketUrl);
}

/** Every message the socket receives until it closes, and the close code. */
function untilClosed(ws: WebSocket): Promise<{ messages: WireServerMessage[]; code: number }> {
  const messages: WireServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as WireServerMessage));
  return new Promise((resolve) => ws.once('close', (code) => resolve({ messages, code })));
}

describe('WebSocket limits', () => {
  it('answers a message over 32 MiB with a named error before closing the socket', async () => {
    expect(MAX_WIRE_MESSAGE_BYTES).toBe(32 * 1024 * 1024);
    const ws = await connect(await start());
    const closed = untilClosed(ws);
    ws.send(JSON.stringify({ id: 1, method: 'ping', input: { message: 'x'.repeat(MAX_WIRE_MESSAGE_BYTES) } }));
    const { messages, code } = await closed;
    expect(code).toBe(1009);
    expect(messages).toEqual([expect.objectContaining({ kind: 'response', id: null, ok: false, error: expect.objectContaining({ code: 'API_LIMIT_EXCEEDED', details: expect.objectContaining({ limit: 'messageBytes', maxBytes: MAX_WIRE_MESSAGE_BYTES }) }) })]);
  });

  it('fails an oversized call in the page client with the named error, without losing the connection', async () => {
    const lab = await start();
    const client = createWsClient({ url: lab.socketUrl, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
    try {
      await expect(client.ping({ message: 'x'.repeat(MAX_WIRE_MESSAGE_BYTES) })).rejects.toMatchObject({ code: 'API_LIMIT_EXCEEDED' });
      expect(await client.ping({ message: 'small' })).toMatchObject({ method: 'ping' });
      expect(lab.socketCount).toBe(1);
    } finally {
      client.close();
    }
  });

  it('refuses more sockets from one client than the limit, and accepts one again when one closes', async () => {
    const lab = await start({ socketsPerClient: 3 });
    const sockets = [await connect(lab), await connect(lab), await connect(lab)];
    await expect(connect(lab)).rejects.toThrow('status 429');
    const first = sockets.shift() as WebSocket;
    await new Promise<void>((resolve) => {
      first.once('close', () => resolve());
      first.close();
    });
    // The server sees the close a moment after the client does.
    await expect.poll(() => lab.socketCount).toBe(2);
    sockets.push(await connect(lab));
    for (const ws of sockets) ws.close();
  });

  it('refuses a request while the requests not yet answered hold the memory limit, and serves again once they are answered', async () => {
    const lab = await start({ pendingBytes: 64 * 1024 });
    const ws = await connect(lab);
    const big = (id: number): string => JSON.stringify({ id, method: 'hold', input: { message: 'x'.repeat(30 * 1024) } });
    ws.send(big(1));
    ws.send(big(2));
    await expect.poll(() => held.length).toBe(2);
    const refused = nextResponse(ws);
    ws.send(big(3));
    expect(await refused).toMatchObject({ id: 3, ok: false, error: { code: 'API_LIMIT_EXCEEDED', details: { limit: 'pendingBytes' } } });
    const answers = [nextResponse(ws)];
    for (const release of held.splice(0)) release();
    expect(await answers[0]).toMatchObject({ ok: true });
    await expect.poll(() => lab.pendingBytes).toBe(0);
    const served = nextResponse(ws);
    ws.send(JSON.stringify({ id: 4, method: 'ping' }));
    expect(await served).toMatchObject({ id: 4, ok: true });
    ws.close();
  });

  it('closes a socket whose client stops reading once its queue passes the limit', async () => {
    const lab = await start({ bufferedBytesPerSocket: 256 * 1024 });
    // A raw client that completes the handshake and then never reads.
    const raw = net.connect(lab.port, lab.host);
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    raw.write(`GET /${lab.token}/api HTTP/1.1\r\nHost: ${lab.host}:${lab.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await expect.poll(() => lab.socketCount).toBe(1);
    raw.pause();
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    const message = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 64 && lab.socketCount > 0; i++) {
      events.fire({ type: 'log', level: 'info', message } as unknown as LabEvent);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await expect.poll(() => lab.socketCount).toBe(0);
    raw.resume();
    await closed;
  });
});
