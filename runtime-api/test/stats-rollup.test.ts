// Stats read from the rollup give the figures a manager counts by hand, the same before and after the
// rollup job, across a New York midnight, with writes after the job ran and after the pool's zone changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsExitDays } from '../src/db/stats-conversion-migration.js';
import { statesOf, type PoolStats } from '../src/services/stats.service.js';
import { backends, build, call, crmPool, type TestApp } from './helpers.js';
import { canonical, referencePoolStats } from './stats-reference.js';

const HOUR = 3_600_000;
const ZONE = 'America/New_York';

/** Minutes past local midnight in `zone`. */
function localMinutes(ts: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ts);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return get('hour') * 60 + get('minute');
}

const localDate = (ts: number, zone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(ts);

describe.each(backends)('pool stats from the rollup (%s)', (backend) => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await build(backend);
    ({ tokens, ids } = await crmPool(t, { alice: {}, bob: {}, boss: { roles: ['manager'] } }));
    const zone = await call(t.app, t.adminToken, 'PATCH', '/api/pools/crm', { timeZone: ZONE });
    expect(zone.status, JSON.stringify(zone.body)).toBe(200);
  });
  afterAll(() => t.close());

  it('gives the same figures before and after the job, across a day boundary and a zone change', async () => {
    const { app, adminToken } = t;
    const now = async () =>
      Date.parse((await call(app, adminToken, 'GET', '/api/clock')).body.now as string);
    const advance = (minutes: number) =>
      call(app, adminToken, 'POST', '/api/clock/advance', { minutes });
    // To 23:30 in New York: day 0 ends half an hour later.
    await advance((23 * 60 + 30 - localMinutes(await now(), ZONE) + 1440) % 1440 || 1440);
    const t0 = await now();
    const create = async (name: string, industry: string, ownerId: string | null) =>
      (
        await call(app, tokens['alice']!, 'POST', '/api/pools/crm/records', {
          data: { name, industry },
          ownerId,
        })
      ).body.id as string;
    const p1 = await create('P1', 'trade', null);
    await create('P2', 'software', null);
    const o1 = await create('O1', 'trade', ids['alice']!);
    // Day 1, 00:30: bob claims P1 (1 hour in pool) and wins it; alice releases O1.
    await advance(60);
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${p1}/claim`);
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${p1}/events`, { type: 'WIN' });
    await call(app, tokens['alice']!, 'POST', `/api/pools/crm/records/${o1}/release`, {
      reason: 'wrong region',
    });
    // Day 3, 00:30: bob claims O1 (48 hours in pool). Day 6, 00:30: the stats.
    await advance(2 * 1440);
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${o1}/claim`);
    await advance(3 * 1440);

    const from = t0 - 90 * 60_000; // 22:00 on day 0: the first day is partial
    const day = (n: number) => localDate(t0 + n * 24 * HOUR, ZONE);
    const stats = async (): Promise<PoolStats> => {
      const res = await call(
        app,
        tokens['boss']!,
        'GET',
        `/api/pools/crm/stats?by=industry&from=${new Date(from).toISOString()}`,
      );
      expect(res.status).toBe(200);
      return res.body as PoolStats;
    };
    const reference = async () => {
      const states = statesOf([await app.policies.get('crm-customer-pool', 1)]);
      const to = await now();
      return referencePoolStats(app.db, 'crm', states, { from, to }, 'industry');
    };
    const before = await stats();
    const byDay = Object.fromEntries(before.days.map((d) => [d.day, d]));
    expect(before.days[0]!.day).toBe(day(0));
    expect(byDay[day(0)]).toMatchObject({ inflow: { create: 2 }, outflow: {}, poolSize: 2 });
    expect(byDay[day(1)]).toMatchObject({
      inflow: { release: 1 },
      outflow: { claim: 1 },
      poolSize: 2,
    });
    expect(byDay[day(3)]).toMatchObject({ inflow: {}, outflow: { claim: 1 }, poolSize: 1 });
    expect(before.pooledNow).toBe(1);
    expect(before.conversion).toEqual({ claimed: 2, converted: 1, rate: 0.5, days: 30 });
    expect(before.medianHoursInPool).toBe(24.5); // 1 h and 48 h
    expect(before.claimsByUser).toEqual([{ userId: ids['bob'], claims: 2 }]);
    expect(canonical(before).breakdown.items).toEqual([
      { value: 'trade', total: 2, pooled: 0, converted: 1 },
      { value: 'software', total: 1, pooled: 1, converted: 0 },
    ]);
    expect(canonical(before)).toEqual(canonical(await reference()));

    // The job rolls up the closed days (day 0 to 4: day 5 ended less than the margin ago).
    const rolled = await app.jobs.run('stats-rollup');
    expect(rolled.days).toBeGreaterThanOrEqual(5);
    const flows = (await app
      .db('stats_flows')
      .where({ pool_key: 'crm' })
      .select(app.db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'dir', 'kind', 'n')) as {
      day: string;
    }[];
    expect(flows).toContainEqual({ day: day(0), dir: 'in', kind: 'create', n: 2 });
    expect(flows).toContainEqual({ day: day(1), dir: 'out', kind: 'claim', n: 1 });
    // The closed days' exit hours, a sorted row per local day (P1 claimed on day 1 after an hour).
    const exitDays = async () =>
      (
        (await app
          .db('stats_exit_days')
          .where({ pool_key: 'crm' })
          .orderBy('day')
          .select(app.db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'hours')) as {
          day: string;
          hours: number[];
        }[]
      ).map((r) => ({ day: r.day, hours: r.hours.map(Number) }));
    const written = await exitDays();
    expect(written.flatMap((r) => r.hours).sort((a, b) => a - b)).toEqual([1, 48]);
    expect(written.find((r) => r.day === day(1))?.hours).toContain(1);
    expect(canonical(await stats())).toEqual(canonical(before));
    // A database rolled up before migration 018 gets the same rows from it.
    await statsExitDays.down(app.db);
    await statsExitDays.up(app.db);
    expect(await exitDays()).toEqual(written);
    expect(canonical(await stats())).toEqual(canonical(before));

    // Writes after the job: today's history and the tally's deltas count before the next run folds them.
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${o1}/release`, {
      reason: 'no budget',
    });
    const afterWrites = await stats();
    expect(afterWrites.pooledNow).toBe(2);
    expect(afterWrites.days.at(-1)!.inflow).toEqual({ release: 1 });
    expect(canonical(afterWrites)).toEqual(canonical(await reference()));
    await app.jobs.run('stats-rollup');
    expect(await app.db('stats_tally_delta').count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(canonical(await stats())).toEqual(canonical(afterWrites));

    // Another zone: the rollup counted in New York is not used, then the job counts the pool again.
    const zone = await call(app, adminToken, 'PATCH', '/api/pools/crm', {
      timeZone: 'Asia/Shanghai',
    });
    expect(zone.status).toBe(200);
    const shanghai = await stats();
    expect(canonical(shanghai)).toEqual(canonical(await reference()));
    expect(shanghai.days.map((d) => d.day)).not.toEqual(afterWrites.days.map((d) => d.day));
    await app.jobs.run('stats-rollup');
    expect(await app.db('stats_rollup').where({ pool_key: 'crm' }).first('time_zone')).toEqual({
      time_zone: 'Asia/Shanghai',
    });
    expect(canonical(await stats())).toEqual(canonical(shanghai));

    // P1 (claimed in the range, won) moves to another pool: still claimed and converted here, by its
    // state now, and out of this pool's breakdown. Moved in SQL as moveToPool's write does.
    const other = await call(app, adminToken, 'POST', '/api/pools', {
      key: 'crm2',
      name: { en: 'Other' },
      policyId: 'crm-customer-pool',
      members: [],
    });
    expect(other.status).toBe(201);
    await app.db('records').where({ id: p1 }).update({ pool_key: 'crm2' });
    const moved = await stats();
    expect(moved.conversion).toEqual({ claimed: 2, converted: 1, rate: 0.5, days: 30 });
    expect(canonical(moved).breakdown.items).toEqual([
      { value: 'software', total: 1, pooled: 1, converted: 0 },
      { value: 'trade', total: 1, pooled: 1, converted: 1 },
    ]);
    expect(canonical(moved)).toEqual(canonical(await reference()));

    // Claims the job rolled up convert after it ran: Q1 is won here, Q2 moves to crm2 and is won there
    // (in SQL, as moveToPool's and the writer's writes do). Both count at once, from history, and the
    // same once the job has read the wins into the claim rows.
    const q1 = await create('Q1', 'finance', null);
    const q2 = await create('Q2', 'finance', null);
    for (const id of [q1, q2])
      await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${id}/claim`);
    await advance(120);
    await app.jobs.run('stats-rollup');
    const claimRows = () =>
      app.db('stats_claim_rows').whereIn('record_id', [q1, q2]).orderBy('at').pluck('converted_at');
    expect(await claimRows()).toEqual([null, null]);
    await call(app, tokens['bob']!, 'POST', `/api/pools/crm/records/${q1}/events`, { type: 'WIN' });
    await app.db('records').where({ id: q2 }).update({ pool_key: 'crm2' });
    const q2seq = ((await app.db('records').where({ id: q2 }).first('seq')) as { seq: number }).seq;
    await app.db.raw(
      `INSERT INTO history (record_id, pool_key, seq, at, actor_id, event_type, from_state, to_state)
       VALUES (?, 'crm2', ?, ?, ?, 'WIN', 'owned', 'won')`,
      [q2, q2seq + 1, new Date(await now()), ids['bob']!],
    );
    // Reopened and won again there: two successes after one claim still make one converted record.
    await app.db.raw(
      `INSERT INTO history (record_id, pool_key, seq, at, actor_id, event_type, from_state, to_state)
       VALUES (?, 'crm2', ?, ?, ?, 'REOPEN', 'won', 'owned'), (?, 'crm2', ?, ?, ?, 'WIN', 'owned', 'won')`,
      [
        q2,
        q2seq + 2,
        new Date(await now()),
        ids['bob']!,
        q2,
        q2seq + 3,
        new Date(await now()),
        ids['bob']!,
      ],
    );
    await app
      .db('records')
      .where({ id: q2 })
      .update({ seq: q2seq + 3, state: 'won' });
    const wonLater = await stats();
    expect(wonLater.conversion).toEqual({ claimed: 4, converted: 3, rate: 0.75, days: 30 });
    expect(canonical(wonLater)).toEqual(canonical(await reference()));
    await advance(120);
    await app.jobs.run('stats-rollup');
    expect((await claimRows()).every((at) => at !== null)).toBe(true);
    const rolledWins = await stats();
    expect(rolledWins.conversion).toEqual(wonLater.conversion);
    expect(canonical(rolledWins)).toEqual(canonical(await reference()));

    // The claim rows keep the records' breakdown values; Q1's industry changes after the job wrote its
    // row (in SQL, as an edit's write does): the breakdown counts it under its value now at once (the
    // tally trigger marks it), and the next run writes the row again.
    const kept = () =>
      app.db('stats_claim_rows').where({ record_id: q1 }).pluck('fields') as Promise<unknown[]>;
    expect(await kept()).toEqual([{ industry: 'finance' }]);
    const converted = (s: PoolStats, value: string) =>
      s.breakdown.items.find((i) => i.value === value)?.converted ?? 0;
    expect(converted(rolledWins, 'finance')).toBe(2);
    await app.db.raw(
      `UPDATE records SET data = jsonb_set(data, '{industry}', '"education"') WHERE id = ?`,
      [q1],
    );
    expect(await app.db('stats_revalued').pluck('record_id')).toEqual([q1]);
    const edited = await stats();
    // No record of this pool is in finance now (Q2 moved on): the value leaves the breakdown.
    expect(converted(edited, 'finance')).toBe(0);
    expect(converted(edited, 'education')).toBe(1);
    expect(canonical(edited)).toEqual(canonical(await reference()));
    await app.jobs.run('stats-rollup');
    expect(await app.db('stats_revalued').count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(await kept()).toEqual([{ industry: 'education' }]);
    expect(canonical(await stats()).breakdown).toEqual(canonical(edited).breakdown);
  });
});
