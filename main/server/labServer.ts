import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { WS_API_PATH, type WireEventMessage } from '../../common/api/wire';
import type { LabEvent } from '../../common/api/events';
import { createAccessToken, routeByToken } from './accessToken';
import { sendStaticFile, sendText } from './staticFiles';
import { answerWireMessage, MAX_WIRE_MESSAGE_BYTES, refuseWireMessage } from './wireDispatch';
import { LabError } from '../../common/errors';
import type { LabEndpoint } from '../../common/api/labEndpoint';
import { hostRefusal, servedHostNames } from './hostCheck';

/** What one browser-mode server holds for its clients at most. */
export interface WireLimits {
  /** Largest message; a larger one is answered with `API_LIMIT_EXCEEDED` and the socket closes (1009). */
  messageBytes: number;
  /** Open sockets per client address; more are refused with 429. */
  socketsPerClient: number;
  /** Bytes of requests received and not yet answered, over all sockets; a request past it is refused. */
  pendingBytes: number;
  /** Bytes queued for a socket whose client is not reading; past it the socket is closed (1008). */
  bufferedBytesPerSocket: number;
}

/** The limits browser mode runs with. */
export const DEFAULT_WIRE_LIMITS: Readonly<WireLimits> = {
  messageBytes: MAX_WIRE_MESSAGE_BYTES,
  // A page keeps one socket; reconnects and a few tabs stay well under this.
  socketsPerClient: 16,
  // Four requests of the largest size in flight at once.
  pendingBytes: 4 * MAX_WIRE_MESSAGE_BYTES,
  bufferedBytesPerSocket: 2 * MAX_WIRE_MESSAGE_BYTES,
};

/** How browser mode starts. */
export interface LabServerOptions {
  /** The LabApi implementation the sockets talk to. */
  endpoint: LabEndpoint;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Interface to bind; loopback unless the user asks otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /** Host names answered besides the served address and loopback (`--allow-host`). */
  allowedHosts?: readonly string[];
  /** Limits other than `DEFAULT_WIRE_LIMITS` (tests use small ones). */
  limits?: Partial<WireLimits> | undefined;
}

