import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLabServer } from '../../../main/server/labServer';
import type { LabEndpoint } from '../../../common/api/labEndpoint';
import { createWsClient } from '../../../renderer/api/wsClient';
import { LabError } from '../../../common/errors';

const staticDir = mkdtempSync(path.join(os.tmpdir(), 'ws-reconnect-'));
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

/** Answers ping at once, and `getSystemInfo` never (a call left in flight). */
const endpoint: LabEndpoint = {
  invoke: async (method, input) => {
    if (method === 'ping') return { message: (input as { message: string }).message, receivedAt: 'now' };
    return new Promise(() => undefined);
  },
  onEvent: () => () => undefined,
};

describe('createWsClient', () => {
  it('fails calls in flight with API_TRANSPORT when the server goes away, and reconnects for the next call', async () => {
    const token = 'a'.repeat(48);
    const first = await startLabServer({ endpoint, staticDir, token });
    const client = createWsClient({ url: first.socketUrl, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
    try {
      expect((await client.ping({ message: 'one' })).message).toBe('one');
      const inFlight = client.getSystemInfo({}).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await first.close();
      const error = await inFlight;
      expect(error).toBeInstanceOf(LabError);
      expect((error as LabError).code).toBe('API_TRANSPORT');
      // No server: the next call cannot connect and says so.
      expect(await client.ping({ message: 'nobody' }).catch((e: unknown) => (e as LabError).code)).toBe('API_TRANSPORT');
      const second = await startLabServer({ endpoint, staticDir, token, port: first.port });
      try {
        expect((await client.ping({ message: 'two' })).message).toBe('two');
      } finally {
        await second.close();
      }
    } finally {
      client.close();
    }
  });
});
