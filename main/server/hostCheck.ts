import os from 'node:os';
import { isIP } from 'node:net';

/**
 * Browser mode answers only requests whose `Host` header names the address it serves, as
 * Jupyter does: a page on another site whose name an attacker re-points at 127.0.0.1 (DNS
 * rebinding) sends its own name as Host, so it is refused before the token is even looked
 * at. The check is independent of how the token travels.
 */

/** Bind addresses that listen on every interface. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** A host name in the form Host headers are compared in: lower case, no brackets, no trailing dot. */
export function normalizeHostName(name: string): string {
  return name.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** True for `localhost` (and `*.localhost`), 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = normalizeHostName(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

/**
 * The host names a server bound to `bindHost` answers to: the loopback names always; the
 * bind address itself; for a wildcard bind (0.0.0.0, ::) every address of this machine's
 * interfaces and its host name; and `extra` (`--allow-host`, e.g. a reverse proxy's name).
 */
export function servedHostNames(bindHost: string, extra: readonly string[] = []): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  const bind = normalizeHostName(bindHost);
  if (WILDCARD_HOSTS.has(bind)) {
    for (const addresses of Object.values(os.networkInterfaces())) {
      for (const address of addresses ?? []) names.push(normalizeHostName(address.address));
    }
    names.push(normalizeHostName(os.hostname()));
  } else {
    names.push(bind);
  }
  names.push(...extra.map(normalizeHostName));
  return [...new Set(names.filter((name) => name !== ''))];
}

/** The name part of a Host header (`name:port`, `[v6]:port`), normalised; undefined when absent or malformed. */
export function hostHeaderName(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  try {
    return normalizeHostName(new URL(`http://${header.trim()}`).hostname);
  } catch {
    return undefined;
  }
}

/**
 * Why a request's Host header is refused (the text of the 403 answer), or undefined when
 * it names an address this server serves.
 */
export function hostRefusal(header: string | undefined, served: readonly string[]): string | undefined {
  const name = hostHeaderName(header);
  if (name !== undefined && (served.includes(name) || isLoopbackHost(name))) return undefined;
  const shown = header === undefined ? 'no Host header' : `Host=${JSON.stringify(header)}`;
  const fix = name === undefined ? '' : ` If the lab is reached under that name (a reverse proxy), start it with \`model-lab serve --allow-host ${name}\`.`;
  return `Forbidden: expected a request for an address this lab serves (a defence against DNS rebinding). Received: ${shown}.${fix}`;
}
