// Keyset cursors of paged lists: the last row's sort value and id, as base64url JSON. Only what
// encodeCursor wrote decodes: a forged or garbled cursor is a 400, never a database error.
import { RuntimeError } from '../runtime.error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** The `[value, id]` of a cursor from encodeCursor whose value `valid` accepts; else 400 on /querystring/cursor. */
export function decodeCursor<T extends string | number>(
  cursor: string,
  valid: (value: unknown) => value is T,
): [T, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [value, id] = parsed as unknown[];
      if (valid(value) && typeof id === 'string' && UUID.test(id)) return [value, id];
    }
  } catch {
    // fall through
  }
  throw RuntimeError.invalid('/querystring/cursor', 'is not a cursor from a previous page');
}
