import { randomBytes } from 'node:crypto';
import { LabError } from '../../common/errors';

/** A new id for something kept on disk (`run-20250101-120000-a1b2c3`): sortable by creation time, unique across processes. */
export function newStoredId(prefix: 'run' | 'grid', now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix}-${stamp}-${randomBytes(3).toString('hex')}`;
}

const STORED_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `id` is a plain file or folder name (no separators, no leading dot). */
export function isStoredId(id: string): boolean {
  return STORED_ID.test(id);
}

/**
 * Checks an id that names a file or folder, so it cannot reach outside its root.
 *
 * @throws LabError `API_BAD_INPUT` naming `field` for an id that is not a plain name.
 */
export function requireStoredId(id: string, field: 'runId' | 'gridId', what: string): string {
  if (!isStoredId(id)) throw new LabError('API_BAD_INPUT', `Expected a ${what} id of letters, digits, ".", "-" or "_". Received: ${field}=${JSON.stringify(id)}`, { field, received: id });
  return id;
}
