// Pool analytics latency: GET-equivalent poolStats() over 30 days on N records with a year of history
// (about 3 history rows per record), p50/p95 vs a bare indexed count over the same range, in the same run.
import { formatRate, table, type BenchOutcome } from './harness.js';
import { poolStats, statesOf } from '../../runtime-api/src/services/stats.service.js';
import {
  benchSchema,
  DAY,
  envInt,
  NOW,
  percentile,
  POOL,
  printCommand,
  setupCrmPool,
  ms,
} from './runtime-harness.js';

export async function statsBench(): Promise<BenchOutcome> {
  const n = envInt('BENCH_STATS_N', 1_000_000);
  const runs = envInt('BENCH_STATS_RUNS', 20);
  printCommand('stats', { BENCH_STATS_N: n, BENCH_STATS_RUNS: runs });
  const db = await benchSchema();
  try {
    const { compiled, reps } = await setupCrmPool(db.knex, 50);
    const owners = reps.map((r) => r.id);
    const t0 = performance.now();
    // Records and their lifecycles in SQL: created over the year, released after 30 days, a third claimed
    // back, a tenth of those won. States and history agree, so the numbers are those a real pool would give.
    await db.knex.raw(
      `INSERT INTO records (id, pool_key, policy_id, policy_version, state, owner_id, pooled, done, tags, score, data, snapshot, seq, search, created_at, updated_at)
       SELECT gen_random_uuid(), :pool, 'crm-customer-pool', 1,
              CASE WHEN g % 30 = 0 THEN 'won' WHEN g % 3 = 0 THEN 'owned' ELSE 'pool' END,
              CASE WHEN g % 3 = 0 THEN (:owners::text[])[1 + g % :ownerCount] END,
              g % 3 <> 0, g % 30 = 0, '[]'::jsonb, (g % 100)::float8,
              jsonb_build_object('name', 'Customer ' || g, 'industry', (ARRAY['software','manufacturing','finance','trade','retail','education','other'])[1 + g % 7]),
              '{}'::json, 3, '', to_timestamp(:start) + (g % 365) * interval '1 day', to_timestamp(:start) + (g % 365) * interval '1 day'
       FROM generate_series(1, :n) AS g`,
      { pool: POOL, owners, ownerCount: owners.length, n, start: (NOW - 400 * DAY) / 1000 },
    );
    await db.knex.raw(
      `INSERT INTO history (record_id, pool_key, seq, at, actor_id, event_type, payload, from_state, to_state, owner_from, owner_to, tags, reason)
       SELECT r.id, r.pool_key, e.seq, r.created_at + e.after, e.actor, e.type, NULL, e.from_state, e.to_state, NULL, NULL, '[]'::jsonb, NULL
       FROM records r
       CROSS JOIN LATERAL (VALUES
         (1, interval '0 days', 'CREATE', 'owned', 'owned', NULL::text),
         (2, interval '30 days', 'TIMER', 'owned', 'pool', NULL::text),
         (3, interval '33 days', CASE WHEN r.owner_id IS NOT NULL THEN 'CLAIM' END, 'pool', 'owned', r.owner_id)
       ) AS e(seq, after, type, from_state, to_state, actor)
       WHERE e.type IS NOT NULL`,
    );
    await db.knex.raw('ANALYZE records');
    await db.knex.raw('ANALYZE history');
    const seedMs = performance.now() - t0;
    const historyRows = Number(
      ((await db.knex('history').count({ n: '*' }).first()) as { n: number }).n,
    );
    const states = statesOf([compiled]);
    const range = { from: NOW - 30 * DAY, to: NOW };

    const statsTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const a = performance.now();
      await poolStats(db.knex, POOL, states, range, 'industry');
      const b = performance.now();
      await db.knex.raw('SELECT count(*) FROM history WHERE pool_key = ? AND at >= ? AND at < ?', [
        POOL,
        new Date(range.from),
        new Date(range.to),
      ]);
      const c = performance.now();
      if (i >= 2) {
        statsTimes.push(b - a);
        bareTimes.push(c - b);
      }
    }
    console.log(
      `seeded ${formatRate(n)} records and ${formatRate(historyRows)} history rows in ${(seedMs / 1000).toFixed(0)} s`,
    );
    for (const line of table([
      ['', 'p50 ms', 'p95 ms'],
      [
        'pool stats, 30 days (7 queries: flows, size, conversion, median time, claims, breakdown)',
        ms(percentile(statsTimes, 50)),
        ms(percentile(statsTimes, 95)),
      ],
      [
        "bare count(*) of the range's history rows",
        ms(percentile(bareTimes, 50)),
        ms(percentile(bareTimes, 95)),
      ],
      [
        'ratio (p95)',
        `${(percentile(statsTimes, 95) / percentile(bareTimes, 95)).toFixed(1)}x`,
        '',
      ],
    ])) {
      console.log(line);
    }
    return { ok: true };
  } finally {
    await db.drop();
  }
}
