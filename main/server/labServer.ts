import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { ACCESS_TOKEN_PARAM, WS_API_PATH, type WireEventMessage } from '../../common/api/wire';
import type { LabEvent } from '../../common/api/events';
import { ACCESS_TOKEN_COOKIE, createAccessToken, hasTokenInQuery, requestToken, tokensEqual } from './accessToken';
import { sendStaticFile, sendText } from './staticFiles';
import { answerWireMessage, MAX_WIRE_MESSAGE_BYTES } from './wireDispatch';
import type { LabEndpoint } from '../../common/api/labEndpoint';
import { hostRefusal, servedHostNames } from './hostCheck';

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
}

/** A running browser-mode server. */
export interface LabServer {
  /** The URL to open, token included: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  /** `http://host:port` without the token. */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** The Host names requests may carry; others get 403. */
  readonly hosts: readonly string[];
  /** How many authenticated sockets are open. */
  readonly socketCount: number;
  /** Closes every socket and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves the built renderer over HTTP and carries LabApi over a WebSocket at `/api`.
 * Every HTTP request and WebSocket upgrade must name this server in its Host header (403
 * otherwise, see hostCheck.ts) and carry the access token (query parameter, or the HttpOnly
 * cookie set on the first authenticated page load); others get 401.
 * Events from the endpoint go to every authenticated socket.
 */
export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? createAccessToken();
  const { endpoint, staticDir } = options;
  const hosts = servedHostNames(host, options.allowedHosts);
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WIRE_MESSAGE_BYTES });

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
    const refusal = upgradeRefusal(request, token);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        const text = isBinary ? '' : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
        void answerWireMessage(endpoint, text).then((answer) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(answer));
        });
      });
    });
  });

  const unsubscribe = endpoint.onEvent((event: LabEvent) => {
    const message: WireEventMessage = { kind: 'event', event };
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(text);
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
    url: `${origin}/?${ACCESS_TOKEN_PARAM}=${token}`,
    origin,
    host,
    port,
    token,
    hosts,
    get socketCount() {
      return sockets.size;
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
  if (!tokensEqual(token, requestToken(request))) {
    sendText(response, 401, `Unauthorized: open the URL with ?${ACCESS_TOKEN_PARAM}=… that \`model-lab serve\` printed.`);
    return;
  }
  if (hasTokenInQuery(request, token)) {
    // The page's own scripts, styles and workers load without the query; the cookie carries the token for them.
    response.setHeader('Set-Cookie', `${ACCESS_TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
  }
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  await sendStaticFile(staticDir, pathname, response, request.method === 'HEAD');
}

/** Why an upgrade is refused (a status line), or undefined when it may proceed. */
function upgradeRefusal(request: IncomingMessage, token: string): string | undefined {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== WS_API_PATH) return '404 Not Found';
  if (!tokensEqual(token, requestToken(request))) return '401 Unauthorized';
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
