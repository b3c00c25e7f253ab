// Pool analytics for managers: inflow/outflow per day, pool size, conversion, time in pool, claims per
// user, a breakdown. Closed days come from the rollup (stats-rollup.ts), the rest from history, and the
// pool's records from their tally (stats-tally.ts): the figures are the same whether the job ran or not.
import type { Knex } from 'knex';
import { csvLine } from './csv.js';
import { CONVERT_DAYS_DEFAULT, conversionOf } from './stats-conversion.js';
import { countedWith, EXIT_FILTER, EXIT_HOURS, FLOW_FILTER, localDate } from './stats-rollup.js';
import { breakdownOf } from './stats-tally.js';
import { DEFAULT_TIME_ZONE, localDay } from './time-zone.js';

export { statesOf } from './stats-rollup.js';

const DAY = 86_400_000;

export interface PoolStats {
  from: string;
  to: string;
  pooledNow: number;
  days: {
    day: string;
    inflow: Record<string, number>;
    outflow: Record<string, number>;
    poolSize: number;
  }[];
  /** Records claimed in the range that reached a success state within `days` of a claim in it. */
  conversion: { claimed: number; converted: number; rate: number | null; days: number };
  /** Exits from the pool in the range, and their time in pool. */
  exits: number;
  medianHoursInPool: number | null;
  p90HoursInPool: number | null;
  claimsByUser: { userId: string | null; claims: number }[];
  breakdown: {
    /** null: the pool's policy has no field with fixed values (no items). */
    field: string | null;
    /** total and pooled: records now; converted: the conversion's converted records, per value. */
    items: { value: string | null; total: number; pooled: number; converted: number }[];
  };
}

type FlowRow = { day: string; dir: 'in' | 'out'; kind: string; n: number };

/** Where the pool's rollup ends, if it was counted with the pool's zone and pool states of today. */
interface Rollup {
  /** The first day not rolled up, and its start. */
  throughDay: string;
  throughAt: number;
  /** Exits and claims are rolled up before this instant. */
  rowsThrough: number;
}

interface Scope {
  db: Knex;
  pool: string;
  pooled: string[];
  zone: string;
  rollup: Rollup | null;
  /** The start of the first day wholly in the range (`from` itself if it starts a day). */
  firstWhole: number;
}

async function scopeOf(
  db: Knex,
  pool: string,
  states: { pooled: string[]; success: string[] },
): Promise<Omit<Scope, 'firstWhole'>> {
  const { pooled } = states;
  const row = (await db('pools as p')
    .leftJoin('stats_rollup as s', 's.pool_key', 'p.key')
    .where('p.key', pool)
    .first(
      'p.time_zone',
      's.time_zone as rollup_zone',
      's.pooled',
      's.success',
      db.raw(`to_char(s.through_day, 'YYYY-MM-DD') AS through_day`),
      's.through_at',
      's.rows_through',
    )) as
    | {
        time_zone: string | null;
        rollup_zone: string | null;
        pooled: string[] | null;
        success: string[] | null;
        through_day: string | null;
        through_at: Date | null;
        rows_through: Date | null;
      }
    | undefined;
  const zone = row?.time_zone ?? DEFAULT_TIME_ZONE;
  // Rows counted with another zone, other pool or success states are not used until the job recounts.
  const current =
    row !== undefined &&
    row.through_day !== null &&
    countedWith(
      { time_zone: row.rollup_zone, pooled: row.pooled, success: row.success },
      { timeZone: zone, pooled: [...pooled].sort(), success: [...states.success].sort() },
    );
  return {
    db,
    pool,
    pooled,
    zone,
    rollup: current
      ? {
          throughDay: row.through_day!,
          throughAt: new Date(row.through_at!).getTime(),
          rowsThrough: new Date(row.rows_through!).getTime(),
        }
      : null,
  };
}

