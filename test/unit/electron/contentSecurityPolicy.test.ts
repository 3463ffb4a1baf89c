import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from 'electron';
import { installContentSecurityPolicy } from '../../../electron/contentSecurityPolicy';

type HeadersListener = (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;

/** The policy the shell adds to a response, captured through a fake session. */
function headerPolicy(): { headers: Record<string, string[]> | undefined } {
  let listener: HeadersListener | undefined;
  const session = { webRequest: { onHeadersReceived: (l: HeadersListener) => (listener = l) } } as unknown as Pick<Session, 'webRequest'>;
  installContentSecurityPolicy(session);
  let headers: Record<string, string[]> | undefined;
  listener?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (response) => (headers = response.responseHeaders));
  return { headers };
}

describe('installContentSecurityPolicy', () => {
  it('adds the policy and keeps the other headers', () => {
    const { headers } = headerPolicy();
    expect(headers?.['Content-Type']).toEqual(['text/html']);
    expect(headers?.['Content-Security-Policy']).toHaveLength(1);
  });

  it('is the same policy as the meta tag of renderer/index.html, with no remote origin', () => {
    const html = readFileSync(path.join(__dirname, '..', '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const policy = headerPolicy().headers?.['Content-Security-Policy']?.[0];
    expect(meta).toBeDefined();
    expect(policy).toBe(meta);
    expect(policy).not.toMatch(/https?:|\*|'unsafe-eval'/);
    expect(policy).toContain("worker-src 'self' blob:");
  });
});
