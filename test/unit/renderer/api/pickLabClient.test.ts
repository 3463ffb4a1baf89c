// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { labSocketUrl, pickLabClient } from '../../../../renderer/api/pickLabClient';
import { createIpcClient } from '../../../../renderer/api/ipcClient';
import { LAB_METHOD_NAMES, type LabClient } from '../../../../common/api/labApi';
import { LabError } from '../../../../common/errors';

/** A bridge like the preload's: resolves results, rejects with the serialised error. */
function fakeBridge(): LabClient {
  const bridge: Record<string, unknown> = { onEvent: () => () => undefined };
  for (const name of LAB_METHOD_NAMES) bridge[name] = async () => Promise.reject({ code: 'RUN_NOT_FOUND', message: `no ${name}`, details: { field: 'runId' } });
  bridge['ping'] = async (input: { message?: string }) => ({ message: input.message ?? 'ping', receivedAt: 'now' });
  return bridge as unknown as LabClient;
}

describe('pickLabClient', () => {
  it('uses the desktop bridge when window.lab exists', async () => {
    const picked = pickLabClient({ lab: fakeBridge(), location: { protocol: 'file:', host: '', pathname: '/opt/model-lab/index.html' } });
    expect(picked.transport).toBe('ipc');
    await expect(picked.client.ping({ message: 'hi' })).resolves.toEqual({ message: 'hi', receivedAt: 'now' });
  });

  it('falls back to a WebSocket below the page token', () => {
    const picked = pickLabClient({ location: { protocol: 'http:', host: '127.0.0.1:8123', pathname: '/abc123/' } });
    expect(picked.transport).toBe('websocket');
    expect(typeof picked.client.getSystemInfo).toBe('function');
    (picked.client as unknown as { close(): void }).close();
  });

  it('builds ws:// or wss:// URLs below the token segment of the page path', () => {
    expect(labSocketUrl({ protocol: 'http:', host: '127.0.0.1:8123', pathname: '/0a1b2c/' })).toBe('ws://127.0.0.1:8123/0a1b2c/api');
    expect(labSocketUrl({ protocol: 'http:', host: '127.0.0.1:8123', pathname: '/0a1b2c/index.html' })).toBe('ws://127.0.0.1:8123/0a1b2c/api');
    expect(labSocketUrl({ protocol: 'https:', host: 'lab.local', pathname: '/0a1b2c/' })).toBe('wss://lab.local/0a1b2c/api');
  });
});

describe('createIpcClient', () => {
  it('rebuilds LabError with its code from the serialised rejection', async () => {
    const client = createIpcClient(fakeBridge());
    const error = await client.getSystemInfo({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('RUN_NOT_FOUND');
    expect((error as LabError).details).toEqual({ field: 'runId' });
  });
});
