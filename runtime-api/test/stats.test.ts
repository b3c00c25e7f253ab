// Pool analytics on seeded history give the numbers a manager would count by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../src/services/stats-rollup.js';
import { DEFAULT_TIME_ZONE } from '../src/services/time-zone.js';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';

describe.each(backends)('pool stats (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {}, boss: { roles: ['manager'] } }));
  });
  afterAll(() => t.close());

  it('counts inflow, outflow, pool size, conversion, time in pool, claims per user and industries', async () => {
    const { app, adminToken } = t;
    const start = Date.parse((await call(app, adminToken, 'GET', '/api/clock')).body.now as string);
    const create = async (name: string, industry: string, ownerId: string | null) =>
      (
        await call(app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
          data: { name, industry },
          ownerId,
        })
      ).body.id as string;
    // Day 0: two records straight into the pool, three owned by alice.
    const p1 = await create('P1', 'trade', null);
    await create('P2', 'software', null);
    const o1 = await create('O1', 'trade', ids['alice']!);
    const o2 = await create('O2', 'trade', ids['alice']!);
    await create('O3', 'finance', ids['alice']!);
    // Day 2: bob claims P1 (2 days in pool) and wins it; alice releases O1 by hand.
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 2 });
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${p1}/claim`);
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${p1}/events`, { type: 'WIN' });
    await call(app, tokens['alice']!, 'POST', `/api/pools/crm/records/${o1}/release`, {
      reason: 'wrong region',
    });
    // Day 3: bob claims O1 (1 day in pool); alice follows up O2 so only O3 times out on day 30.
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 1 });
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${o1}/claim`);
    await call(app, tokens['alice']!, 'POST', `/api/pools/crm/records/${o2}/events`, {
      type: 'FOLLOW_UP',
      payload: { channel: 'call', note: 'still interested' },
    });
    await call(app, adminToken, 'POST', '/api/clock/advance', { days: 28 }); // day 31

    const from = new Date(start - 3_600_000).toISOString();
    const res = await call(
      app,
      tokens['boss']!,
      'GET',
      `/api/pools/crm/stats?by=industry&from=${from}`,
    );
    expect(res.status).toBe(200);
    const s = res.body;
    // The series is by the pool's local date (the default zone): at 23:00 UTC that is already tomorrow.
    const day = (n: number) => localDate(start + n * 86_400_000, DEFAULT_TIME_ZONE);
    const byDay = Object.fromEntries(s.days.map((d: { day: string }) => [d.day, d]));
    expect(byDay[day(0)].inflow).toEqual({ create: 2 });
    expect(byDay[day(2)]).toMatchObject({ inflow: { release: 1 }, outflow: { claim: 1 } });
    expect(byDay[day(3)].outflow).toEqual({ claim: 1 });
    expect(byDay[day(30)].inflow).toEqual({ timer: 1 }); // O3, 30 days after creation
    expect(s.pooledNow).toBe(2); // P2 and O3
    expect(byDay[day(0)].poolSize).toBe(2);
    expect(byDay[day(2)].poolSize).toBe(2);
    expect(byDay[day(3)].poolSize).toBe(1);
    expect(byDay[day(30)].poolSize).toBe(2);
    expect(s.conversion).toEqual({ claimed: 2, converted: 1, rate: 0.5, days: 30 });
    expect(s.exits).toBe(2);
    expect(s.medianHoursInPool).toBe(36); // 48 h and 24 h
    expect(s.p90HoursInPool).toBe(45.6);
    expect(s.claimsByUser).toEqual([{ userId: ids['bob'], claims: 2 }]);
    const trade = s.breakdown.items.find((i: { value: string }) => i.value === 'trade');
    expect(trade).toEqual({ value: 'trade', total: 3, pooled: 0, converted: 1 });

    const csv = await app.inject({
      method: 'GET',
      url: `/api/pools/crm/stats?format=csv&from=${from}`,
      headers: { authorization: `Bearer ${tokens['boss']}` },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('day,direction,kind,count,pool_size');
    expect(csv.body).toContain(`${day(2)},in,release,1,2`);

    const member = await call(app, tokens['alice']!, 'GET', '/api/pools/crm/stats');
    expect(member.status).toBe(403);
  });

  it('counts a claim whose history row names no user as userId null, within the contract', async () => {
    const { app } = t;
    const { now } = (await call(app, t.adminToken, 'GET', '/api/clock')).body as { now: string };
    const record = (
      await call(app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
        data: { name: 'Orphan', industry: 'trade' },
        ownerId: null,
      })
    ).body.id as string;
    // A CLAIM in history without its user (the column allows it; the API never writes one today).
    await app.db('history').insert({
      record_id: record,
      pool_key: 'crm',
      seq: 99,
      at: new Date(Date.parse(now) - 60_000),
      actor_id: null,
      event_type: 'CLAIM',
      payload: JSON.stringify({ note: 'no user' }),
      from_state: 'pool',
      to_state: 'owned',
      owner_from: null,
      owner_to: null,
      tags: JSON.stringify([]),
      reason: null,
    });
    const from = new Date(Date.parse(now) - 3_600_000).toISOString();
    const res = await call(app, tokens['boss']!, 'GET', `/api/pools/crm/stats?from=${from}`);
    expect(res.status).toBe(200);
    // Before, the reply said "" (the string the contract asked for), naming a user that does not exist.
    expect(res.body.claimsByUser).toEqual([{ userId: null, claims: 1 }]);
  });
});
