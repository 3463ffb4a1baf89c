import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { IpcMainInvokeEvent } from 'electron';
import { LAB_METHOD_NAMES } from '../../../common/api/labApi';
import { createLabService, type LabService } from '../../../main/api/labService';
import { startLabServer, type LabServer } from '../../../main/server/labServer';
import { bindLabIpc, type IpcMainLike } from '../../../electron/ipc';
import { createLabBridge } from '../../../electron/labBridge';
import { createWsClient } from '../../../renderer/api/wsClient';
import { createIpcClient } from '../../../renderer/api/ipcClient';
import type { LabClient } from '../../../common/api/labApi';
import { LabError } from '../../../common/errors';

// The real LabService behind both transports, driven by the one method table: every
// method must refuse a payload that is not its input object with API_BAD_INPUT (never an
// internal error), and a round trip must return the same result over IPC and WebSocket.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'method-table-'));
let service: LabService;
let server: LabServer;
let wsClient: LabClient & { close(): void };
let ipcClient: LabClient;

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

beforeAll(async () => {
  service = await createLabService({ dataDir, allowedRoots: [dataDir] });
  server = await startLabServer({ endpoint: service, staticDir: dataDir });
  wsClient = createWsClient({ url: server.socketUrl, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => handlers.set(channel, listener), removeHandler: (channel) => handlers.delete(channel) };
  bindLabIpc(ipcMain, service, () => true);
  // The preload's own bridge, its ipcRenderer.invoke reaching the handlers bound above from the app's page.
  const bridge = createLabBridge({
    invoke: async (channel, ...args) => handlers.get(channel)?.({ senderFrame: { url: 'file:///app/index.html' } } as unknown as IpcMainInvokeEvent, ...args),
    on: () => undefined,
    removeListener: () => undefined,
  });
  ipcClient = createIpcClient(bridge);
});

afterAll(async () => {
  wsClient.close();
  await server.close();
  service.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'resolved';
  } catch (error) {
    return error instanceof LabError ? error.code : `not a LabError: ${String(error)}`;
  }
}

describe('every LabApi method over both transports', () => {
  it.each(LAB_METHOD_NAMES.map((name) => [name]))('%s refuses a non-object payload with API_BAD_INPUT', async (method) => {
    const viaWs = (wsClient as unknown as Record<string, (input: unknown) => Promise<unknown>>)[method]!;
    const viaIpc = (ipcClient as unknown as Record<string, (input: unknown) => Promise<unknown>>)[method]!;
    expect(await codeOf(viaWs('not an input object'))).toBe('API_BAD_INPUT');
    expect(await codeOf(viaIpc(['not', 'an', 'input']))).toBe('API_BAD_INPUT');
  });

  it('answers ping and getSystemInfo the same way over IPC and WebSocket', async () => {
    expect((await wsClient.ping({ message: 'ws' })).message).toBe('ws');
    expect((await ipcClient.ping({ message: 'ipc' })).message).toBe('ipc');
    const [overWs, overIpc] = await Promise.all([wsClient.getSystemInfo({}), ipcClient.getSystemInfo({})]);
    expect(overWs).toEqual(overIpc);
  });
});
