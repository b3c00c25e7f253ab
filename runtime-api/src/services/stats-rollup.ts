// The stats rollup job: counts closed pool-local days of history into stats_flows, stats_claims,
// stats_exits and stats_exit_days, and folds the record tally's deltas into stats_tally, so stats read
// a row per day.
import type { CompiledPolicy, Transition } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { Clock } from './clock.js';
import type { PolicyStore } from './policy-store.js';
import { dropStaleFields } from './stats-tally.js';
import { DEFAULT_TIME_ZONE, localDay } from './time-zone.js';

const DAY = 86_400_000;

/** A day is closed, and rolled up, once it ended this long before now (writes in flight commit first). */
export const ROLLUP_MARGIN_MS = 3_600_000;
/** Days one run rolls up per pool (the next run goes on), of days and of exit and claim rows alike. */
export const ROLLUP_DAYS_PER_RUN = 31;
/** Pools one run looks at, those furthest behind first. */
export const ROLLUP_POOLS_PER_RUN = 500;
/** Tally deltas one run folds into stats_tally. */
export const TALLY_DELTAS_PER_RUN = 50_000;
/** Records with a changed breakdown value whose claim rows one run writes again. */
export const REVALUED_PER_RUN = 10_000;
/** The tables the job fills per pool (a pool started over loses its rows in each). */
export const ROLLUP_TABLES = [
  'stats_flows',
  'stats_claims',
  'stats_exits',
  'stats_exit_days',
  'stats_claim_rows',
] as const;

/** What one pool's stats count with: its zone, and its pool and success states over every version. */
export interface PoolStates {
  timeZone: string;
  pooled: string[];
  success: string[];
  failure: string[];
  held: string[];
}

export interface RollupResult {
  pools: number;
  days: number;
  deltas: number;
}

/** The pool-local date (YYYY-MM-DD) of an instant: en-CA formats dates as ISO does. */
export function localDate(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(ts);
}

/**
 * Pool, success and failure states (`meta.outcome`) in every version of the pool's policy seen so far,
 * and the held states: where a record given to a rep is (a claim or an assignment from a pool state puts
 * it there, or it starts there owned). A timer from a held state to the pool is the rep's timeout; one
 * from a state the rep parked the record in (nurture, re-engage later) is its planned return.
 */
export function statesOf(policies: CompiledPolicy[]): Omit<PoolStates, 'timeZone'> {
  const pooled = new Set<string>();
  const success = new Set<string>();
  const failure = new Set<string>();
  const held = new Set<string>();
  for (const p of policies) {
    const { initial, states } = p.policy.machine;
    if (states[initial]?.meta?.pooled !== true) held.add(initial);
    for (const [name, node] of Object.entries(states)) {
      if (node.meta?.pooled) {
        pooled.add(name);
        for (const event of ['CLAIM', 'ASSIGN'])
          for (const target of targetsOf(node.on?.[event])) held.add(target);
      }
      const outcome = (node.meta as Record<string, unknown> | undefined)?.['outcome'];
      if (outcome === 'success') success.add(name);
      if (outcome === 'failure') failure.add(name);
    }
  }
  // Sorted: the rollup compares the pool states it counted with to today's.
  return {
    pooled: [...pooled].sort(),
    success: [...success].sort(),
    failure: [...failure].sort(),
    held: [...held].sort(),
  };
}

/** The states a transition (or its branches) leads to. */
function targetsOf(t: string | Transition | Transition[] | undefined): string[] {
  const branches = t === undefined ? [] : typeof t === 'string' ? [{ target: t }] : [t].flat();
  return branches.flatMap((b) => (b.target === undefined ? [] : [b.target]));
}

/** A pool's zone and states, from every published version of its policy. */
export async function poolStates(
  db: Knex,
  policies: PolicyStore,
  pool: { key: string; policy_id: string; time_zone?: string | null },
): Promise<PoolStates> {
  const versions = (await db('policy_versions')
    .where({ policy_id: pool.policy_id })
    .pluck('version')) as number[];
  const compiled = await Promise.all(versions.map((v) => policies.get(pool.policy_id, v)));
  return { timeZone: pool.time_zone ?? DEFAULT_TIME_ZONE, ...statesOf(compiled) };
}

