// Pool analytics latency: poolStats() over 7, 30 and 90 days on N records with a year of history (about
// 2.3 history rows per record), after the rollup job ran, p50/p95 vs a bare indexed count over the same
// range in the same run (and the per-rep table's, read from history); and the figures checked equal to the
// reference (pre-rollup) query's.
import { deepStrictEqual } from 'node:assert';
import type { Knex } from 'knex';
import { formatRate, table, type BenchOutcome } from './harness.js';
import { clockOf } from '../../runtime-api/src/services/clock.js';
import { PolicyStore } from '../../runtime-api/src/services/policy-store.js';
import { ROLLUP_TABLES, StatsRollup } from '../../runtime-api/src/services/stats-rollup.js';
import {
  poolStats,
  statesOf,
  type PoolStats,
} from '../../runtime-api/src/services/stats.service.js';
import { repStats } from '../../runtime-api/src/services/stats-reps.js';
import { canonical, referencePoolStats } from '../../runtime-api/test/stats-reference.js';
import { openDatabase } from '../../runtime-api/src/db/connect.js';
import {
  benchSchema,
  databaseUrl,
  DAY,
  envInt,
  NOW,
  percentile,
  POOL,
  printCommand,
  setupCrmPool,
  ms,
} from './runtime-harness.js';

const WINDOWS = [7, 30, 90];
/** Requests per range before timing: one per connection of the bench's pool (benchSchema's 10). */
const WARM_UP = 10;

export async function seed(knex: Knex, n: number, owners: string[]): Promise<void> {
  // Records and their lifecycles in SQL: created over the year at any minute of the day, released after
  // 30 days, a third claimed back 3 days later, a tenth of those won 5 days after the claim; the last rows
  // reach the bench's now, and none is after it (a win that would be is not yet: that record is owned).
  await knex.raw(
    `INSERT INTO records (id, pool_key, policy_id, policy_version, state, owner_id, pooled, done, tags, score, data, snapshot, seq, search, created_at, updated_at)
     SELECT gen_random_uuid(), :pool, 'crm-customer-pool', 1,
            CASE WHEN w.won THEN 'won' WHEN g % 3 = 0 THEN 'owned' ELSE 'pool' END,
            CASE WHEN g % 3 = 0 THEN (:owners::text[])[1 + g % :ownerCount] END,
            g % 3 <> 0, w.won, '[]'::jsonb, (g % 100)::float8,
            jsonb_build_object('name', 'Customer ' || g, 'industry', (ARRAY['software','manufacturing','finance','trade','retail','education','other'])[1 + g % 7]),
            '{}'::json, 3, '', c.at, c.at
     FROM generate_series(1, :n) AS g
     CROSS JOIN LATERAL (SELECT to_timestamp(:start) + (g % 365) * interval '1 day'
                                + ((g::bigint * 7919) % 1440) * interval '1 minute' AS at) c
     CROSS JOIN LATERAL (SELECT g % 30 = 0 AND c.at + interval '38 days' <= to_timestamp(:now) AS won) w`,
    {
      pool: POOL,
      owners,
      ownerCount: owners.length,
      n,
      start: (NOW - 398 * DAY) / 1000,
      now: NOW / 1000,
    },
  );
  await knex.raw(
    `INSERT INTO history (record_id, pool_key, seq, at, actor_id, event_type, payload, from_state, to_state, owner_from, owner_to, tags, reason)
     SELECT r.id, r.pool_key, e.seq, r.created_at + e.after, e.actor, e.type, NULL, e.from_state, e.to_state,
            CASE WHEN e.seq = 4 THEN e.actor END, NULL, '[]'::jsonb, NULL
     FROM records r
     CROSS JOIN LATERAL (VALUES
       (1, interval '0 days', 'CREATE', 'owned', 'owned', NULL::text),
       (2, interval '30 days', 'TIMER', 'owned', 'pool', NULL::text),
       (3, interval '33 days', CASE WHEN r.owner_id IS NOT NULL THEN 'CLAIM' END, 'pool', 'owned', r.owner_id),
       (4, interval '38 days', CASE WHEN r.state = 'won' THEN 'WIN' END, 'owned', 'won', r.owner_id)
     ) AS e(seq, after, type, from_state, to_state, actor)
     WHERE e.type IS NOT NULL`,
  );
  // Autovacuum would do this on its own for insert-only tables; done now so the runs do not race it.
  await knex.raw('VACUUM ANALYZE records');
  await knex.raw('VACUUM ANALYZE history');
}

