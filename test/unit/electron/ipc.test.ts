import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { bindLabIpc, forwardLabEvents, type IpcMainLike } from '../../../electron/ipc';
import { LAB_METHOD_NAMES, type LabHandlers } from '../../../common/api/labApi';
import { dispatchLabMethod } from '../../../main/api/dispatch';
import { LabError } from '../../../common/errors';
import { Emitter } from '../../../common/lifecycle';
import type { LabEvent } from '../../../common/api/events';
import type { LabEndpoint } from '../../../common/api/labEndpoint';
import type { WireResult } from '../../../common/api/wire';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Records handlers the way Electron's ipcMain does (one per channel, a second one throws). */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Calls a channel as ipcRenderer.invoke would, from a frame at `url`. */
  invoke(channel: string, url: string | undefined, input: unknown): Promise<WireResult> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    const event = { senderFrame: url === undefined ? null : { url } } as unknown as IpcMainInvokeEvent;
    return listener(event, input) as Promise<WireResult>;
  }
}

const APP_URL = 'file:///opt/model-lab/dist/renderer/index.html';

function endpointWith(handlers: Partial<LabHandlers>): LabEndpoint & { events: Emitter<LabEvent> } {
  const events = new Emitter<LabEvent>();
  return {
    events,
    invoke: (method, input) => dispatchLabMethod(handlers as LabHandlers, method, input),
    onEvent: (listener) => {
      const subscription = events.event(listener);
      return () => subscription.dispose();
    },
  };
}

const ping: LabHandlers['ping'] = async ({ message }) => ({ message, receivedAt: '2026-01-01T00:00:00.000Z' });

describe('bindLabIpc', () => {
  it('registers one lab:<method> channel per method of the table and removes them on dispose', () => {
    const ipcMain = new FakeIpcMain();
    const binding = bindLabIpc(ipcMain, endpointWith({ ping }), (url) => url === APP_URL);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(LAB_METHOD_NAMES.map((m) => `lab:${m}`).sort());
    binding.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('answers a call from the app frame with the validated result', async () => {
    const ipcMain = new FakeIpcMain();
    bindLabIpc(ipcMain, endpointWith({ ping }), (url) => url === APP_URL);
    await expect(ipcMain.invoke('lab:ping', APP_URL, { message: 'hello' })).resolves.toEqual({
      ok: true,
      result: { message: 'hello', receivedAt: '2026-01-01T00:00:00.000Z' },
    });
    // Defaults of the schema fill a missing input.
    const defaulted = await ipcMain.invoke('lab:ping', APP_URL, undefined);
    expect(defaulted).toMatchObject({ ok: true, result: { message: 'ping' } });
  });

  it('refuses a frame that is not the app with API_UNAUTHORIZED, without calling the method', async () => {
    const ipcMain = new FakeIpcMain();
    let calls = 0;
    bindLabIpc(ipcMain, endpointWith({ ping: async (input) => (calls++, ping(input)) }), (url) => url === APP_URL);
    const fromElsewhere = await ipcMain.invoke('lab:ping', 'https://evil.example/', {});
    expect(fromElsewhere).toMatchObject({ ok: false, error: { code: 'API_UNAUTHORIZED' } });
    const noFrame = await ipcMain.invoke('lab:ping', undefined, {});
    expect(noFrame).toMatchObject({ ok: false, error: { code: 'API_UNAUTHORIZED' } });
    expect(calls).toBe(0);
  });

  it('turns a schema failure into API_BAD_INPUT naming the field', async () => {
    const ipcMain = new FakeIpcMain();
    bindLabIpc(ipcMain, endpointWith({ ping }), () => true);
    const answer = await ipcMain.invoke('lab:ping', APP_URL, { message: 42 });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('API_BAD_INPUT');
    expect(answer.error.details?.['issues']).toEqual([expect.objectContaining({ field: 'message' })]);
  });

  it('serialises a thrown LabError with its code and a plain Error as INTERNAL', async () => {
    const ipcMain = new FakeIpcMain();
    const handlers: Partial<LabHandlers> = {
      ping: async () => {
        throw new LabError('RUN_NOT_FOUND', 'Expected a known run. Received: runId="x"', { field: 'runId' });
      },
      getSystemInfo: async () => {
        throw new Error('boom');
      },
    };
    bindLabIpc(ipcMain, endpointWith(handlers), () => true);
    await expect(ipcMain.invoke('lab:ping', APP_URL, {})).resolves.toEqual({
      ok: false,
      error: { code: 'RUN_NOT_FOUND', message: 'Expected a known run. Received: runId="x"', details: { field: 'runId' } },
    });
    await expect(ipcMain.invoke('lab:getSystemInfo', APP_URL, {})).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});

describe('forwardLabEvents', () => {
  it('sends every event on lab:event while the window lives, and stops on dispose', () => {
    const endpoint = endpointWith({});
    const sent: Array<[string, LabEvent]> = [];
    let destroyed = false;
    const forwarding = forwardLabEvents(endpoint, { send: (channel, event) => sent.push([channel, event]), isDestroyed: () => destroyed });
    endpoint.events.fire({ type: 'menu.command', command: 'file.save' });
    destroyed = true;
    endpoint.events.fire({ type: 'log', level: 'info', message: 'lost window' });
    destroyed = false;
    forwarding.dispose();
    endpoint.events.fire({ type: 'log', level: 'info', message: 'after dispose' });
    expect(sent).toEqual([['lab:event', { type: 'menu.command', command: 'file.save' }]]);
  });
});
