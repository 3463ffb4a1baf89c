import type { LabClient } from '../../common/api/labApi';
import { ACCESS_TOKEN_PARAM, WS_API_PATH } from '../../common/api/wire';
import { createIpcClient } from './ipcClient';
import { createWsClient } from './wsClient';

/** Which transport carries LabApi for this page. */
export type LabTransport = 'ipc' | 'websocket';

/** The chosen client and its transport. */
export interface PickedLabClient {
  client: LabClient;
  transport: LabTransport;
}

/** The parts of `window` the choice reads (tests pass a plain object). */
export interface LabHost {
  lab?: LabClient | undefined;
  location: { protocol: string; host: string; search: string };
}

/**
 * The desktop bridge (`window.lab`, from the preload) when present, else a WebSocket to
 * the browser-mode server that served this page, authenticated with the `token` of the
 * page URL.
 */
export function pickLabClient(host: LabHost = window): PickedLabClient {
  if (host.lab) return { client: createIpcClient(host.lab), transport: 'ipc' };
  return { client: createWsClient({ url: labSocketUrl(host.location) }), transport: 'websocket' };
}

/** `ws(s)://<page host>/api?token=<page token>`. */
export function labSocketUrl(location: LabHost['location']): string {
  const token = new URLSearchParams(location.search).get(ACCESS_TOKEN_PARAM) ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_API_PATH}?${ACCESS_TOKEN_PARAM}=${encodeURIComponent(token)}`;
}
