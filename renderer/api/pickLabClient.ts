import type { LabClient } from '../../common/api/labApi';
import { WS_API_PATH } from '../../common/api/wire';
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
  location: { protocol: string; host: string; pathname: string };
}

/**
 * The desktop bridge (`window.lab`, from the preload) when present, else a WebSocket to
 * the browser-mode server that served this page, below the same `/<token>/` path.
 */
export function pickLabClient(host: LabHost = window): PickedLabClient {
  if (host.lab) return { client: createIpcClient(host.lab), transport: 'ipc' };
  return { client: createWsClient({ url: labSocketUrl(host.location) }), transport: 'websocket' };
}

/** `ws(s)://<page host>/<token>/api`: the page is served below `/<token>/`, its first path segment. */
export function labSocketUrl(location: LabHost['location']): string {
  const token = location.pathname.split('/')[1] ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/${token}${WS_API_PATH}`;
}
