// The window's only door to the lab: the LabApi client (one function per method of the
// table plus `onEvent`) and `labFiles.pathForFile`, nothing else of Node or Electron.
// Sandboxed preloads may only require 'electron'; everything else here is bundled.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { LAB_METHOD_NAMES } from '../common/api/labApi';
import { ipcChannelOf, IPC_EVENT_CHANNEL, type WireResult } from '../common/api/wire';
import type { LabEvent } from '../common/api/events';
import { deserializeError } from '../common/errors';
import { createLabFiles } from './labFiles';

const lab: Record<string, unknown> = {};
for (const method of LAB_METHOD_NAMES) {
  lab[method] = async (input: unknown): Promise<unknown> => {
    const answer = (await ipcRenderer.invoke(ipcChannelOf(method), input)) as WireResult;
    if (answer.ok) return answer.result;
    // contextBridge copies an Error without its own properties, so the rebuilt LabError is
    // sent as its plain {code, message, details}; renderer/api/ipcClient.ts makes it a LabError again.
    throw deserializeError(answer.error).toJSON();
  };
}
lab['onEvent'] = (listener: (event: LabEvent) => void): (() => void) => {
  const handler = (_event: IpcRendererEvent, event: LabEvent): void => listener(event);
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  };
};

contextBridge.exposeInMainWorld('lab', lab);
// Dropped files need their real paths, which only the preload's webUtils knows: one pure function, not a second API.
contextBridge.exposeInMainWorld('labFiles', createLabFiles(webUtils));