// The same classification as the stats query: an entry into the pool, or an exit from it.
const ENTRY = `to_state = ANY(:pooled) AND (from_state <> ALL(:pooled) OR event_type = 'CREATE')`;
const EXIT = `from_state = ANY(:pooled) AND to_state <> ALL(:pooled)`;
export const FLOW_FILTER = `((${ENTRY}) OR (${EXIT}))`;
export const EXIT_FILTER = EXIT.replace(/\b(from_state|to_state)\b/g, 'x.$1');
/** Hours in pool of the exits `x`: each paired with the record's latest entry before it. */
export const EXIT_HOURS = `
  SELECT x.at, (extract(epoch FROM x.at - e.at) / 3600)::float8 AS hours
  FROM history x
  CROSS JOIN LATERAL (
    SELECT h.at FROM history h
    WHERE h.record_id = x.record_id AND h.seq <= x.seq AND h.to_state = ANY(:pooled)
      AND (h.from_state <> ALL(:pooled) OR h.event_type = 'CREATE')
    ORDER BY h.seq DESC LIMIT 1
  ) e`;

/** History row `s` is an entry into a success state. */
export const SUCCESS_ENTRY = `s.to_state = ANY(:success) AND s.from_state <> ALL(:success)`;
/** The record's claim in the pool before history claim `c`, if any: the first claim in a range has none in it. */
export const PREV_CLAIM = `(
  SELECT p.at FROM history p
  WHERE p.record_id = c.record_id AND p.seq < c.seq AND p.pool_key = :pool AND p.event_type = 'CLAIM'
  ORDER BY p.seq DESC LIMIT 1)`;
/** The values of the pool's breakdown fields (stats_fields) in record data `data`, as claim rows keep them. */
const FIELD_VALUES = (pool: string, data: string) => `(
  SELECT jsonb_object_agg(f.field, ${data} -> f.field) FROM stats_fields f WHERE f.pool_key = ${pool})`;

/** Whether the rollup was counted with the pool's zone, pool and success states of today (sorted lists). */
export function countedWith(
  row: { time_zone: string | null; pooled: string[] | null; success: string[] | null },
  now: { timeZone: string; pooled: string[]; success: string[] },
): boolean {
  const same = (a: string[] | null, b: string[]) => a?.join('\n') === b.join('\n');
  return (
    row.time_zone === now.timeZone && same(row.pooled, now.pooled) && same(row.success, now.success)
  );
}
/**
 * Entries into a success state at [:a, :b) of records that may have claims of the pool: in its own
 * history, and in other pools' for records that left it (stats_moved) with a claim not converted yet.
 */
export const SUCCESS_ENTRIES = `
  SELECT s.record_id, s.at FROM history s
  WHERE s.pool_key = :pool AND s.at >= :a AND s.at < :b AND ${SUCCESS_ENTRY}
  UNION ALL
  SELECT s.record_id, s.at FROM stats_moved m JOIN history s ON s.record_id = m.record_id
  WHERE m.pool_key = :pool AND s.pool_key <> :pool AND s.at >= :a AND s.at < :b AND ${SUCCESS_ENTRY}
    AND EXISTS (SELECT 1 FROM stats_claim_rows o
                WHERE o.record_id = m.record_id AND o.pool_key = :pool AND o.converted_at IS NULL)`;

