import WebSocket from 'ws';
import type { WireResponse, WireServerMessage } from '../../../common/api/wire';

/** Opens a socket; resolves with it, or rejects with the HTTP status of a refused upgrade. */
export function openSocket(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => reject(new Error(`status ${response.statusCode}`)));
    ws.once('error', reject);
  });
}

/** The next response message on `ws` (events are passed over). */
export function nextResponse(ws: WebSocket): Promise<WireResponse> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(String(data)) as WireServerMessage;
      if (message.kind !== 'response') return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
  });
}
