// @vitest-environment jsdom
// The designer reads paged lists whole: a record's latest HISTORY_MAX steps, newest page first (saying
// when older ones are left out), pools and the other lists by key to their last page.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listPools } from '../src/api/pools.api.js';
import { getHistory, HISTORY_MAX, type HistoryEntry } from '../src/api/records.api.js';
import { historyPage, stubFetch } from './workspace-harness.js';

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

/** A history of `total` steps served as the API does (order, limit, cursor: the seq of the last step). */
function serveHistory(total: number) {
  const steps = Array.from({ length: total }, (_, i) => step(i + 1));
  return stubFetch(({ url }) =>
    url.startsWith(`${HISTORY}?`) ? { body: historyPage(steps, url) } : undefined,
  );
}

describe('paged lists in the designer', () => {
  it('reads a long history newest first, page by page, and gives every step once, in order', async () => {
    const calls = serveHistory(1003);
    const history = await getHistory('crm', 'r-1');
    expect(history.more).toBe(false);
    expect(history.steps.map((s) => s.seq)).toEqual(Array.from({ length: 1003 }, (_, i) => i + 1));
    expect(calls.map((c) => c.url)).toEqual([
      `${HISTORY}?order=desc&limit=500`,
      `${HISTORY}?order=desc&limit=500&cursor=504`,
      `${HISTORY}?order=desc&limit=500&cursor=4`,
    ]);
  });

  it('reads the latest HISTORY_MAX steps of a longer history and says older ones are left out', async () => {
    const calls = serveHistory(HISTORY_MAX + 7);
    const history = await getHistory('crm', 'r-1');
    expect(history.steps).toHaveLength(HISTORY_MAX);
    // The newest steps are the ones shown: the first 7 are left out.
    expect(history.steps[0].seq).toBe(8);
    expect(history.steps.at(-1)!.seq).toBe(HISTORY_MAX + 7);
    expect(history.more).toBe(true);
    expect(calls).toHaveLength(HISTORY_MAX / 500);
  });

  it('reads only as many of the newest steps as asked, in one request', async () => {
    const calls = serveHistory(40);
    const history = await getHistory('crm', 'r-1', 5);
    expect(history.steps.map((s) => s.seq)).toEqual([36, 37, 38, 39, 40]);
    expect(history.more).toBe(true);
    expect(calls.map((c) => c.url)).toEqual([`${HISTORY}?order=desc&limit=5`]);
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