export class StatsRollup {
  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
  ) {}

  /**
   * One run: stops tallying fields that are no longer breakdown fields, folds tally deltas, then rolls
   * up to ROLLUP_DAYS_PER_RUN closed days of each pool.
   */
  async run(): Promise<RollupResult> {
    await dropStaleFields(this.db, this.policies);
    const deltas = await this.foldTally();
    await this.refreshValues();
    const now = await this.clock.now(this.db);
    const pools = (await this.db('pools as p')
      .leftJoin('stats_rollup as s', 's.pool_key', 'p.key')
      .orderByRaw('s.through_at ASC NULLS FIRST, p.key')
      .limit(ROLLUP_POOLS_PER_RUN)
      .select('p.key', 'p.policy_id', 'p.time_zone')) as {
      key: string;
      policy_id: string;
      time_zone: string | null;
    }[];
    let days = 0;
    for (const pool of pools) days += await this.rollPool(pool, now);
    return { pools: pools.length, days, deltas };
  }

  /** Moves appended tally deltas into stats_tally in one statement (readers sum both, in one snapshot). */
  async foldTally(): Promise<number> {
    const moved = await this.db.raw<{ rows: { n: number }[] }>(
      `WITH moved AS (
         DELETE FROM stats_tally_delta
         WHERE ctid = ANY(ARRAY(SELECT ctid FROM stats_tally_delta LIMIT ${TALLY_DELTAS_PER_RUN}))
         RETURNING pool_key, field, v, pooled, state, n),
       folded AS (
         INSERT INTO stats_tally (pool_key, field, v, pooled, state, n)
         SELECT pool_key, field, v, pooled, state, sum(n)::int FROM moved GROUP BY 1, 2, 3, 4, 5
         ON CONFLICT (pool_key, field, v, pooled, state) DO UPDATE SET n = stats_tally.n + excluded.n)
       SELECT count(*)::int AS n FROM moved`,
    );
    await this.db.raw('DELETE FROM stats_tally WHERE n = 0');
    return moved.rows[0]?.n ?? 0;
  }

  /**
   * Writes again the breakdown values in the claim rows of records whose value changed (marked by the
   * tally trigger); the mark goes in the same statement, so a change after it marks the record again.
   */
  async refreshValues(): Promise<number> {
    const res = await this.db.raw<{ rows: { n: number }[] }>(
      `WITH marked AS (
         DELETE FROM stats_revalued
         WHERE record_id = ANY(ARRAY(SELECT record_id FROM stats_revalued LIMIT ${REVALUED_PER_RUN}))
         RETURNING record_id),
       fresh AS (
         UPDATE stats_claim_rows c SET fields = ${FIELD_VALUES('c.pool_key', 'r.data')}
         FROM marked m JOIN records r ON r.id = m.record_id WHERE c.record_id = m.record_id)
       SELECT count(*)::int AS n FROM marked`,
    );
    return res.rows[0]?.n ?? 0;
  }

  /**
   * Rolls up the pool's next closed days (at most ROLLUP_DAYS_PER_RUN), and its exits and claims up to
   * the margin before now (they need no whole days: stats read them by instant); the days rolled up.
   */
  async rollPool(
    pool: { key: string; policy_id: string; time_zone: string | null },
    now: number,
  ): Promise<number> {
    const { timeZone, pooled, success } = await poolStates(this.db, this.policies, pool);
    const closedUntil = localDay(now - ROLLUP_MARGIN_MS, timeZone).start;
    return this.db.transaction(async (trx) => {
      // Its statements aggregate weeks of history: JIT compilation, off for the runtime's sessions
      // (connect.ts), is on here as PostgreSQL has it by default.
      await trx.raw('SET LOCAL jit = on');
      // One process at a time per pool: the row is created if missing, then locked.
      await trx.raw(
        `INSERT INTO stats_rollup (pool_key, time_zone, pooled, through_day, through_at, rows_through)
         VALUES (?, '', '{}', '-infinity', '-infinity', '-infinity') ON CONFLICT DO NOTHING`,
        [pool.key],
      );
      const state = (await trx('stats_rollup')
        .where({ pool_key: pool.key })
        .forUpdate()
        .first()) as {
        time_zone: string;
        pooled: string[];
        success: string[];
        through_at: Date | number;
        rows_through: Date | number;
      };
      // A new row's '-infinity' parses as a number or an invalid date: it never matches below.
      let start = new Date(state.through_at).getTime();
      let rowsStart = new Date(state.rows_through).getTime();
      if (!countedWith(state, { timeZone, pooled, success })) {
        // Counted with another zone, other pool or success states (or never): start the pool over.
        for (const table of ROLLUP_TABLES) await trx(table).where({ pool_key: pool.key }).del();
        const first = (await trx('history')
          .where({ pool_key: pool.key })
          .min({ at: 'at' })
          .first()) as { at: Date | string | null } | undefined;
        start = first?.at ? localDay(new Date(first.at).getTime(), timeZone).start : closedUntil;
        rowsStart = start;
      }
      let end = start;
      let days = 0;
      while (end < closedUntil && days < ROLLUP_DAYS_PER_RUN) {
        end = localDay(end, timeZone).end;
        days++;
      }
      // Exit and claim rows reach at least the days counted (`end` is before now's margin), so every
      // counted day's exits are copied when its day row of exit hours is written below.
      const rowsEnd = Math.min(
        now - ROLLUP_MARGIN_MS,
        Math.max(end, rowsStart + ROLLUP_DAYS_PER_RUN * DAY),
      );
      const range = { pool: pool.key, pooled, zone: timeZone };
      if (rowsEnd > rowsStart)
        await this.copyRows(trx, {
          ...range,
          success,
          a: new Date(rowsStart),
          b: new Date(rowsEnd),
        });
      if (days > 0) await this.countDays(trx, { ...range, a: new Date(start), b: new Date(end) });
      await trx('stats_rollup')
        .where({ pool_key: pool.key })
        .update({
          time_zone: timeZone,
          pooled,
          success,
          through_day: localDate(end, timeZone),
          through_at: new Date(end),
          rows_through: new Date(Math.max(rowsStart, rowsEnd)),
        });
      return days;
    });
  }

  /**
   * Counts history rows at [a, b) of the pool: flows and claims per local day; and the day's exit hours,
   * sorted in one row, from the exit rows (copied up to `b` or later first).
   */
  private async countDays(
    trx: Knex.Transaction,
    range: { pool: string; pooled: string[]; zone: string; a: Date; b: Date },
  ): Promise<void> {
    const inRange = `pool_key = :pool AND at >= :a AND at < :b`;
    await trx.raw(
      `INSERT INTO stats_flows (pool_key, day, dir, kind, n)
       SELECT :pool, (at AT TIME ZONE :zone)::date,
              CASE WHEN to_state = ANY(:pooled) THEN 'in' ELSE 'out' END, lower(event_type), count(*)::int
       FROM history WHERE ${inRange} AND ${FLOW_FILTER}
       GROUP BY 2, 3, 4`,
      range,
    );
    await trx.raw(
      `INSERT INTO stats_claims (pool_key, day, actor_id, n)
       SELECT :pool, (at AT TIME ZONE :zone)::date, COALESCE(actor_id, ''), count(*)::int
       FROM history WHERE ${inRange} AND event_type = 'CLAIM'
       GROUP BY 2, 3`,
      range,
    );
    await trx.raw(
      `INSERT INTO stats_exit_days (pool_key, day, hours)
       SELECT :pool, (at AT TIME ZONE :zone)::date, array_agg(hours ORDER BY hours)
       FROM stats_exits WHERE ${inRange}
       GROUP BY 2`,
      range,
    );
  }

  /**
   * One row per exit (with its hours in pool) and per claim at [a, b); claims rolled up before `a` and
   * not converted yet take their first entry into a success state at [a, b).
   */
  private async copyRows(
    trx: Knex.Transaction,
    range: { pool: string; pooled: string[]; success: string[]; a: Date; b: Date },
  ): Promise<void> {
    await trx.raw(
      `INSERT INTO stats_exits (pool_key, at, hours)
       SELECT :pool, at, hours FROM (${EXIT_HOURS}
         WHERE x.pool_key = :pool AND x.at >= :a AND x.at < :b AND ${EXIT_FILTER}) exits`,
      range,
    );
    await trx.raw(
      `UPDATE stats_claim_rows c SET converted_at = s.at
       FROM (SELECT record_id, min(at) AS at FROM (${SUCCESS_ENTRIES}) x GROUP BY 1) s
       WHERE c.record_id = s.record_id AND c.pool_key = :pool AND c.converted_at IS NULL
         AND c.at < :a`,
      range,
    );
    await trx.raw(
      `INSERT INTO stats_claim_rows (pool_key, at, record_id, prev_at, converted_at, fields)
       SELECT :pool, c.at, c.record_id, ${PREV_CLAIM},
              (SELECT min(s.at) FROM history s
               WHERE s.record_id = c.record_id AND s.at >= c.at AND s.at < :b AND ${SUCCESS_ENTRY}),
              ${FIELD_VALUES(':pool', 'r.data')}
       FROM history c
       -- Joined, not looked up per claim: a month of a large pool's claims reads records in one pass.
       LEFT JOIN records r ON r.id = c.record_id
       WHERE c.pool_key = :pool AND c.event_type = 'CLAIM' AND c.at >= :a AND c.at < :b`,
      range,
    );
  }
}
