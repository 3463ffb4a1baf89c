import type { LabClient } from '../../common/api/labApi';
import { labEventSchema, type LabEvent } from '../../common/api/events';
import { MAX_WIRE_MESSAGE_BYTES, type WireServerMessage } from '../../common/api/wire';
import { deserializeError, LabError } from '../../common/errors';
import { clientFromCall } from '../../common/api/clientFromCall';

/** Browser-mode client options. */
export interface WsClientOptions {
  /** `ws://host:port/<token>/api` */
  url: string;
  /** WebSocket constructor; the browser's by default (tests pass `ws`). */
  WebSocketImpl?: typeof WebSocket;
}

/** A LabClient over a WebSocket that can be closed. */
export interface WsLabClient extends LabClient {
  /** Closes the socket and rejects pending calls. */
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: LabError): void;
}

/**
 * LabApi over the browser-mode WebSocket. Connects on first use and again after the
 * socket closes; calls in flight when it closes fail with `API_TRANSPORT`, or with the
 * server's named error when it said why it closed. A call larger than the server takes
 * fails with `API_LIMIT_EXCEEDED` without being sent. Events are delivered to every
 * `onEvent` listener.
 */
export function createWsClient(options: WsClientOptions): WsLabClient {
  const SocketImpl = options.WebSocketImpl ?? WebSocket;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: LabEvent) => void>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opening: Promise<WebSocket> | undefined;
  let closedByUser = false;

  /** The last error the server sent without a request id (a message it refused before reading one), reported when it closes. */
  let serverError: LabError | undefined;

  function failPending(message: string): void {
    const error = serverError ?? new LabError('API_TRANSPORT', message);
    serverError = undefined;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  }

  function handleMessage(data: unknown): void {
    let message: WireServerMessage;
    try {
      message = JSON.parse(String(data)) as WireServerMessage;
    } catch {
      return;
    }
    if (message.kind === 'event') {
      const parsed = labEventSchema.safeParse(message.event);
      // An event this build does not know (a newer server) is passed through unvalidated rather than dropped.
      const event = parsed.success ? parsed.data : (message.event as LabEvent);
      for (const listener of [...listeners]) listener(event);
      return;
    }
    if (message.id === null && !message.ok) serverError = deserializeError(message.error);
    if (typeof message.id !== 'number') return;
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(deserializeError(message.error));
  }

  function connect(): Promise<WebSocket> {
    if (socket && socket.readyState === SocketImpl.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    if (closedByUser) return Promise.reject(new LabError('API_TRANSPORT', 'Expected an open lab connection. Received: state="closed"'));
    opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new SocketImpl(options.url);
      ws.onopen = () => {
        socket = ws;
        opening = undefined;
        resolve(ws);
      };
      ws.onmessage = (event: MessageEvent) => handleMessage(event.data);
      ws.onerror = () => undefined;
      ws.onclose = (event: CloseEvent) => {
        const wasOpen = socket === ws;
        if (wasOpen) socket = undefined;
        if (opening && !wasOpen) {
          opening = undefined;
          reject(new LabError('API_TRANSPORT', `Expected the lab server to accept the connection. Received: closeCode=${event.code}`));
        }
        failPending(`Expected the lab connection to stay open. Received: closeCode=${event.code}`);
      };
    });
    return opening;
  }

  const client = clientFromCall(
    async (method, input) => {
      const ws = await connect();
      const id = nextId++;
      const text = JSON.stringify({ id, method, input });
      // The server closes the connection on a message over the limit; refused here, the call fails alone.
      if (text.length * 3 > MAX_WIRE_MESSAGE_BYTES && new TextEncoder().encode(text).length > MAX_WIRE_MESSAGE_BYTES) {
        throw new LabError('API_LIMIT_EXCEEDED', `Expected a ${method} call of at most ${MAX_WIRE_MESSAGE_BYTES} bytes. Received: a larger call`, { limit: 'messageBytes', maxBytes: MAX_WIRE_MESSAGE_BYTES });
      }
      return new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(text);
      });
    },
    (listener) => {
      listeners.add(listener);
      // Connect so events flow even before the first call.
      connect().catch(() => undefined);
      return () => listeners.delete(listener);
    },
  ) as WsLabClient;
  client.close = () => {
    closedByUser = true;
    socket?.close();
    socket = undefined;
    failPending('Expected an open lab connection. Received: state="closed"');
  };
  return client;
}
