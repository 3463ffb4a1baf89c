import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { IpcRendererEvent } from 'electron';
import type { LabEvent } from '../../../common/api/events';
import { LAB_METHOD_NAMES } from '../../../common/api/labApi';
import type { WireResult } from '../../../common/api/wire';
import { LabError } from '../../../common/errors';
import { createLabBridge, type IpcRendererLike } from '../../../electron/labBridge';

/** An ipcRenderer whose invoke answers from `answer` and whose events come from `emit`. */
function fakeIpcRenderer(answer: (channel: string, input: unknown) => WireResult) {
  const events = new EventEmitter();
  const calls: [string, unknown][] = [];
  const ipc: IpcRendererLike = {
    invoke: async (channel, input) => {
      calls.push([channel, input]);
      return answer(channel, input);
    },
    on: (channel, listener) => events.on(channel, listener),
    removeListener: (channel, listener) => events.removeListener(channel, listener),
  };
  return { ipc, calls, emit: (event: LabEvent) => events.emit('lab:event', {} as IpcRendererEvent, event), listeners: () => events.listenerCount('lab:event') };
}

describe('createLabBridge', () => {
  it('exposes every method of the table, each on its own channel, and resolves with the result', async () => {
    const fake = fakeIpcRenderer(() => ({ ok: true, result: { message: 'pong', receivedAt: 'now' } }));
    const bridge = createLabBridge(fake.ipc) as unknown as Record<string, unknown>;
    for (const method of LAB_METHOD_NAMES) expect(typeof bridge[method], method).toBe('function');
    await expect((bridge['ping'] as (input: unknown) => Promise<unknown>)({ message: 'x' })).resolves.toEqual({ message: 'pong', receivedAt: 'now' });
    expect(fake.calls).toEqual([['lab:ping', { message: 'x' }]]);
  });

  it('rejects with the plain {code, message, details} contextBridge can carry, not an Error', async () => {
    const fake = fakeIpcRenderer(() => ({ ok: false, error: new LabError('API_BAD_INPUT', 'Invalid input for ping: message', { field: 'message' }).toJSON() }));
    const rejection = await createLabBridge(fake.ipc).ping({ message: 'x' }).catch((error: unknown) => error);
    expect(rejection).not.toBeInstanceOf(Error);
    expect(rejection).toMatchObject({ code: 'API_BAD_INPUT', message: 'Invalid input for ping: message', details: { field: 'message' } });
  });

  it('delivers lab events until unsubscribed', () => {
    const fake = fakeIpcRenderer(() => ({ ok: true, result: null }));
    const seen: LabEvent[] = [];
    const unsubscribe = createLabBridge(fake.ipc).onEvent((event) => seen.push(event));
    fake.emit({ type: 'log', level: 'info', message: 'one' });
    unsubscribe();
    fake.emit({ type: 'log', level: 'info', message: 'two' });
    expect(seen).toEqual([{ type: 'log', level: 'info', message: 'one' }]);
    expect(fake.listeners()).toBe(0);
  });
});
