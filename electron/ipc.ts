import type { IpcMainInvokeEvent } from 'electron';
import { LAB_METHOD_NAMES } from '../common/api/labApi';
import { ipcChannelOf, IPC_EVENT_CHANNEL, type WireResult } from '../common/api/wire';
import type { LabEvent } from '../common/api/events';
import { LabError, serializeError } from '../common/errors';
import { toDisposable, type IDisposable } from '../common/lifecycle';
import type { LabEndpoint } from '../common/api/labEndpoint';

/** The part of Electron's `ipcMain` the binding uses; tests inject a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The part of an invoke event the origin check reads. */
type SenderInfo = Pick<IpcMainInvokeEvent, 'senderFrame'>;

/**
 * Binds every LabApi method to `ipcMain.handle` on its own channel (`lab:<method>`).
 * Each call is refused unless the sending frame is the app's page (`isTrustedSender`);
 * input is validated by the endpoint (`LabService.invoke` parses it with the method's
 * schema); anything thrown comes back as `{ ok: false, error }` so the renderer can
 * rebuild the `LabError` with its code.
 *
 * @returns a disposable that removes every handler.
 */
export function bindLabIpc(ipcMain: IpcMainLike, endpoint: LabEndpoint, isTrustedSender: (url: string | undefined) => boolean): IDisposable {
  for (const method of LAB_METHOD_NAMES) {
    ipcMain.handle(ipcChannelOf(method), (event, input) => answerIpcCall(endpoint, isTrustedSender, event, method, input));
  }
  return toDisposable(() => {
    for (const method of LAB_METHOD_NAMES) ipcMain.removeHandler(ipcChannelOf(method));
  });
}

/** Runs one call after the origin check and returns its result in wire form; never throws. */
export async function answerIpcCall(
  endpoint: LabEndpoint,
  isTrustedSender: (url: string | undefined) => boolean,
  event: SenderInfo,
  method: string,
  input: unknown,
): Promise<WireResult> {
  const senderUrl = event.senderFrame?.url;
  if (!isTrustedSender(senderUrl)) {
    const error = new LabError('API_UNAUTHORIZED', `Expected the call to come from the Model Lab window. Received: senderUrl=${JSON.stringify(senderUrl ?? null)}`);
    return { ok: false, error: error.toJSON() };
  }
  try {
    return { ok: true, result: await endpoint.invoke(method, input) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}

/** Where events go: the window's web contents (or a fake in tests). */
export interface EventSink {
  send(channel: string, event: LabEvent): void;
  isDestroyed(): boolean;
}

/**
 * Forwards every lab event to the window on `lab:event` until disposed or the window is
 * gone.
 */
export function forwardLabEvents(endpoint: LabEndpoint, sink: EventSink): IDisposable {
  const unsubscribe = endpoint.onEvent((event) => {
    if (!sink.isDestroyed()) sink.send(IPC_EVENT_CHANNEL, event);
  });
  return toDisposable(unsubscribe);
}
