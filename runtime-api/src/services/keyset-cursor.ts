// Keyset cursors of paged lists: the last row's sort value and id, as base64url JSON. Only what
// encodeCursor wrote decodes: a forged or garbled cursor is a 400, never a database error.
import { RuntimeError } from '../runtime.error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (id: string): boolean => UUID.test(id);

export function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/**
 * The `[value, id]` of a cursor from encodeCursor whose value `valid` accepts and whose id `validId`
 * does (a UUID unless told); else 400 on /querystring/cursor.
 */
export function decodeCursor<T extends string | number>(
  cursor: string,
  valid: (value: unknown) => value is T,
  validId: (id: string) => boolean = isUuid,
): [T, string] {
  const parsed = parse(cursor);
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [value, id] = parsed as unknown[];
    if (valid(value) && typeof id === 'string' && validId(id)) return [value, id];
  }
  throw notACursor();
}

/** A cursor of a list ordered by one unique key (pools by key, versions by number): the last row's. */
export function encodeKeyCursor(key: string | number): string {
  return Buffer.from(JSON.stringify([key])).toString('base64url');
}

/** The key of a cursor from encodeKeyCursor that `valid` accepts; else 400 on /querystring/cursor. */
export function decodeKeyCursor<T extends string | number>(
  cursor: string,
  valid: (value: unknown) => value is T,
): T {
  const parsed = parse(cursor);
  if (Array.isArray(parsed) && parsed.length === 1 && valid(parsed[0])) return parsed[0];
  throw notACursor();
}

/** Where a page of a list ordered by one unique key starts (after `after`) and how long it is. */
export interface KeyPage<K extends string | number> {
  after?: K | undefined;
  limit: number;
}

/**
 * Rows read with `limit + 1` cut to the page, and the cursor of the next page (null on the last):
 * the extra row only says that there is one.
 */
export function keyPageOf<R>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => string | number,
): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    page,
    nextCursor: rows.length > limit && last !== undefined ? encodeKeyCursor(keyOf(last)) : null,
  };
}

/** A text key (pool, department, policy id) as a cursor may carry it. */
export const isKey = (value: unknown): value is string =>
  typeof value === 'string' && /^[a-z0-9][a-z0-9-]{0,199}$/.test(value);

function parse(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const notACursor = () =>
  RuntimeError.invalid('/querystring/cursor', 'is not a cursor from a previous page', 'bad-cursor');
