import fs from 'node:fs/promises';
import type { z } from 'zod';
import { LabError } from '../../common/errors';

/** How `readJsonFile` words its errors. */
export interface JsonFileDescription {
  /** The file's name in messages (`run.json`). */
  name: string;
  /** What its content must be (`a valid run spec`). */
  content: string;
  /** The error when the file cannot be read (not there). */
  missing: () => LabError;
}

/**
 * Reads a JSON file and parses it with `schema`.
 *
 * @throws the `missing` error when the file cannot be read, LabError `IO_BAD_FORMAT`
 *   naming the file (and the first bad field) when it is not valid JSON or not `schema`.
 */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>, description: JsonFileDescription): Promise<T> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw description.missing();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LabError('IO_BAD_FORMAT', `Expected valid JSON in ${description.name}. Received: path=${JSON.stringify(file)}`, { path: file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new LabError('IO_BAD_FORMAT', `Expected ${description.content}: ${field}: ${issue?.message ?? 'invalid'}. Received: path=${JSON.stringify(file)}`, { path: file, field });
  }
  return parsed.data;
}
