// A page-by-page list of a pool's records with the API's filters, plus exact filters on entity fields
// (the API searches text only): pages are read on until enough records match or none are left.
import { useCallback, useEffect, useRef, useState } from 'react';
import { listRecords, type ListQuery, type PoolRecord } from '../api/records.api.js';

const PAGE = 50;
const MAX_PAGES_PER_LOAD = 10;

export interface RecordList {
  items: PoolRecord[] | null;
  more: boolean;
  loading: boolean;
  error: string | null;
  loadMore: () => void;
  /** Drops records from the list (claimed, assigned) without reloading it. */
  remove: (ids: string[]) => void;
}

const valueText = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

export function matchesFields(record: PoolRecord, fields: Record<string, string>): boolean {
  return Object.entries(fields).every(
    ([field, value]) => value === '' || valueText(record.data[field]) === value,
  );
}

export function useRecordList(
  pool: string,
  query: Omit<ListQuery, 'cursor' | 'limit'>,
  fields: Record<string, string>,
  refresh: number,
): RecordList {
  const [items, setItems] = useState<PoolRecord[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const key = JSON.stringify([pool, query, fields, refresh]);

  const load = useCallback(
    async (from: string | null, previous: PoolRecord[]) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(null);
      const activeFields = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));
      // The text search narrows the pages when only a field filter is set; the exact match is ours.
      const q = query.q || Object.values(activeFields)[0] || undefined;
      let next = from;
      const found: PoolRecord[] = [];
      try {
        for (let page = 0; page < MAX_PAGES_PER_LOAD; page++) {
          const reply = await listRecords(pool, {
            ...query,
            ...(q ? { q } : {}),
            limit: PAGE,
            ...(next ? { cursor: next } : {}),
          });
          found.push(...reply.items.filter((r) => matchesFields(r, activeFields)));
          next = reply.nextCursor;
          if (!next || found.length >= PAGE) break;
        }
        if (mine !== generation.current) return;
        setItems([...previous, ...found]);
        setCursor(next);
      } catch (e) {
        if (mine === generation.current) setError((e as Error).message);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    // `key` stands for pool, query and fields: a new object with the same filters is no new list.
    [key],
  );

  useEffect(() => {
    setItems(null);
    void load(null, []);
  }, [load]);

  return {
    items,
    more: cursor !== null,
    loading,
    error,
    loadMore: () => {
      if (cursor && items) void load(cursor, items);
    },
    remove: (ids) => setItems((list) => list?.filter((r) => !ids.includes(r.id)) ?? null),
  };
}
