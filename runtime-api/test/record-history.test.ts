// A record's history comes a page at a time (it came whole, however long): 100 steps by default,
// at most 500, a nextCursor while more are left; the pages read in order hold every step once, oldest
// first or (order=desc) newest first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/services/keyset-cursor.js';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

interface Page {
  items: { seq: number; event: string; payload: { note?: string } | null }[];
  nextCursor: string | null;
}

describe.each(backends)('record history pages (%s)', (backend) => {
  let t: TestApp;
  let token: string;
  let url: string;
  let aliceId: string;
  const STEPS = 250;

  beforeAll(async () => {
    t = await build(backend);
    const { tokens, ids } = await crmPool(t, { alice: {} });
    token = tokens['alice']!;
    aliceId = ids['alice']!;
    const created = await call(t.app, token, 'POST', '/api/pools/crm/records', {
      data: { name: 'ACME' },
      ownerId: ids['alice'],
    });
    const id = created.body.id as string;
    url = `/api/pools/crm/records/${id}/history`;
    // A record worked for years: steps 2..250 after its CREATE, in one statement.
    await t.app.db.raw(
      `INSERT INTO history (record_id, pool_key, seq, at, actor_id, event_type, payload, from_state,
                            to_state, owner_from, owner_to, tags, reason)
       SELECT record_id, pool_key, s, at + s * interval '1 hour', actor_id, 'FOLLOW_UP',
              jsonb_build_object('note', 'call ' || s), to_state, to_state, owner_to, owner_to, tags, NULL
         FROM history, generate_series(2, ?::int) AS s
        WHERE record_id = ?`,
      [STEPS, id],
    );
  });
  afterAll(() => t.close());

  const page = async (query: string): Promise<Page> => {
    const res = await call(t.app, token, 'GET', `${url}${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Page;
  };

  it('gives the first 100 steps and a cursor; the pages that follow hold the rest once, in order', async () => {
    const first = await page('');
    expect(first.items.map((h) => h.seq)).toEqual(range(1, 100));
    expect(first.items[0]!.event).toBe('CREATE');
    expect(first.items[99]!.payload).toEqual({ note: 'call 100' });
    expect(first.nextCursor).toEqual(expect.any(String));

    const seqs = first.items.map((h) => h.seq);
    let cursor = first.nextCursor;
    let pages = 1;
    while (cursor) {
      const next = await page(`?cursor=${cursor}`);
      seqs.push(...next.items.map((h) => h.seq));
      cursor = next.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seqs).toEqual(range(1, STEPS));
  });

  it('reads pages of any size up to 500, and the last page says there is no more', async () => {
    const seqs: number[] = [];
    let cursor: string | null = null;
    do {
      const next: Page = await page(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(next.items.length).toBeLessThanOrEqual(7);
      seqs.push(...next.items.map((h) => h.seq));
      cursor = next.nextCursor;
    } while (cursor);
    expect(seqs).toEqual(range(1, STEPS));

    const whole = await page('?limit=500');
    expect(whole.items).toHaveLength(STEPS);
    expect(whole.nextCursor).toBeNull();
  });

  it('gives the newest steps first with order=desc, and its pages go back to the first step once', async () => {
    const latest = await page('?order=desc&limit=5');
    expect(latest.items.map((h) => h.seq)).toEqual([250, 249, 248, 247, 246]);
    expect(latest.items[0]!.payload).toEqual({ note: 'call 250' });

    const seqs: number[] = [];
    let cursor: string | null = null;
    do {
      const next: Page = await page(`?order=desc&limit=60${cursor ? `&cursor=${cursor}` : ''}`);
      seqs.push(...next.items.map((h) => h.seq));
      cursor = next.nextCursor;
    } while (cursor);
    expect(seqs).toEqual(range(1, STEPS).reverse());
    expect(seqs.at(-1)).toBe(1);

    // order=asc is the default, spelt out.
    expect((await page('?order=asc&limit=3')).items.map((h) => h.seq)).toEqual([1, 2, 3]);
  });

  it("names each step's actor, an admin who is no member of the pool too", async () => {
    const created = await call(t.app, token, 'POST', '/api/pools/crm/records', {
      data: { name: 'Named Steps Co' },
    });
    const id = created.body.id as string;
    const assigned = await call(
      t.app,
      t.adminToken,
      'POST',
      `/api/pools/crm/records/${id}/assign`,
      { userId: aliceId },
    );
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const users = (await call(t.app, t.adminToken, 'GET', '/api/users')).body.items as {
      id: string;
      username: string;
      displayName: string;
    }[];
    const admin = users.find((u) => u.username === 'admin')!;
    const alice = users.find((u) => u.id === aliceId)!;
    const history = (await call(t.app, token, 'GET', `/api/pools/crm/records/${id}/history`)).body
      .items as { event: string; actorId: string | null; actorName: string | null }[];
    // The workspace showed the admin as "f27823d6…": it names people from the pool's members.
    expect(history.map((h) => [h.event, h.actorId, h.actorName])).toEqual([
      ['CREATE', aliceId, alice.displayName || alice.username],
      ['ASSIGN', admin.id, admin.displayName || 'admin'],
    ]);
  });

  it('refuses an order other than asc or desc, naming it', async () => {
    const res = await call(t.app, token, 'GET', `${url}?order=newest`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ path: '/querystring/order' }),
    ]);
  });

  it('refuses a limit over 500 and a cursor it did not write, naming the parameter', async () => {
    const paths = async (query: string) => {
      const res = await call(t.app, token, 'GET', `${url}${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('POOL_ERR_INVALID_PAYLOAD');
      return (res.body.error.details as { path: string; message: string }[]).map(
        (d) => `${d.path} ${d.message}`,
      );
    };
    expect(await paths('?limit=501')).toEqual(['/querystring/limit must be <= 500']);
    expect(await paths('?limit=0')).toEqual(['/querystring/limit must be >= 1']);
    const forged = [
      'not-a-cursor',
      Buffer.from('[1]').toString('base64url'),
      encodeCursor('1', '5'),
      encodeCursor(1, 'x'),
      encodeCursor(1.5, '5'),
      encodeCursor(-1, '5'),
      // Past what the columns hold: a 400, not a database error.
      encodeCursor(2 ** 31, '5'),
      encodeCursor(1, '9'.repeat(19)),
    ];
    for (const cursor of forged)
      expect(await paths(`?cursor=${cursor}`), cursor).toEqual([
        '/querystring/cursor is not a cursor from a previous page',
      ]);
  });
});

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