/**
 * What the record tally's triggers cost a write: claims-like updates (state and pooled change) one
 * record per statement and 1,000 per statement, with the triggers and without, alternating.
 */
async function writeCost(knex: Knex): Promise<void> {
  const ids = await knex('records').where({ pool_key: POOL }).limit(20_000).pluck('id');
  const flip = `UPDATE records SET state = CASE WHEN pooled THEN 'owned' ELSE 'pool' END,
                pooled = NOT pooled WHERE id = ANY(?::uuid[])`;
  const set = (on: boolean) =>
    knex.raw(`ALTER TABLE records ${on ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
  const single = { on: [] as number[], off: [] as number[] };
  const bulk = { on: [] as number[], off: [] as number[] };
  let next = 0;
  for (let round = 0; round < 10; round++) {
    // Which goes first alternates: a checkpoint or cold pages then fall on both sides alike.
    for (const on of round % 2 ? [true, false] : [false, true]) {
      await set(on);
      const a = performance.now();
      for (let i = 0; i < 200; i++) await knex.raw(flip, [[ids[next++ % ids.length]]]);
      single[on ? 'on' : 'off'].push((performance.now() - a) / 200);
      const b = performance.now();
      await knex.raw(flip, [ids.slice((next % 19) * 1000, (next % 19) * 1000 + 1000)]);
      bulk[on ? 'on' : 'off'].push(performance.now() - b);
      next += 1000;
    }
  }
  await set(true);
  const med = (v: number[]) => percentile(v, 50);
  for (const line of table([
    ['record write (tally triggers)', 'with ms', 'without ms', 'ratio'],
    [
      '1 record per UPDATE',
      ms(med(single.on)),
      ms(med(single.off)),
      `${(med(single.on) / med(single.off)).toFixed(2)}x`,
    ],
    [
      '1,000 records per UPDATE',
      ms(med(bulk.on)),
      ms(med(bulk.off)),
      `${(med(bulk.on) / med(bulk.off)).toFixed(2)}x`,
    ],
  ]))
    console.log(line);
}

export async function statsBench(): Promise<BenchOutcome> {
  const n = envInt('BENCH_STATS_N', 1_000_000);
  const runs = envInt('BENCH_STATS_RUNS', 20);
  printCommand('stats', { BENCH_STATS_N: n, BENCH_STATS_RUNS: runs });
  const db = await benchSchema();
  try {
    const { compiled, reps } = await setupCrmPool(db.knex, 50);
    const t0 = performance.now();
    await seed(
      db.knex,
      n,
      reps.map((r) => r.id),
    );
    const seedMs = performance.now() - t0;
    const historyRows = Number(
      ((await db.knex('history').count({ n: '*' }).first()) as { n: number }).n,
    );
    console.log(
      `seeded ${formatRate(n)} records and ${formatRate(historyRows)} history rows in ${(seedMs / 1000).toFixed(0)} s`,
    );
    const states = statesOf([compiled]);
    const ranges = WINDOWS.map((days) => ({ days, from: NOW - days * DAY, to: NOW }));
    const stats = (r: { from: number; to: number }) =>
      poolStats(db.knex, POOL, states, r, 'industry');

    // The same figures as the reference, before the job ran (history only) and after it.
    const reference = new Map<number, { stats: PoolStats; ms: number[] }>();
    let same = true;
    const check = async (label: string): Promise<void> => {
      for (const r of ranges) {
        const ref = reference.get(r.days)!.stats;
        try {
          deepStrictEqual(canonical(await stats(r)), canonical(ref));
        } catch (e) {
          same = false;
          console.log(`${r.days} days, ${label}: figures differ from the reference`, e);
        }
      }
    };
    for (const r of ranges) {
      const times: number[] = [];
      let last: PoolStats | undefined;
      for (let i = 0; i < 3; i++) {
        const a = performance.now();
        last = await referencePoolStats(db.knex, POOL, states, r, 'industry');
        times.push(performance.now() - a);
      }
      reference.set(r.days, { stats: last!, ms: times });
    }
    await check('before the rollup job');
    const rollup = new StatsRollup(db.knex, new PolicyStore(db.knex), clockOf('manual'));
    const r0 = performance.now();
    let rolledDays = 0;
    // A year of history is 12 runs of 31 days; bounded in case a run stops making progress.
    for (let run = 0; run < 20; run++) {
      const result = await rollup.run();
      rolledDays += result.days;
      if (result.days === 0) break;
    }
    console.log(
      `rollup job: ${rolledDays} days in ${((performance.now() - r0) / 1000).toFixed(1)} s`,
    );
    // As autovacuum would, so index-only scans of the new rows need no heap visits.
    for (const t of ROLLUP_TABLES) await db.knex.raw(`VACUUM ANALYZE ${t}`);
    await check('after the rollup job');

    // A request on connections that never ran it pays for the backends' catalog reads: shown apart,
    // on a pool of its own, and each range is run once per connection of the bench's pool before it
    // is timed, as on a server that has been up (its idle connections live 10 minutes: POOL_IDLE_MS).
    const cold: string[] = [];
    for (const r of ranges) {
      const fresh = await openDatabase({ databaseUrl, schema: db.schema, migrate: false });
      const a = performance.now();
      await poolStats(fresh.knex, POOL, states, r, 'industry');
      cold.push(`${r.days} days ${ms(performance.now() - a)} ms`);
      await fresh.close();
    }
    console.log(`first request on fresh connections: ${cold.join(', ')}`);
    const rows: string[][] = [
      ['', 'p50 ms', 'p95 ms', 'bare p50', 'bare p95', 'ratio p95', 'reference p50'],
    ];
    const repRows: string[][] = [];
    let fast = true;
    for (const r of ranges) {
      const statsTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let i = 0; i < runs + WARM_UP; i++) {
        const a = performance.now();
        await stats(r);
        const b = performance.now();
        await db.knex.raw(
          'SELECT count(*) FROM history WHERE pool_key = ? AND at >= ? AND at < ?',
          [POOL, new Date(r.from), new Date(r.to)],
        );
        const c = performance.now();
        if (i >= WARM_UP) {
          statsTimes.push(b - a);
          bareTimes.push(c - b);
        }
      }
      const p95 = percentile(statsTimes, 95);
      if (p95 > 50) fast = false;
      const repTimes: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const a = performance.now();
        await repStats(db.knex, POOL, states, r);
        if (i >= 2) repTimes.push(performance.now() - a);
      }
      repRows.push([
        `per-rep table, ${r.days} days`,
        ms(percentile(repTimes, 50)),
        ms(percentile(repTimes, 95)),
        ms(percentile(bareTimes, 50)),
        ms(percentile(bareTimes, 95)),
        `${(percentile(repTimes, 95) / percentile(bareTimes, 95)).toFixed(1)}x`,
        '',
      ]);
      rows.push([
        `pool stats, ${r.days} days`,
        ms(percentile(statsTimes, 50)),
        ms(p95),
        ms(percentile(bareTimes, 50)),
        ms(percentile(bareTimes, 95)),
        `${(p95 / percentile(bareTimes, 95)).toFixed(1)}x`,
        ms(percentile(reference.get(r.days)!.ms, 50)),
      ]);
    }
    for (const line of table([...rows, ...repRows])) console.log(line);
    await writeCost(db.knex);
    console.log(
      `figures equal to the reference query's: ${same ? 'yes' : 'NO'}; p95 at most 50 ms: ${fast ? 'yes' : 'no'}`,
    );
    return { ok: same && fast };
  } finally {
    await db.drop();
  }
}
