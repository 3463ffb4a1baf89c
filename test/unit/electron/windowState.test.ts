import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, saveWindowState } from '../../../electron/windowState';

const dir = mkdtempSync(path.join(os.tmpdir(), 'window-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('window state file', () => {
  it('round-trips position, size and maximized', () => {
    const file = path.join(dir, 'nested', 'state.json');
    saveWindowState(file, { x: 10, y: 20, width: 1200, height: 800, maximized: true });
    expect(loadWindowState(file)).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
  });
  it('falls back to the default for a missing or damaged file', () => {
    expect(loadWindowState(path.join(dir, 'missing.json'))).toEqual(DEFAULT_WINDOW_STATE);
    const damaged = path.join(dir, 'damaged.json');
    writeFileSync(damaged, '{"width": "wide"');
    expect(loadWindowState(damaged)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(damaged, '{"width": 10, "height": 10}');
    expect(loadWindowState(damaged)).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('fitToDisplays', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const monitor = { x: 1440, y: 0, width: 2560, height: 1440 };
  it('keeps a position that is visible on a display', () => {
    expect(fitToDisplays({ x: 1500, y: 40, width: 2000, height: 1200, maximized: false }, [laptop, monitor])).toEqual({ x: 1500, y: 40, width: 2000, height: 1200, maximized: false });
  });
  it('drops the position of an unplugged monitor and clamps the size', () => {
    expect(fitToDisplays({ x: 1500, y: 40, width: 2000, height: 1200, maximized: true }, [laptop])).toEqual({ width: 1440, height: 900, maximized: true });
  });
});
