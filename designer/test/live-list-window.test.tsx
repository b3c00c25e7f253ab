// @vitest-environment jsdom
// The live list's window: rows "Load more" brought in are polled with the first page up to LIVE_ROWS,
// and rows read past it by cursor survive the window's re-reads (jsdom, fetch stubbed with a pool of
// 600 records served by cursor, with ETags; the poll's interval driven by fake timers).
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PoolRecord } from '../src/api/records.api.js';
import { LIVE_ROWS, POLL_MS, useRecordList } from '../src/workspace/use-record-list.js';
import { pooledRecord } from './workspace-fixtures.js';

const record = (n: number) => pooledRecord(`r${String(n).padStart(3, '0')}`, `Lead ${n}`);

/** A pool served as the list API serves it: `limit` rows after `cursor`, a weak ETag of the page. */
function servePool(rows: PoolRecord[]) {
  const asked: { limit: number; cursor: string | null; etag: string | null }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init?: RequestInit) => {
      const params = new URL(url, 'http://x').searchParams;
      const limit = Number(params.get('limit'));
      const cursor = params.get('cursor');
      const etag = new Headers(init?.headers).get('if-none-match');
      asked.push({ limit, cursor, etag });
      const start = cursor === null ? 0 : rows.findIndex((r) => r.id > cursor);
      const page = rows.slice(start, start + limit);
      const tag = `W/"${page.map((r) => `${r.id}:${r.seq}`).join(',')}"`;
      if (etag === tag) return Promise.resolve(new Response(null, { status: 304 }));
      const last = page.at(-1);
      const body = {
        items: page,
        nextCursor: start + limit < rows.length && last ? last.id : null,
        claimsLeftToday: null,
        ownedCapacity: null,
      };
      return Promise.resolve(
        new Response(JSON.stringify(body), { status: 200, headers: { etag: tag } }),
      );
    }),
  );
  return asked;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('live list window', () => {
  it('polls every loaded row up to LIVE_ROWS and keeps rows read past it when the window changes', async () => {
    const rows = Array.from({ length: 600 }, (_, n) => record(n));
    const asked = servePool(rows);
    const { result } = renderHook(() => useRecordList('crm', { view: 'pool' }, {}, 0));
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(result.current.items).toHaveLength(50);

    // Load more widens the window (read from the top) until LIVE_ROWS, then reads on by cursor.
    for (let i = 0; i < LIVE_ROWS / 50; i++) {
      act(() => result.current.loadMore());
      await act(() => vi.advanceTimersByTimeAsync(0));
    }
    expect(result.current.items).toHaveLength(LIVE_ROWS + 50);
    const last = asked.at(-1)!;
    expect(last).toMatchObject({ limit: 50, cursor: 'r499' });

    // Unchanged: the poll asks the whole window with its ETag and is answered 304.
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS));
    expect(asked.at(-1)).toMatchObject({ limit: LIVE_ROWS, cursor: null });
    expect(asked.at(-1)!.etag).not.toBeNull();
    expect(result.current.items).toHaveLength(LIVE_ROWS + 50);

    // Another rep takes r010 (in the window) and r520 (past it): the window is read again, r010
    // leaves at once, and the rows past the window stay (r520 until a read reaches it).
    rows.splice(rows.indexOf(rows.find((r) => r.id === 'r010')!), 1);
    rows.splice(rows.indexOf(rows.find((r) => r.id === 'r520')!), 1);
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS));
    const ids = result.current.items!.map((r) => r.id);
    expect(ids).not.toContain('r010');
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(LIVE_ROWS + 49);
    expect(ids.slice(-2)).toEqual(['r548', 'r549']);
    expect(result.current.more).toBe(true);

    // Load more goes on after the last row shown, not after the window.
    act(() => result.current.loadMore());
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(asked.at(-1)).toMatchObject({ limit: 50, cursor: 'r549' });
    expect(result.current.items!.at(-1)!.id).toBe('r599');
  });
});
