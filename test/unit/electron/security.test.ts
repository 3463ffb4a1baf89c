import { describe, expect, it } from 'vitest';
import type { WebContents } from 'electron';
import { droppedFilePath, hardenWebContents, isSafeExternalUrl, isTrustedAppUrl } from '../../../electron/security';

const trusted = { rendererFileUrl: 'file:///opt/model-lab/dist/renderer/', devServerOrigin: 'http://127.0.0.1:5173' };

describe('isSafeExternalUrl', () => {
  it.each([
    ['https://keras.io/api/', true],
    ['mailto:team@example.org', true],
    ['http://example.org/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['smb://host/share', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isSafeExternalUrl(url)).toBe(expected);
  });
});

describe('isTrustedAppUrl', () => {
  it.each([
    ['file:///opt/model-lab/dist/renderer/index.html', true],
    ['file:///opt/model-lab/dist/renderer/index.html#/train', true],
    ['file:///opt/model-lab/dist/renderer/../../secret.html', false],
    ['file:///home/user/evil.html', false],
    ['http://127.0.0.1:5173/', true],
    ['http://127.0.0.1:5174/', false],
    ['https://evil.example/', false],
    [undefined, false],
  ])('%s -> %s', (url, expected) => {
    expect(isTrustedAppUrl(url, trusted)).toBe(expected);
  });

  it('trusts no http origin when there is no dev server', () => {
    expect(isTrustedAppUrl('http://127.0.0.1:5173/', { rendererFileUrl: trusted.rendererFileUrl })).toBe(false);
  });
});

describe('droppedFilePath', () => {
  it('turns a file:// navigation outside the app into the dropped path', () => {
    expect(droppedFilePath('file:///home/user/My%20Project.modellab', trusted)).toBe('/home/user/My Project.modellab');
    expect(droppedFilePath('file:///C:/Users/me/model.h5', trusted)).toBe('C:/Users/me/model.h5');
  });
  it('ignores the app itself and non-file URLs', () => {
    expect(droppedFilePath('file:///opt/model-lab/dist/renderer/index.html', trusted)).toBeUndefined();
    expect(droppedFilePath('https://example.org/model.h5', trusted)).toBeUndefined();
  });
});

describe('malformed percent-encoding', () => {
  const malformed = 'file:///opt/model-lab/dist/renderer/%E0%A4%A.html';

  it('is not trusted and does not throw', () => {
    expect(() => isTrustedAppUrl(malformed, trusted)).not.toThrow();
    expect(isTrustedAppUrl(malformed, trusted)).toBe(false);
  });

  it('is not taken for a dropped file', () => {
    expect(droppedFilePath('file:///home/user/%E0%A4%A.h5', trusted)).toBeUndefined();
  });

  it('is stopped by the navigation handler before anything else runs', () => {
    type Listener = (event: { preventDefault(): void }, url: string) => void;
    const listeners = new Map<string, Listener>();
    const contents = {
      setWindowOpenHandler: () => undefined,
      on: (name: string, listener: Listener) => listeners.set(name, listener),
      getURL: () => 'file:///opt/model-lab/dist/renderer/index.html',
      session: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined },
    };
    const opened: string[] = [];
    hardenWebContents(contents as unknown as WebContents, { trusted, openInSystemBrowser: (url) => opened.push(url), openDroppedFile: (file) => opened.push(file) });
    for (const name of ['will-navigate', 'will-redirect']) {
      let prevented = false;
      expect(() => listeners.get(name)?.({ preventDefault: () => { prevented = true; } }, malformed)).not.toThrow();
      expect(prevented).toBe(true);
    }
    expect(opened).toEqual([]);
  });
});
