import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Where and how big the window was when it last closed. */
export const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400),
  height: z.number().int().min(300),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** A display's usable area. */
export interface WorkArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** First launch: a comfortable size, centred by the OS. */
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };

/** Reads the saved state; a missing or damaged file gives the default (never an error at startup). */
export function loadWindowState(file: string): WindowState {
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : { ...DEFAULT_WINDOW_STATE };
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

/** Writes the state atomically (temp file + rename), so a crash mid-write cannot damage it. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify(state, null, 2));
  renameSync(temp, file);
}

/**
 * Keeps a saved position only when the window would still be visible on one of the
 * current displays (a monitor may have been unplugged); otherwise the OS places it.
 * The size is clamped to the largest display.
 */
export function fitToDisplays(state: WindowState, displays: WorkArea[]): WindowState {
  if (displays.length === 0) return state;
  const maxWidth = Math.max(...displays.map((d) => d.width));
  const maxHeight = Math.max(...displays.map((d) => d.height));
  const width = Math.min(state.width, maxWidth);
  const height = Math.min(state.height, maxHeight);
  const fitted: WindowState = { width, height, maximized: state.maximized };
  if (state.x === undefined || state.y === undefined) return fitted;
  const { x, y } = state;
  // Visible means the title bar's top-left 100×50 lies inside a display, so it can be grabbed.
  const visible = displays.some((d) => x >= d.x && y >= d.y && x + 100 <= d.x + d.width && y + 50 <= d.y + d.height);
  return visible ? { ...fitted, x, y } : fitted;
}
