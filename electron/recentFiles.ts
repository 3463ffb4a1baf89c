import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** How many recent files the File menu lists. */
export const MAX_RECENT_FILES = 10;

/** Reads the recent list; a missing or damaged file is an empty list. */
export function loadRecentFiles(file: string): string[] {
  try {
    const parsed = z.array(z.string()).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data.slice(0, MAX_RECENT_FILES) : [];
  } catch {
    return [];
  }
}

/** Moves `opened` to the front of `list`, without duplicates, at most `MAX_RECENT_FILES`. */
export function withRecentFile(list: readonly string[], opened: string): string[] {
  return [opened, ...list.filter((entry) => entry !== opened)].slice(0, MAX_RECENT_FILES);
}

/** Writes the recent list. */
export function saveRecentFiles(file: string, list: readonly string[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(list, null, 2));
}
