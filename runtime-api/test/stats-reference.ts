// The stats query as it was before the rollup (one pass over history and records per request): the
// reference the fast path (stats.service.ts) must give the same figures as, in tests and the bench.
import type { Knex } from 'knex';
import type { PoolStats } from '../src/services/stats.service.js';
import { DEFAULT_TIME_ZONE } from '../src/services/time-zone.js';

const DAY = 86_400_000;

/** The pool-local date (YYYY-MM-DD) of an instant: en-CA formats dates as ISO does. */
function localDate(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(ts);
}

export async function referencePoolStats(
  db: Knex,
  poolKey: string,
  states: { pooled: string[]; success: string[] },
  range: { from: number; to: number },
  breakdownField: string,
  convertDays = 30,
): Promise<PoolStats> {
  const from = new Date(range.from).toISOString();
  const to = new Date(range.to).toISOString();
  const { pooled, success } = states;
  // Days are the pool's local dates: a Beijing pool's day runs from 16:00 to 16:00 UTC.
  const zone = (await db('pools').where({ key: poolKey }).first('time_zone')) as
    { time_zone: string } | undefined;
  const timeZone = zone?.time_zone ?? DEFAULT_TIME_ZONE;
  // One pass over the range's history rows: each row is an entry into the pool, an exit, or neither.
  const flows = await db.raw<{
    rows: { day: string; dir: 'in' | 'out'; kind: string; n: number }[];
  }>(
    `SELECT to_char(at AT TIME ZONE :zone, 'YYYY-MM-DD') AS day,
            CASE WHEN to_state = ANY(:pooled) THEN 'in' ELSE 'out' END AS dir,
            lower(event_type) AS kind, count(*)::int AS n
     FROM history
     WHERE pool_key = :pool AND at >= :from
       AND ((to_state = ANY(:pooled) AND (from_state <> ALL(:pooled) OR event_type = 'CREATE'))
         OR (from_state = ANY(:pooled) AND to_state <> ALL(:pooled)))
     GROUP BY 1, 2, 3`,
    { pool: poolKey, pooled, from, zone: timeZone },
  );
  const pooledNow = Number(
    (
      (await db('records')
        .where({ pool_key: poolKey, pooled: true })
        .count({ n: '*' })
        .first()) as { n: number }
    ).n,
  );
  const days = new Map<
    string,
    { inflow: Record<string, number>; outflow: Record<string, number>; net: number }
  >();
  let netAfterRange = 0;
  const lastDay = localDate(range.to - 1, timeZone);
  const firstDay = localDate(range.from, timeZone);
  for (const r of flows.rows) {
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

  // Per value of the field: records claimed in the range, and those with a success within N days of such a claim.
  const conversion = await db.raw<{
    rows: { value: string | null; claimed: number; converted: number }[];
  }>(
    `SELECT r.data ->> :field AS value, count(DISTINCT c.record_id)::int AS claimed,
            count(DISTINCT c.record_id) FILTER (WHERE EXISTS (
              SELECT 1 FROM history w WHERE w.record_id = c.record_id AND w.to_state = ANY(:success)
                AND w.from_state <> ALL(:success) AND w.at >= c.at
                AND w.at <= c.at + :days * interval '1 day'))::int AS converted
     FROM history c JOIN records r ON r.id = c.record_id
     WHERE c.pool_key = :pool AND c.at >= :from AND c.at < :to AND c.event_type = 'CLAIM'
     GROUP BY 1`,
    { pool: poolKey, success, from, to, field: breakdownField, days: convertDays },
  );
  // Each exit from the pool in the range, paired with the latest entry before it (index on record_id, seq).
  const median = await db.raw<{
    rows: { exits: number; hours: number | null; p90: number | null }[];
  }>(
    `SELECT count(*)::int AS exits,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM x.at - e.at) / 3600) AS hours,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM x.at - e.at) / 3600) AS p90
     FROM history x
     CROSS JOIN LATERAL (
       SELECT h.at FROM history h
       WHERE h.record_id = x.record_id AND h.seq <= x.seq AND h.to_state = ANY(:pooled)
         AND (h.from_state <> ALL(:pooled) OR h.event_type = 'CREATE')
       ORDER BY h.seq DESC LIMIT 1
     ) e
     WHERE x.pool_key = :pool AND x.at >= :from AND x.at < :to
       AND x.from_state = ANY(:pooled) AND x.to_state <> ALL(:pooled)`,
    { pool: poolKey, pooled, from, to },
  );
  const claims = (await db('history')
    .where({ pool_key: poolKey, event_type: 'CLAIM' })
    .where('at', '>=', from)
    .where('at', '<', to)
    .groupBy('actor_id')
    .select('actor_id')
    .count({ n: '*' })
    .orderBy('n', 'desc')) as { actor_id: string; n: number | string }[];
  const breakdown = await db.raw<{
    rows: { value: string | null; total: number; pooled: number }[];
  }>(
    `SELECT data->>:field AS value, count(*)::int AS total, count(*) FILTER (WHERE pooled)::int AS pooled
     FROM records WHERE pool_key = :pool GROUP BY 1 ORDER BY total DESC LIMIT 50`,
    { field: breakdownField, pool: poolKey },
  );
  const c = { claimed: 0, converted: 0 };
  for (const r of conversion.rows) {
    c.claimed += r.claimed;
    c.converted += r.converted;
  }
  const byValue = new Map(conversion.rows.map((r) => [r.value, r]));
  const round = (h: number | null | undefined) =>
    h === null || h === undefined ? null : Math.round(Number(h) * 10) / 10;
  const hours = median.rows[0];
  return {
    from,
    to,
    pooledNow,
    days: series,
    conversion: {
      claimed: c.claimed,
      converted: c.converted,
      rate: c.claimed ? c.converted / c.claimed : null,
      days: convertDays,
    },
    exits: hours?.exits ?? 0,
    medianHoursInPool: round(hours?.hours),
    p90HoursInPool: round(hours?.p90),
    claimsByUser: claims.map((r) => ({ userId: r.actor_id, claims: Number(r.n) })),
    breakdown: {
      field: breakdownField,
      items: breakdown.rows.map((i) => ({
        ...i,
        converted: byValue.get(i.value)?.converted ?? 0,
      })),
    },
  };
}

/** Stats with the order of equal counts made canonical (SQL leaves ties in any order). */
export function canonical(s: PoolStats): PoolStats {
  return {
    ...s,
    claimsByUser: [...s.claimsByUser].sort(
      (a, b) => b.claims - a.claims || String(a.userId).localeCompare(String(b.userId)),
    ),
    breakdown: {
      ...s.breakdown,
      items: [...s.breakdown.items].sort(
        (a, b) => b.total - a.total || String(a.value).localeCompare(String(b.value)),
      ),
    },
  };
}
