// A page-by-page list of a pool's records with the API's filters (state, tag, text, exact values of
// fields with fixed values, owner). The list stays live: the rows loaded so far (up to LIVE_ROWS) are
// read as one window from the top, polled with its ETag, and a changed window is read again in place.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  listRecordsIfChanged,
  type ListQuery,
  type PoolRecord,
  type RecordList as ListReply,
} from '../api/records.api.js';

const PAGE = 50;
/** How often the window is asked again (a 304 costs the server one indexed read of the window). */
export const POLL_MS = 1000;
/**
 * The most rows the poll keeps live: the list API's largest page. "Load more" widens the window by a
 * page up to this; rows loaded past it are read by cursor and refresh only with the window.
 */
export const LIVE_ROWS = 500;

export interface RecordList {
  items: PoolRecord[] | null;
  more: boolean;
  loading: boolean;
  /** The refusal of the last read as it came (null: none): the page words it when shown. */
  error: unknown;
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
  const [error, setError] = useState<unknown>(null);
  const [limits, setLimits] = useState<RecordList['limits']>(null);
  const generation = useRef(0);
  /** The window's ETag and size (rows read from the top), and whether a load is in flight. */
  const etag = useRef<string | null>(null);
  const span = useRef(PAGE);
  /** Ids in the window as last read, and the rows shown: rows past the window survive its re-reads. */
  const windowIds = useRef(new Set<string>());
  const shown = useRef<PoolRecord[]>([]);
  const busy = useRef(false);
  const key = JSON.stringify([pool, query, fields, refresh]);
  const filtered = fieldsParam(fields);
  const withFields = filtered ? { fields: filtered } : {};

  const load = useCallback(
    async (from: string | null, previous: PoolRecord[], quiet = false, limit = PAGE) => {
      const mine = ++generation.current;
      busy.current = true;
      if (!quiet) setLoading(true);
      setError(null);
      try {
        const read = (await listRecordsIfChanged(
          pool,
          { ...query, ...withFields, limit, ...(from ? { cursor: from } : {}) },
          null,
        ))!;
        const reply = read.body;
        if (from === null && mine === generation.current) {
          etag.current = read.etag;
          span.current = limit;
          setLimits({
            claimsLeftToday: reply.claimsLeftToday,
            ownedCapacity: reply.ownedCapacity,
          });
        }
        const next = reply.nextCursor;
        const found = reply.items;
        if (mine !== generation.current) return;
        // A live re-read replaces the window; rows "Load more" read past it (beyond LIVE_ROWS) stay,
        // with the cursor that follows them.
        const ids = new Set(found.map((r) => r.id));
        const tail =
          from === null && quiet
            ? shown.current.filter((r) => !windowIds.current.has(r.id) && !ids.has(r.id))
            : [];
        if (from === null) windowIds.current = ids;
        shown.current = [...previous, ...found, ...tail];
        setItems(shown.current);
        if (tail.length === 0) setCursor(next);
      } catch (e) {
        if (mine === generation.current) setError(e);
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
    span.current = PAGE;
    shown.current = [];
    windowIds.current = new Set();
    void load(null, []);
  }, [load]);

  // Live list: the window is asked with its ETag; on a change (a record taken, assigned, released or
  // edited by anyone) it is read again in place, so a taken row leaves within POLL_MS + a read, on
  // whichever loaded page it stood.
  useEffect(() => {
    const poll = async () => {
      if (busy.current || etag.current === null || globalThis.document?.hidden) return;
      const asked = generation.current;
      try {
        const changed = await listRecordsIfChanged(
          pool,
          { ...query, ...withFields, limit: span.current },
          etag.current,
        );
        if (changed && asked === generation.current && !busy.current)
          void load(null, [], true, span.current);
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
      if (!cursor || !items) return;
      // Within LIVE_ROWS the next page is read with the window, so the poll covers it too.
      const wider = span.current + PAGE;
      if (items.length <= span.current && wider <= LIVE_ROWS) void load(null, [], false, wider);
      else void load(cursor, items);
    },
    remove: (ids) => {
      shown.current = shown.current.filter((r) => !ids.includes(r.id));
      setItems((list) => list?.filter((r) => !ids.includes(r.id)) ?? null);
    },
    limits,
  };
}
