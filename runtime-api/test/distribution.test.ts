// Managers: bulk assign, move between pools, and push distribution (round robin, least loaded) on pool entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('manager moves and distribution (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, {
      boss: { roles: ['manager'] },
      amy: { attributes: { seniority: 'junior' } },
      ben: { attributes: { seniority: 'junior' } },
      sam: { attributes: { seniority: 'senior' } },
    }));
  });
  afterAll(() => t.close());

  const create = async (name: string, ownerId: string | null = null) =>
    (
      await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
        data: { name },
        ownerId,
      })
    ).body.id as string;

  it('bulk-assigns, reporting each record that could not be assigned', async () => {
    const a = await create('Bulk A');
    const b = await create('Bulk B');
    const won = await create('Bulk C', ids['amy']!);
    await call(t.app, tokens['amy']!, 'POST', `/api/pools/crm/records/${won}/events`, {
      type: 'WIN',
    });
    const res = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/assign-bulk', {
      recordIds: [a, b, won],
      userId: ids['ben'],
    });
    expect(res.body.assigned).toBe(2);
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    expect(res.body.results[2].error.code).toBe('POOL_ERR_EVENT_NOT_ALLOWED');
    const member = await call(t.app, tokens['amy']!, 'POST', '/api/pools/crm/assign-bulk', {
      recordIds: [a],
      userId: ids['amy'],
    });
    expect(member.status).toBe(403);
  });

  it("applies the pool's claim rules to the assignee, unless a manager overrides (recorded in history)", async () => {
    // Amy released it: she is in the previous-owner cooldown and could not claim it back herself.
    const id = await create('Cooling Co', ids['amy']!);
    const released = await call(
      t.app,
      tokens['amy']!,
      'POST',
      `/api/pools/crm/records/${id}/release`,
      {
        reason: 'no budget',
      },
    );
    expect(released.status).toBe(200);
    const refused = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/assign-bulk', {
      recordIds: [id],
      userId: ids['amy'],
    });
    expect(refused.body.assigned).toBe(0);
    expect(refused.body.results[0].error.code).toBe('POOL_ERR_COOLDOWN');
    expect(Date.parse(refused.body.results[0].error.until as string)).toBeGreaterThan(Date.now());
    // The refusal's details as a single claim's reply has them, for the client's own words.
    expect(refused.body.results[0].error.details).toEqual({
      until: refused.body.results[0].error.until,
    });
    const forced = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/assign-bulk', {
      recordIds: [id],
      userId: ids['amy'],
      override: true,
    });
    expect(forced.body.results).toEqual([{ id, ok: true, state: 'owned' }]);
    const last = await t.app.db('history').where({ record_id: id }).orderBy('seq', 'desc').first();
    expect([last?.event_type, last?.actor_id, last?.payload]).toEqual([
      'ASSIGN',
      ids['boss'],
      { userId: ids['amy'], override: true },
    ]);
  });

  it('moves a record to another pool of the same policy, keeping its history', async () => {
    await call(t.app, t.adminToken, 'POST', '/api/pools', {
      key: 'seniors',
      name: { en: 'Senior team' },
      policyId: 'crm-customer-pool',
      members: [{ userId: ids['boss'] }, { userId: ids['sam'] }],
    });
    const id = await create('Hard Co');
    const moved = await call(t.app, tokens['boss']!, 'POST', `/api/pools/crm/records/${id}/move`, {
      pool: 'seniors',
    });
    expect(moved.body).toEqual({ id, pool: 'seniors', state: 'pool' });
    expect(
      (await call(t.app, tokens['sam']!, 'GET', `/api/pools/seniors/records/${id}`)).body.pool,
    ).toBe('seniors');
    expect((await call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/records/${id}`)).status).toBe(
      404,
    );
    const history = await call(
      t.app,
      tokens['sam']!,
      'GET',
      `/api/pools/seniors/records/${id}/history`,
    );
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual(['CREATE', 'MOVE']);
    // The move is a step like any other: its seq follows the record's, so the next event is not lost.
    expect(await t.app.db('history').where({ record_id: id }).orderBy('seq').pluck('seq')).toEqual([
      1, 2,
    ]);
    expect(await t.app.db('records').where({ id }).first('seq', 'pool_key')).toEqual({
      seq: 2,
      pool_key: 'seniors',
    });
  });

  it('refuses a move to a pool that does not exist, or to its own pool, with a 400 naming /body/pool and its code, not a 404', async () => {
    const id = await create('Lost Co');
    for (const token of [tokens['boss']!, t.adminToken]) {
      const moved = await call(t.app, token, 'POST', `/api/pools/crm/records/${id}/move`, {
        pool: 'no-such-pool',
      });
      expect(moved.status).toBe(400);
      // The detail's code and params word it in the designer's other language (refusal-words.ts).
      expect(moved.body.error.details).toEqual([
        {
          path: '/body/pool',
          message: 'no pool named "no-such-pool"',
          code: 'unknown-pool',
          params: { pool: 'no-such-pool' },
        },
      ]);
      const same = await call(t.app, token, 'POST', `/api/pools/crm/records/${id}/move`, {
        pool: 'crm',
      });
      expect(same.status).toBe(400);
      expect(same.body.error.details).toEqual([
        {
          path: '/body/pool',
          message: "is the record's pool already",
          code: 'same-pool',
          params: { pool: 'crm' },
        },
      ]);
    }
    expect(await t.app.db('records').where({ id }).first('seq', 'pool_key')).toEqual({
      seq: 1,
      pool_key: 'crm',
    });
  });

  it('round robin hands entering records to members in turn, never straight back to the last owner', async () => {
    const patched = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', {
      distribution: 'roundRobin',
    });
    expect(patched.body.distribution).toBe('roundRobin');
    const first = await create('RR 1');
    const second = await create('RR 2');
    const third = await create('RR 3');
    const run = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/distribute');
    expect(run.body.assigned).toBeGreaterThanOrEqual(3);
    const owners = await Promise.all(
      [first, second, third].map(
        async (id) =>
          (await call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/records/${id}`)).body.ownerId,
      ),
    );
    expect(new Set(owners).size).toBe(3); // three different members
    expect(owners.every((o) => Object.values(ids).includes(o))).toBe(true);

    // Released by its owner: goes to someone else, never straight back.
    const owner = owners[0] as string;
    const ownerName = Object.keys(ids).find((k) => ids[k] === owner)!;
    await call(t.app, tokens[ownerName]!, 'POST', `/api/pools/crm/records/${first}/release`, {
      reason: 'not mine',
    });
    await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/distribute');
    const again = await call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/records/${first}`);
    expect(again.body.ownerId).not.toBe(owner);
    expect(again.body.ownerId).not.toBeNull();
  });

  it('least loaded gives the record to the member owning the fewest', async () => {
    await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', { distribution: 'leastLoaded' });
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const name of ['boss', 'amy', 'ben', 'sam']) {
        const mine = await call(
          t.app,
          tokens[name]!,
          'GET',
          '/api/pools/crm/records?view=mine&limit=500',
        );
        out[name] = mine.body.items.filter((r: { done: boolean }) => !r.done).length;
      }
      return out;
    };
    const before = await counts();
    const least = Object.entries(before).sort(
      (a, b) => a[1] - b[1] || ids[a[0]]!.localeCompare(ids[b[0]]!),
    )[0]![0];
    const id = await create('LL 1');
    await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/distribute');
    const got = await call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/records/${id}`);
    expect(got.body.ownerId).toBe(ids[least]);
  });
});

