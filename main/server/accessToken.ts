import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ACCESS_TOKEN_PARAM } from '../../common/api/wire';

/** Cookie that remembers the token after the first page load, so scripts and workers load without it in their URLs. */
export const ACCESS_TOKEN_COOKIE = 'model_lab_token';

/** A fresh random token (192 bits, hex), as Jupyter prints in its URL. */
export function createAccessToken(): string {
  return randomBytes(24).toString('hex');
}

/** Constant-time comparison, so the token cannot be guessed from response times. */
export function tokensEqual(expected: string, candidate: string | undefined | null): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(candidate);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: the `token` query parameter, else the cookie. */
export function requestToken(request: IncomingMessage): string | undefined {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const fromQuery = url.searchParams.get(ACCESS_TOKEN_PARAM);
  if (fromQuery !== null) return fromQuery;
  return cookieValue(request.headers.cookie, ACCESS_TOKEN_COOKIE);
}

/** True when the request's `token` query parameter (not the cookie) holds the token. */
export function hasTokenInQuery(request: IncomingMessage, token: string): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  return tokensEqual(token, url.searchParams.get(ACCESS_TOKEN_PARAM));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
