// A page-by-page list of a pool's records with the API's filters, plus exact filters on entity fields
// (the API searches text only): pages are read on until enough records match or none are left. The list
// stays live: its first page is polled with its ETag, and a changed page reloads the list in place.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  listRecordsIfChanged,
  type ListQuery,
  type PoolRecord,
  type RecordList as ListReply,
} from '../api/records.api.js';

const PAGE = 50;
const MAX_PAGES_PER_LOAD = 10;
/** How often the first page is asked again (a 304 costs the server one indexed page read). */
export const POLL_MS = 1000;

export interface RecordList {
  items: PoolRecord[] | null;
  more: boolean;
  loading: boolean;
  error: string | null;
  loadMore: () => void;
  /** Drops records from the list (claimed, assigned) without reloading it. */
  remove: (ids: string[]) => void;
  /** The caller's limits left in the pool, as of the last page read (null: no such limit). */
  limits: Pick<ListReply, 'claimsLeftToday' | 'ownedCapacity'> | null;
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
  const [limits, setLimits] = useState<RecordList['limits']>(null);
  const generation = useRef(0);
  /** The first page's ETag, and whether a load is in flight (a poll then waits for it). */
  const etag = useRef<string | null>(null);
  const busy = useRef(false);
  const key = JSON.stringify([pool, query, fields, refresh]);

  const load = useCallback(
    async (from: string | null, previous: PoolRecord[], quiet = false) => {
      const mine = ++generation.current;
      busy.current = true;
      if (!quiet) setLoading(true);
      setError(null);
      const activeFields = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''));
      // The text search narrows the pages when only a field filter is set; the exact match is ours.
      const q = query.q || Object.values(activeFields)[0] || undefined;
      let next = from;
      const found: PoolRecord[] = [];
      try {
        for (let page = 0; page < MAX_PAGES_PER_LOAD; page++) {
          const read = (await listRecordsIfChanged(
            pool,
            { ...query, ...(q ? { q } : {}), limit: PAGE, ...(next ? { cursor: next } : {}) },
            null,
          ))!;
          const reply = read.body;
          if (page === 0 && from === null && mine === generation.current) {
            etag.current = read.etag;
            setLimits({
              claimsLeftToday: reply.claimsLeftToday,
              ownedCapacity: reply.ownedCapacity,
            });
          }
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
        if (mine === generation.current) {
          setLoading(false);
          busy.current = false;
        }
      }
    },
    // `key` stands for pool, query and fields: a new object with the same filters is no new list.
    [key],
  );

  useEffect(() => {
    setItems(null);
    etag.current = null;
    void load(null, []);
  }, [load]);

  // Live list: the first page is asked with its ETag; on a change (a record taken, assigned, released
  // or edited by anyone) the list is read again in place, so a taken row leaves within POLL_MS + a read.
  useEffect(() => {
    const activeFields = Object.values(fields).some((v) => v !== '');
    const poll = async () => {
      if (busy.current || etag.current === null || globalThis.document?.hidden) return;
      const asked = generation.current;
      const q = query.q || (activeFields ? Object.values(fields).find((v) => v !== '') : undefined);
      try {
        const changed = await listRecordsIfChanged(
          pool,
          { ...query, ...(q ? { q } : {}), limit: PAGE },
          etag.current,
        );
        if (changed && asked === generation.current && !busy.current) void load(null, [], true);
      } catch {
        // A failed poll is retried at the next tick; the list keeps what it shows.
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => clearInterval(timer);
    // `load` changes with the key (pool, query, fields, refresh), as the poll must.
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
    limits,
  };
}
