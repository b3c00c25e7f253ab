// The query of lists read a page at a time by one unique key: pools, policies, versions, departments.
import type { KeyPageQuery } from '../api.types.js';
import { decodeKeyCursor } from '../services/keyset-cursor.js';

/** Rows such a page holds by default and at most (schemas: keyPageQuery). */
export const KEY_PAGE_MAX = 1000;

/** The page a query asks for: its length, and the key it starts after (from its cursor). */
export function keyPageQuery<K extends string | number>(
  query: KeyPageQuery,
  valid: (value: unknown) => value is K,
): { limit: number; after: K | undefined } {
  return {
    limit: query.limit ?? KEY_PAGE_MAX,
    after: query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor, valid),
  };
}