describe.each(backends)('assignment and refusal notifications (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { boss: { roles: ['manager'] }, amy: {} }));
  });
  afterAll(() => t.close());

  it('tells a rep a record was assigned to her, and not of her own refused claim', async () => {
    const created = await call(t.app, tokens['boss']!, 'POST', '/api/pools/crm/records', {
      data: { name: 'Given Co' },
      ownerId: null,
    });
    await call(t.app, tokens['boss']!, 'POST', `/api/pools/crm/records/${created.body.id}/assign`, {
      userId: ids['amy'],
    });
    let inbox = await call(t.app, tokens['amy']!, 'GET', '/api/notifications');
    expect(inbox.body.items[0]).toMatchObject({ kind: 'assigned', recordId: created.body.id });
    expect(inbox.body.items[0].message.en).toBe('Given Co was assigned to you.');

    await call(t.app, tokens['amy']!, 'POST', `/api/pools/crm/records/${created.body.id}/release`, {
      reason: 'duplicate',
    });
    const refused = await call(
      t.app,
      tokens['amy']!,
      'POST',
      `/api/pools/crm/records/${created.body.id}/claim`,
    );
    expect(refused.body.error.code).toBe('POOL_ERR_COOLDOWN');
    inbox = await call(t.app, tokens['amy']!, 'GET', '/api/notifications');
    // Her own refused click is answered (a toast), not kept as a notification.
    expect(inbox.body.unread).toBe(1);
    expect(inbox.body.items[0]).toMatchObject({ kind: 'assigned', recordId: created.body.id });
  });
});
