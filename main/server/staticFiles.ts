import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { isInside } from '../install/isInside';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Headers every browser-mode response carries. The page's own Content-Security-Policy
 * is a meta tag in index.html (shared with the desktop shell); `frame-ancestors` only
 * works as a header, so it is added here.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Resolves a URL path to a file below `root`, or undefined when it would leave `root`
 * (`..`, encoded slashes, NUL bytes) or cannot be decoded.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, relative);
  return isInside(path.resolve(root), full) ? full : undefined;
}

/**
 * Sends a file of the built renderer. Refuses traversal with 403 and answers 404 for a
 * missing file; only GET and HEAD reach here.
 */
export async function sendStaticFile(root: string, urlPath: string, response: ServerResponse, headOnly: boolean): Promise<void> {
  const file = resolveStaticPath(root, urlPath);
  if (!file) {
    sendText(response, 403, 'Forbidden: path outside the app folder.');
    return;
  }
  let body: Buffer;
  try {
    const real = await fs.realpath(file);
    if (!isInside(await fs.realpath(root), real)) {
      sendText(response, 403, 'Forbidden: path outside the app folder.');
      return;
    }
    body = await fs.readFile(real);
  } catch {
    sendText(response, 404, 'Not found.');
    return;
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': body.length,
    // Hashed asset names change with content; index.html must always be fresh.
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'private, max-age=3600',
  });
  response.end(headOnly ? undefined : body);
}

/** A short plain-text answer (errors, refusals). */
export function sendText(response: ServerResponse, status: number, text: string, extraHeaders: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders });
  response.end(text);
}
