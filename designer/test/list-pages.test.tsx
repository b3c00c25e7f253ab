// @vitest-environment jsdom
// The designer reads paged lists whole: a record's history page by page up to HISTORY_MAX steps (saying
// when there are more), pools and the other lists by key to their last page.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listPools } from '../src/api/pools.api.js';
import { getHistory, HISTORY_MAX, type HistoryEntry } from '../src/api/records.api.js';
import { stubFetch } from './workspace-harness.js';

afterEach(() => vi.unstubAllGlobals());

const HISTORY = '/api/pools/crm/records/r-1/history';
const step = (seq: number): HistoryEntry => ({
  seq,
  at: '2026-03-01T00:00:00.000Z',
  actorId: null,
  event: 'FOLLOW_UP',
  payload: null,
  from: 'owned',
  to: 'owned',
  ownerFrom: 'u-1',
  ownerTo: 'u-1',
  tags: [],
  reason: null,
});

/** A history of `total` steps served in pages of the size asked, the cursor being the next seq. */
function serveHistory(total: number) {
  return stubFetch(({ url }) => {
    if (!url.startsWith(`${HISTORY}?`)) return undefined;
    const query = new URLSearchParams(url.split('?')[1]);
    const from = Number(query.get('cursor') ?? '1');
    const to = Math.min(total, from + Number(query.get('limit')) - 1);
    const items = Array.from({ length: to - from + 1 }, (_, i) => step(from + i));
    return { body: { items, nextCursor: to < total ? String(to + 1) : null } };
  });
}

describe('paged lists in the designer', () => {
  it('reads a long history page by page, every step once, in order', async () => {
    const calls = serveHistory(1003);
    const history = await getHistory('crm', 'r-1');
    expect(history.more).toBe(false);
    expect(history.steps.map((s) => s.seq)).toEqual(Array.from({ length: 1003 }, (_, i) => i + 1));
    expect(calls.map((c) => c.url)).toEqual([
      `${HISTORY}?limit=500`,
      `${HISTORY}?limit=500&cursor=501`,
      `${HISTORY}?limit=500&cursor=1001`,
    ]);
  });

  it('stops at HISTORY_MAX steps and says there are more', async () => {
    const calls = serveHistory(HISTORY_MAX + 1);
    const history = await getHistory('crm', 'r-1');
    expect(history.steps).toHaveLength(HISTORY_MAX);
    expect(history.more).toBe(true);
    expect(calls).toHaveLength(HISTORY_MAX / 500);
  });

  it('lists pools to the last page', async () => {
    const pool = (key: string) => ({ key, name: { en: key } });
    const calls = stubFetch(({ url }) => {
      if (url === '/api/pools') return { body: { items: [pool('a')], nextCursor: 'c-a' } };
      if (url === '/api/pools?cursor=c-a')
        return { body: { items: [pool('b')], nextCursor: null } };
      return undefined;
    });
    expect((await listPools()).map((p) => p.key)).toEqual(['a', 'b']);
    expect(calls).toHaveLength(2);
  });
});