/** Entries into and exits from the pool per local day, for history rows at `from` and later. */
async function flowRows(s: Scope, from: number): Promise<FlowRow[]> {
  const live = async (a: number, b: number | null): Promise<FlowRow[]> =>
    (
      await s.db.raw<{ rows: FlowRow[] }>(
        `SELECT to_char(at AT TIME ZONE :zone, 'YYYY-MM-DD') AS day,
                CASE WHEN to_state = ANY(:pooled) THEN 'in' ELSE 'out' END AS dir,
                lower(event_type) AS kind, count(*)::int AS n
         FROM history
         WHERE pool_key = :pool AND at >= :a ${b === null ? '' : 'AND at < :b'} AND ${FLOW_FILTER}
         GROUP BY 1, 2, 3`,
        { zone: s.zone, pooled: s.pooled, pool: s.pool, a: new Date(a), b: new Date(b ?? a) },
      )
    ).rows;
  const r = s.rollup;
  if (!r || r.throughAt <= s.firstWhole) return live(from, null);
  const parts = await Promise.all([
    from < s.firstWhole ? live(from, s.firstWhole) : [],
    s.db
      .raw<{ rows: FlowRow[] }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, dir, kind, n FROM stats_flows
         WHERE pool_key = ? AND day >= ?::date AND day < ?::date`,
        [s.pool, localDate(s.firstWhole, s.zone), r.throughDay],
      )
      .then((x) => x.rows),
    live(r.throughAt, null),
  ]);
  return parts.flat();
}

/** Claims per user at [from, to): whole rolled-up days from stats_claims, the edges from history. */
async function claimsOf(s: Scope, from: number, to: number): Promise<PoolStats['claimsByUser']> {
  const live = async (a: number, b: number) =>
    (
      await s.db.raw<{ rows: { actor_id: string; n: number }[] }>(
        `SELECT COALESCE(actor_id, '') AS actor_id, count(*)::int AS n FROM history
         WHERE pool_key = ? AND event_type = 'CLAIM' AND at >= ? AND at < ? GROUP BY 1`,
        [s.pool, new Date(a), new Date(b)],
      )
    ).rows;
  // The end of the last whole day before `to` that the rollup holds.
  const end = s.rollup ? Math.min(s.rollup.throughAt, localDay(to, s.zone).start) : -Infinity;
  const parts =
    end <= s.firstWhole
      ? [await live(from, to)]
      : await Promise.all([
          from < s.firstWhole ? live(from, s.firstWhole) : [],
          s.db
            .raw<{ rows: { actor_id: string; n: number }[] }>(
              `SELECT actor_id, sum(n)::int AS n FROM stats_claims
               WHERE pool_key = ? AND day >= ?::date AND day < ?::date GROUP BY 1`,
              [s.pool, localDate(s.firstWhole, s.zone), localDate(end, s.zone)],
            )
            .then((x) => x.rows),
          end < to ? live(end, to) : [],
        ]);
  const counts = new Map<string, number>();
  for (const row of parts.flat()) counts.set(row.actor_id, (counts.get(row.actor_id) ?? 0) + row.n);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([id, claims]) => ({ userId: id === '' ? null : id, claims }));
}

/**
 * Median and 90th percentile hours in pool of the exits at [from, to) (each exit paired with the record's
 * latest entry before it): whole rolled-up days from their day rows of exit hours (stats_exit_days), the
 * edge days' rolled-up exits from stats_exits, then those history has after them.
 */
async function hoursInPool(
  s: Scope,
  from: number,
  to: number,
): Promise<{ exits: number; median: number | null; p90: number | null }> {
  const through = s.rollup?.rowsThrough ?? -Infinity;
  const rolledEnd = Math.max(from, Math.min(to, through));
  const liveStart = Math.min(to, Math.max(from, through));
  // Day rows exist for every day the rollup counted (their exits copied first): whole days of the range
  // before both the counted days' and the exit rows' end.
  const daysEnd = s.rollup
    ? Math.min(s.rollup.throughAt, localDay(rolledEnd, s.zone).start)
    : -Infinity;
  const days = daysEnd > s.firstWhole;
  const res = await s.db.raw<{
    rows: { exits: number; median: number | null; p90: number | null }[];
  }>(
    `SELECT count(*)::int AS exits, percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90 FROM (
       SELECT unnest(hours) AS hours FROM stats_exit_days
       WHERE pool_key = :pool AND day >= :firstDay::date AND day < :endDay::date
       UNION ALL
       SELECT hours FROM stats_exits WHERE pool_key = :pool AND at >= :from AND at < :edgeEnd
       UNION ALL
       SELECT hours FROM stats_exits WHERE pool_key = :pool AND at >= :edgeStart AND at < :rolledEnd
       UNION ALL
       SELECT hours FROM (${EXIT_HOURS}
         WHERE x.pool_key = :pool AND x.at >= :liveStart AND x.at < :to AND ${EXIT_FILTER}) live
     ) exits`,
    {
      pool: s.pool,
      pooled: s.pooled,
      from: new Date(from),
      to: new Date(to),
      // Without day rows, one range of exit rows: [from, rolledEnd).
      firstDay: days ? localDate(s.firstWhole, s.zone) : '1970-01-01',
      endDay: days ? localDate(daysEnd, s.zone) : '1970-01-01',
      edgeEnd: new Date(days ? s.firstWhole : rolledEnd),
      edgeStart: new Date(days ? daysEnd : rolledEnd),
      rolledEnd: new Date(rolledEnd),
      liveStart: new Date(liveStart),
    },
  );
  const row = res.rows[0];
  const round = (h: number | null | undefined) =>
    h === null || h === undefined ? null : Math.round(Number(h) * 10) / 10;
  return { exits: row?.exits ?? 0, median: round(row?.median), p90: round(row?.p90) };
}

export async function poolStats(
  db: Knex,
  poolKey: string,
  states: { pooled: string[]; success: string[] },
  range: { from: number; to: number },
  breakdownField: string | null,
  convertDays = CONVERT_DAYS_DEFAULT,
): Promise<PoolStats> {
  const { success } = states;
  const base = await scopeOf(db, poolKey, states);
  // Days are the pool's local dates: a Beijing pool's day runs from 16:00 to 16:00 UTC.
  const timeZone = base.zone;
  const day = localDay(range.from, timeZone);
  const s: Scope = { ...base, firstWhole: day.start === range.from ? range.from : day.end };
  const [flows, breakdown, conversion, hours, claimsByUser] = await Promise.all([
    flowRows(s, range.from),
    breakdownOf(db, poolKey, breakdownField),
    conversionOf(db, {
      pool: poolKey,
      success,
      ...range,
      rowsThrough: s.rollup?.rowsThrough ?? -Infinity,
      days: convertDays,
      field: breakdownField,
    }),
    hoursInPool(s, range.from, range.to),
    claimsOf(s, range.from, range.to),
  ]);
  const { pooledNow } = breakdown;
  const claimed = claimsByUser.reduce((sum, c) => sum + c.claims, 0) - conversion.repeats;
  const days = new Map<
    string,
    { inflow: Record<string, number>; outflow: Record<string, number>; net: number }
  >();
  let netAfterRange = 0;
  const lastDay = localDate(range.to - 1, timeZone);
  const firstDay = localDate(range.from, timeZone);
  for (const r of flows) {
    const signed = r.dir === 'in' ? r.n : -r.n;
    if (r.day > lastDay) {
      netAfterRange += signed;
      continue;
    }
    const key = r.day;
    const entry = days.get(key) ?? { inflow: {}, outflow: {}, net: 0 };
    const bucket = r.dir === 'in' ? entry.inflow : entry.outflow;
    bucket[r.kind] = (bucket[r.kind] ?? 0) + r.n;
    entry.net += signed;
    days.set(key, entry);
  }
  // Walk back from today's size: the size at the end of a day is the size now minus what came in since.
  const series: PoolStats['days'] = [];
  let size = pooledNow - netAfterRange;
  // Dates as UTC midnights only to step through the calendar; each is a local date of the pool.
  for (let t = Date.parse(lastDay); t >= Date.parse(firstDay); t -= DAY) {
    const key = new Date(t).toISOString().slice(0, 10);
    const entry = days.get(key);
    series.push({
      day: key,
      inflow: entry?.inflow ?? {},
      outflow: entry?.outflow ?? {},
      poolSize: size,
    });
    size -= entry?.net ?? 0;
  }
  series.reverse();

  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    pooledNow,
    days: series,
    conversion: {
      claimed,
      converted: conversion.converted,
      rate: claimed ? conversion.converted / claimed : null,
      days: convertDays,
    },
    exits: hours.exits,
    medianHoursInPool: hours.median,
    p90HoursInPool: hours.p90,
    claimsByUser,
    breakdown: {
      field: breakdownField,
      items: breakdown.items.map((i) => ({
        ...i,
        converted: conversion.byValue.get(i.value) ?? 0,
      })),
    },
  };
}

/** The daily series as CSV: one row per day and flow kind. */
export function statsCsv(stats: PoolStats): string {
  // Kinds are policy-defined names: written through csvLine, quoted and neutralised like every export.
  let out = csvLine(['day', 'direction', 'kind', 'count', 'pool_size']);
  for (const d of stats.days) {
    const rows = [
      ...Object.entries(d.inflow).map(([k, n]) => ['in', k, n] as const),
      ...Object.entries(d.outflow).map(([k, n]) => ['out', k, n] as const),
    ];
    if (rows.length === 0) out += csvLine([d.day, '', '', 0, d.poolSize]);
    for (const [dir, kind, n] of rows) out += csvLine([d.day, dir, kind, n, d.poolSize]);
  }
  return out;
}
