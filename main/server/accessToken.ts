import { randomBytes, timingSafeEqual } from 'node:crypto';

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

/** Where a request goes once the token in its path is checked. */
export type TokenRoute =
  | { kind: 'denied' }
  /** `/<token>` without the slash: relative asset URLs need the folder form. */
  | { kind: 'redirect'; location: string }
  /** The rest of the path below `/<token>`, starting with `/`. */
  | { kind: 'app'; rest: string };

/**
 * Browser mode serves everything below `/<token>/`: the page, its assets and workers
 * (all loaded by relative URLs) and the WebSocket. The token never sits in a cookie:
 * cookies are not scoped to a port (RFC 6265 §8.5), so a cookie for 127.0.0.1 would be
 * sent to every other service on the machine the browser visits. A path is sent only to
 * this server, and `Referrer-Policy: no-referrer` keeps it out of requests elsewhere.
 *
 * @param pathname the request's path, not decoded
 */
export function routeByToken(pathname: string, token: string): TokenRoute {
  const match = /^\/([^/]*)(\/.*)?$/.exec(pathname);
  if (!match || !tokensEqual(token, match[1])) return { kind: 'denied' };
  return match[2] === undefined ? { kind: 'redirect', location: `/${token}/` } : { kind: 'app', rest: match[2] };
}