/** A running browser-mode server. */
export interface LabServer {
  /** The URL to open, token included: `http://127.0.0.1:PORT/<token>/`. */
  readonly url: string;
  /** The LabApi WebSocket: `ws://127.0.0.1:PORT/<token>/api`. */
  readonly socketUrl: string;
  /** `http://host:port` without the token. */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** The Host names requests may carry; others get 403. */
  readonly hosts: readonly string[];
  /** How many authenticated sockets are open. */
  readonly socketCount: number;
  /** Bytes of requests received and not yet answered. */
  readonly pendingBytes: number;
  /** Closes every socket and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves the built renderer over HTTP below `/<token>/` and carries LabApi over a
 * WebSocket at `/<token>/api` (see `routeByToken`); any other path gets 401. Every HTTP
 * request and WebSocket upgrade must also name this server in its Host header (403
 * otherwise, see hostCheck.ts). Events from the endpoint go to every authenticated socket.
 */
export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? createAccessToken();
  const limits: WireLimits = { ...DEFAULT_WIRE_LIMITS, ...options.limits };
  const { endpoint, staticDir } = options;
  const hosts = servedHostNames(host, options.allowedHosts);
  const sockets = new Set<WebSocket>();
  const socketsByClient = new Map<string, number>();
  let pendingBytes = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.messageBytes, WebSocket: socketClassFor(limits.messageBytes) });

  /** Sends `text`, unless the client has stopped reading and its queue passed the limit: then the socket is closed. */
  const sendTo = (ws: WebSocket, text: string): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount + Buffer.byteLength(text) > limits.bufferedBytesPerSocket) {
      ws.close(1008, 'The client is not reading its messages.');
      // A client that does not read does not read the close frame either.
      setTimeout(() => ws.terminate(), 1000).unref();
      return;
    }
    ws.send(text);
  };

  const server = http.createServer((request, response) => {
    const hostProblem = hostRefusal(request.headers.host, hosts);
    if (hostProblem !== undefined) {
      sendText(response, 403, hostProblem);
      return;
    }
    handleHttp(request, response, token, staticDir).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `Internal error: ${(error as Error).message}`);
      else response.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const hostProblem = hostRefusal(request.headers.host, hosts);
    if (hostProblem !== undefined) {
      const body = Buffer.from(hostProblem, 'utf8');
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${hostProblem}`);
      return;
    }
    const client = request.socket.remoteAddress ?? '';
    const refusal = upgradeRefusal(request, token) ?? ((socketsByClient.get(client) ?? 0) >= limits.socketsPerClient ? '429 Too Many Requests' : undefined);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      socketsByClient.set(client, (socketsByClient.get(client) ?? 0) + 1);
      ws.on('close', () => {
        sockets.delete(ws);
        const left = (socketsByClient.get(client) ?? 1) - 1;
        if (left > 0) socketsByClient.set(client, left);
        else socketsByClient.delete(client);
      });
      // An oversized message closes the socket (see socketClassFor); anything else wrong with the stream ends it.
      ws.on('error', (error: Error & { code?: string }) => {
        if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') ws.terminate();
      });
      ws.on('message', (data, isBinary) => {
        const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
        const text = isBinary ? '' : bytes.toString('utf8');
        if (pendingBytes + bytes.length > limits.pendingBytes) {
          const error = new LabError('API_LIMIT_EXCEEDED', `Expected at most ${limits.pendingBytes} bytes of requests waiting for an answer; wait for the ones in flight. Received: bytes=${bytes.length}`, { limit: 'pendingBytes', maxBytes: limits.pendingBytes, received: bytes.length });
          sendTo(ws, JSON.stringify(refuseWireMessage(text, error)));
          return;
        }
        pendingBytes += bytes.length;
        void answerWireMessage(endpoint, text).then((answer) => {
          pendingBytes -= bytes.length;
          sendTo(ws, JSON.stringify(answer));
        });
      });
    });
  });

  const unsubscribe = endpoint.onEvent((event: LabEvent) => {
    const message: WireEventMessage = { kind: 'event', event };
    const text = JSON.stringify(message);
    for (const ws of sockets) sendTo(ws, text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/${token}/`,
    socketUrl: `${origin.replace(/^http/, 'ws')}/${token}${WS_API_PATH}`,
    origin,
    host,
    port,
    token,
    hosts,
    get socketCount() {
      return sockets.size;
    },
    get pendingBytes() {
      return pendingBytes;
    },
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handleHttp(request: IncomingMessage, response: ServerResponse, token: string, staticDir: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendText(response, 405, 'Only GET and HEAD are served; LabApi calls go over the WebSocket.', { Allow: 'GET, HEAD' });
    return;
  }
  const route = routeByToken(new URL(request.url ?? '/', 'http://localhost').pathname, token);
  if (route.kind === 'denied') {
    sendText(response, 401, 'Unauthorized: open the URL `model-lab serve` printed; the access token is part of its path.');
    return;
  }
  if (route.kind === 'redirect') {
    sendText(response, 301, 'Moved.', { Location: route.location });
    return;
  }
  await sendStaticFile(staticDir, route.rest, response, request.method === 'HEAD');
}

/** Why an upgrade is refused (a status line), or undefined when it may proceed. */
function upgradeRefusal(request: IncomingMessage, token: string): string | undefined {
  const route = routeByToken(new URL(request.url ?? '/', 'http://localhost').pathname, token);
  if (route.kind === 'denied') return '401 Unauthorized';
  if (route.kind !== 'app' || route.rest !== WS_API_PATH) return '404 Not Found';
  // Another site's page must not reach the API even if it learned the token: the origin must be this server.
  const originHeader = request.headers.origin;
  if (originHeader !== undefined) {
    let originHost: string;
    try {
      originHost = new URL(originHeader).host;
    } catch {
      return '403 Forbidden';
    }
    if (originHost !== request.headers.host) return '403 Forbidden';
  }
  return undefined;
}

/**
 * The socket class of a server whose messages may not pass `maxBytes`. ws closes a socket
 * whose message is larger (1009) without a word; this class first sends the named error,
 * so the client learns why. ws calls `close` itself when the message's length is read,
 * before buffering it, so the message never reaches memory.
 */
function socketClassFor(maxBytes: number): typeof WebSocket {
  const tooLarge = JSON.stringify(refuseWireMessage(null, new LabError('API_LIMIT_EXCEEDED', `Expected a message of at most ${maxBytes} bytes; the connection closes. Received: a larger message`, { limit: 'messageBytes', maxBytes })));
  return class LimitedSocket extends WebSocket {
    override close(code?: number, reason?: string | Buffer): void {
      if (code === 1009 && this.readyState === WebSocket.OPEN) {
        this.send(tooLarge, () => super.close(1009, 'Message too large.'));
        return;
      }
      super.close(code, reason);
    }
  };
}
