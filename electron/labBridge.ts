import type { IpcRendererEvent } from 'electron';
import { clientFromCall } from '../common/api/clientFromCall';
import type { LabEvent } from '../common/api/events';
import type { LabClient } from '../common/api/labApi';
import { ipcChannelOf, IPC_EVENT_CHANNEL, type WireResult } from '../common/api/wire';
import { deserializeError } from '../common/errors';

/** The part of Electron's `ipcRenderer` the bridge uses; tests pass one wired to the main side's handlers. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

/**
 * Builds `window.lab`: one function per method of the table, each invoking its channel
 * (`lab:<method>`) and unwrapping the `WireResult`, plus `onEvent` on `lab:event`.
 * contextBridge copies an Error without its own properties, so a failed call rejects with
 * the LabError's plain `{code, message, details}`; renderer/api/ipcClient.ts makes it a
 * LabError again.
 */
export function createLabBridge(ipcRenderer: IpcRendererLike): LabClient {
  return clientFromCall(
    async (method, input) => {
      const answer = (await ipcRenderer.invoke(ipcChannelOf(method), input)) as WireResult;
      if (answer.ok) return answer.result;
      throw deserializeError(answer.error).toJSON();
    },
    (listener) => {
      const handler = (_event: IpcRendererEvent, event: unknown): void => listener(event as LabEvent);
      ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
      return () => {
        ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
      };
    },
  );
}
