import type { Session } from 'electron';

/**
 * Sends the app's Content-Security-Policy as a response header for everything the window
 * loads over HTTP (the Vite dev server in development). The built app loads from
 * file://, which has no headers: there the same policy comes from the meta tag in
 * renderer/index.html (a unit test keeps the two identical). The literal stays inline
 * so electronegativity can evaluate it.
 */
export function installContentSecurityPolicy(session: Pick<Session, 'webRequest'>): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
        ],
      },
    });
  });
}
