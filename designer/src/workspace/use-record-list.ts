// A page-by-page list of a pool's records with the API's filters (state, tag, text, exact values of
// fields with fixed values, owner). The list stays live: its first page is polled with its ETag, and a
// changed page reloads the list in place.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  listRecordsIfChanged,
  type ListQuery,
  type PoolRecord,
  type RecordList as ListReply,
} from '../api/records.api.js';

const PAGE = 50;
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

/** The list API's `fields` parameter (field:value pairs); empty values are no filter. */
export function fieldsParam(fields: Record<string, string>): string | undefined {
  const pairs = Object.entries(fields).filter(([, v]) => v !== '');
  return pairs.length > 0 ? pairs.map(([f, v]) => `${f}:${v}`).join(',') : undefined;
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
  const filtered = fieldsParam(fields);
  const withFields = filtered ? { fields: filtered } : {};

  const load = useCallback(
    async (from: string | null, previous: PoolRecord[], quiet = false) => {
      const mine = ++generation.current;
      busy.current = true;
      if (!quiet) setLoading(true);
      setError(null);
      try {
        const read = (await listRecordsIfChanged(
          pool,
          { ...query, ...withFields, limit: PAGE, ...(from ? { cursor: from } : {}) },
          null,
        ))!;
        const reply = read.body;
        if (from === null && mine === generation.current) {
          etag.current = read.etag;
          setLimits({
            claimsLeftToday: reply.claimsLeftToday,
            ownedCapacity: reply.ownedCapacity,
          });
        }
        const next = reply.nextCursor;
        const found = reply.items;
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
    const poll = async () => {
      if (busy.current || etag.current === null || globalThis.document?.hidden) return;
      const asked = generation.current;
      try {
        const changed = await listRecordsIfChanged(
          pool,
          { ...query, ...withFields, limit: PAGE },
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
