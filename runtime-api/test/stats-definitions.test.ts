// Every analytics figure against a hand-computed history for 7, 30 and 90 days: flows, pool size,
// conversion within N days of a claim (card and breakdown alike), time in pool, the per-rep table and its
// CSV; the same before and after the rollup job, and the same as the reference query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PoolStats } from '../src/services/stats.service.js';
import { statesOf } from '../src/services/stats.service.js';
import type { RepStats } from '../src/services/stats-reps.js';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';
import { canonical, referencePoolStats } from './stats-reference.js';

const DAY = 86_400_000;

/*
 * The history (day n is t0 + n days; the stats are read at day 100):
 *  5  A (trade), B (software) created in the pool
 * 15  bob claims A (240 h in pool)        20  bob wins A
 * 50  D (software) created owned by carol: no follow-up, a timer releases it on day 80
 * 72  C (trade) created in the pool
 * 75  alice claims B (1680 h in pool)     76  alice follows B up
 * 80  alice claims C (192 h); D released by its timer
 * 81  alice releases C ("no budget")
 * 90  E (finance) created owned by alice
 * 94  bob claims C (312 h)                95  bob wins C
 * 96  alice loses B
 */
describe.each(backends)('analytics definitions on a hand-computed history (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let t0 = 0;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, {
      alice: {},
      bob: {},
      carol: {},
      boss: { roles: ['manager'] },
    }));
    const { app, adminToken } = t;
    t0 = Date.parse((await call(app, adminToken, 'GET', '/api/clock')).body.now as string);
    let day = 0;
    const at = async (n: number) => {
      if (n > day) await call(app, adminToken, 'POST', '/api/clock/advance', { days: n - day });
      day = n;
    };
    const create = async (name: string, industry: string, owner: string | null) => {
      const ownerId = owner === null ? null : ids[owner]!;
      const res = await call(app, tokens[owner ?? 'alice']!, 'POST', '/api/pools/crm/records', {
        data: { name, industry },
        ownerId,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const act = async (user: string, id: string, path: string, body?: unknown) => {
      const res = await call(
        app,
        tokens[user]!,
        'POST',
        `/api/pools/crm/records/${id}/${path}`,
        body,
      );
      expect(res.status, `${user} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
    };
    await at(5);
    const a = await create('A', 'trade', null);
    const b = await create('B', 'software', null);
    await at(15);
    await act('bob', a, 'claim');
    await at(20);
    await act('bob', a, 'events', { type: 'WIN' });
    await at(50);
    await create('D', 'software', 'carol');
    await at(72);
    const c = await create('C', 'trade', null);
    await at(75);
    await act('alice', b, 'claim');
    await at(76);
    await act('alice', b, 'events', {
      type: 'FOLLOW_UP',
      payload: { channel: 'call', note: 'asked for a quote' },
    });
    await at(80);
    await act('alice', c, 'claim');
    await at(81);
    await act('alice', c, 'release', { reason: 'no budget' });
    await at(90);
    await create('E', 'finance', 'alice');
    await at(94);
    await act('bob', c, 'claim');
    await at(95);
    await act('bob', c, 'events', { type: 'WIN' });
    await at(96);
    await act('alice', b, 'events', { type: 'LOSE' });
    await at(100);
  });
  afterAll(() => t.close());

  const stats = async (days: number, extra = ''): Promise<PoolStats> => {
    const from = new Date(t0 + (100 - days) * DAY).toISOString();
    const res = await call(
      t.app,
      tokens['boss']!,
      'GET',
      `/api/pools/crm/stats?from=${from}${extra}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as PoolStats;
  };
  const reps = async (days: number): Promise<Record<string, RepStats['reps'][number]>> => {
    const from = new Date(t0 + (100 - days) * DAY).toISOString();
    const res = await call(t.app, tokens['boss']!, 'GET', `/api/pools/crm/stats/reps?from=${from}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return Object.fromEntries((res.body as RepStats).reps.map((r) => [r.username, r]));
  };
  /** Inflow and outflow of the whole range by kind. */
  const flows = (s: PoolStats) => {
    const sum = (key: 'inflow' | 'outflow') => {
      const out: Record<string, number> = {};
      for (const d of s.days)
        for (const [k, n] of Object.entries(d[key])) out[k] = (out[k] ?? 0) + n;
      return out;
    };
    return { inflow: sum('inflow'), outflow: sum('outflow') };
  };
  const item = (s: PoolStats, value: string) => s.breakdown.items.find((i) => i.value === value);
  const zero = { wins: 0, losses: 0, timedOut: 0, manualReleases: 0, releaseReasons: {} };

  const checkFigures = async () => {
    const week = await stats(7);
    expect(flows(week)).toEqual({ inflow: {}, outflow: { claim: 1 } });
    expect(week.pooledNow).toBe(1); // D
    expect(week.days.at(-1)!.poolSize).toBe(1);
    expect(week.conversion).toEqual({ claimed: 1, converted: 1, rate: 1, days: 30 });
    expect([week.exits, week.medianHoursInPool, week.p90HoursInPool]).toEqual([1, 312, 312]);
    expect(item(week, 'trade')).toEqual({
      value: 'trade',
      total: 2,
      pooled: 0,
      converted: 1,
    });
    expect(item(week, 'software')).toEqual({
      value: 'software',
      total: 2,
      pooled: 1,
      converted: 0,
    });

    const month = await stats(30);
    expect(flows(month)).toEqual({
      inflow: { create: 1, timer: 1, release: 1 },
      outflow: { claim: 3 },
    });
    expect(month.conversion).toEqual({ claimed: 2, converted: 1, rate: 0.5, days: 30 });
    // Exits 192, 312 and 1680 hours: p90 at 1.8 of the 0..2 positions.
    expect([month.exits, month.medianHoursInPool, month.p90HoursInPool]).toEqual([3, 312, 1406.4]);
    expect(item(month, 'trade')).toMatchObject({ converted: 1 });
    expect(item(month, 'software')).toMatchObject({ converted: 0 });
    const sum = month.breakdown.items.reduce((n, i) => n + i.converted, 0);
    expect(sum).toBe(month.conversion.converted); // the breakdown uses the card's definition

    const quarter = await stats(90);
    expect(flows(quarter)).toEqual({
      inflow: { create: 1, timer: 1, release: 1 },
      outflow: { claim: 4 },
    });
    expect(quarter.conversion).toEqual({ claimed: 3, converted: 2, rate: 2 / 3, days: 30 });
    // Exits 192, 240, 312 and 1680 hours.
    expect([quarter.exits, quarter.medianHoursInPool, quarter.p90HoursInPool]).toEqual([
      4, 276, 1269.6,
    ]);
    expect(item(quarter, 'trade')).toMatchObject({ converted: 2 });
    // Within 3 days of a claim: A (won 5 days after) no longer converts, C (1 day after bob's) does.
    const quick = await stats(90, '&convertDays=3');
    expect(quick.conversion).toEqual({ claimed: 3, converted: 1, rate: 1 / 3, days: 3 });
    expect(item(quick, 'trade')).toMatchObject({ converted: 1 });
    const bad = await call(t.app, tokens['boss']!, 'GET', '/api/pools/crm/stats?convertDays=0');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('convertDays');

    const states = statesOf([await t.app.policies.get('crm-customer-pool', 1)]);
    for (const [s, days] of [
      [week, 7],
      [month, 30],
      [quarter, 90],
    ] as const) {
      const ref = await referencePoolStats(
        t.app.db,
        'crm',
        states,
        {
          from: t0 + (100 - days) * DAY,
          to: t0 + 100 * DAY,
        },
        'industry',
      );
      expect(canonical(s)).toEqual(canonical(ref));
    }

    const w = await reps(7);
    expect(w['bob']).toMatchObject({ claims: 1, followUps: 0, ...zero, wins: 1, load: 0 });
    expect(w['alice']).toMatchObject({ claims: 0, followUps: 0, ...zero, losses: 1, load: 1 });
    expect(w['carol']).toMatchObject({ claims: 0, ...zero, load: 0 });
    const m = await reps(30);
    expect(m['alice']).toEqual({
      userId: ids['alice'],
      username: 'alice',
      displayName: expect.any(String) as string,
      claims: 2,
      followUps: 1,
      wins: 0,
      losses: 1,
      timedOut: 0,
      manualReleases: 1,
      releaseReasons: { 'no budget': 1 },
      load: 1,
      auditsPassed: 0,
      violations: 0,
    });
    expect(m['bob']).toMatchObject({ claims: 1, ...zero, wins: 1 });
    expect(m['carol']).toMatchObject({ claims: 0, ...zero, timedOut: 1, load: 0 });
    const q = await reps(90);
    expect(q['bob']).toMatchObject({ claims: 2, ...zero, wins: 2 });
    expect(q['boss']).toMatchObject({ claims: 0, ...zero, load: 0 });
  };

  it('gives the hand-computed figures for 7, 30 and 90 days, before and after the rollup job', async () => {
    await checkFigures();
    // The job rolls up 31 days a run: the figures hold with part of the history rolled up, then all.
    const first = await t.app.jobs.run('stats-rollup');
    expect(first.days).toBe(31);
    await checkFigures();
    let days = first.days;
    for (let run = 0; run < 4; run++) days += (await t.app.jobs.run('stats-rollup')).days;
    expect(days).toBeGreaterThanOrEqual(94); // day 5 to day 99
    const exits = await t.app
      .db('stats_exits')
      .where({ pool_key: 'crm' })
      .count({ n: '*' })
      .first();
    expect(exits).toEqual({ n: 4 });
    // The whole days' exits are read from their day rows (migration 018): the same four exits.
    const dayRows = (await t.app
      .db('stats_exit_days')
      .where({ pool_key: 'crm' })
      .select(t.app.db.raw('cardinality(hours) AS n'))) as { n: number }[];
    expect(dayRows.reduce((sum, r) => sum + r.n, 0)).toBe(4);
    await checkFigures();
  });

  it('exports the per-rep table as CSV with a BOM, and only to managers', async () => {
    const from = new Date(t0 + 70 * DAY).toISOString();
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/pools/crm/stats/reps?format=csv&from=${from}`,
      headers: { authorization: `Bearer ${tokens['boss']}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(csv.body.startsWith('\ufeff')).toBe(true);
    expect(lines[0]).toBe(
      'user_id,username,display_name,claims,follow_ups,wins,losses,timed_out_releases,manual_releases,release_reasons,load,audits_passed,violations',
    );
    const alice = lines.find((l) => l.includes(',alice,'))!;
    expect(alice.split(',').slice(3)).toEqual([
      '2',
      '1',
      '0',
      '1',
      '0',
      '1',
      'no budget: 1',
      '1',
      '0',
      '0',
    ]);
    const member = await call(t.app, tokens['alice']!, 'GET', '/api/pools/crm/stats/reps');
    expect(member.status).toBe(403);
  });
});
