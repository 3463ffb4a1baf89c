import type { WebContents } from 'electron';

/** Schemes the system browser may open from a link in the app. */
const EXTERNAL_SCHEMES = new Set(['https:', 'mailto:']);

/** True for `https:` and `mailto:` URLs, the only links handed to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return EXTERNAL_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** `decodeURIComponent`, or undefined for malformed percent-encoding (`%E0%A4%A`), which it would throw on. */
function decodedPathname(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

/** Where the app's own page may come from: the built files, or the Vite dev server in development. */
export interface TrustedOrigins {
  /** `file://…/dist/renderer/` (with trailing slash). */
  rendererFileUrl: string;
  /** `http://localhost:5173` when running against the dev server. */
  devServerOrigin?: string | undefined;
}

/**
 * True when `url` is a page of this app: a file under the built renderer folder, or the
 * dev server's origin. IPC from any other frame (an injected iframe, a navigated page) is
 * refused.
 */
export function isTrustedAppUrl(url: string | undefined, trusted: TrustedOrigins): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    const base = new URL(trusted.rendererFileUrl);
    // A URL that does not decode is not one of the app's own pages; throwing here would skip the caller's preventDefault.
    const decoded = decodedPathname(parsed.pathname);
    return decoded !== undefined && parsed.pathname.startsWith(base.pathname) && !decoded.includes('/../');
  }
  return trusted.devServerOrigin !== undefined && parsed.origin === new URL(trusted.devServerOrigin).origin;
}

/** What the window hardening needs from the outside world. */
export interface HardeningHooks {
  trusted: TrustedOrigins;
  /** Opens a checked URL in the system browser (`shell.openExternal`). */
  openInSystemBrowser(url: string): void;
  /** A file dropped onto the window (Chromium turns the drop into a file:// navigation, which is stopped here). */
  openDroppedFile(filePath: string): void;
}

/**
 * Locks a window's web contents down: no new windows (links open in the system browser
 * after the scheme check), no navigation away from the app, no webviews, every
 * permission request denied.
 */
export function hardenWebContents(contents: WebContents, hooks: HardeningHooks): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) hooks.openInSystemBrowser(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isTrustedAppUrl(url, hooks.trusted) && url.split('#')[0] === contents.getURL().split('#')[0]) return;
    event.preventDefault();
    const dropped = droppedFilePath(url, hooks.trusted);
    if (dropped) hooks.openDroppedFile(dropped);
    else if (isSafeExternalUrl(url)) hooks.openInSystemBrowser(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedAppUrl(url, hooks.trusted)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

/** The local path of a `file://` URL outside the app folder (a dropped file), else undefined. */
export function droppedFilePath(url: string, trusted: TrustedOrigins): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'file:' || isTrustedAppUrl(url, trusted)) return undefined;
  const pathname = decodedPathname(parsed.pathname);
  if (pathname === undefined) return undefined;
  // file:///C:/x on Windows has a leading slash before the drive letter.
  return /^\/[A-Za-z]:\//.test(pathname) ? pathname.slice(1) : pathname;
}
