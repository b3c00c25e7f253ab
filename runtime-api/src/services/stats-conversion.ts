// Conversion from the pool: records claimed in a range that reached a success state within N days of a
// claim of theirs in the range, in total and converted per breakdown value (one definition for both).
import type { Knex } from 'knex';

/** Days after a claim a success still counts as its conversion, by default and at most. */
export const CONVERT_DAYS_DEFAULT = 30;
export const CONVERT_DAYS_MAX = 365;

export interface Conversion {
  claimed: number;
  converted: number;
  /** Converted records per value of the breakdown field (the record's value now). */
  byValue: Map<string | null, number>;
}

/**
 * Claims at [from, to): rolled-up claim rows before `rowsThrough`, history's claims after it (the partial
 * claims index); a record is counted once however often it was claimed. A claimed record converts if its
 * history (history_record) has an entry into a success state at [claim, claim + days] for a claim in the
 * range, wherever the record is now: one moved to another pool and won there still converts here.
 * When every success state is final, only records in a success state now are candidates (found by
 * records' (pool, state) index, and moved ones by stats_moved): measured on the stats bench's 90 days
 * (16k claims, 200k records), 95-110 ms with a history lookup per claimed record, 35-48 ms so.
 */
export async function conversionOf(
  db: Knex,
  q: {
    pool: string;
    success: string[];
    successFinal: boolean;
    from: number;
    to: number;
    rowsThrough: number;
    days: number;
    field: string;
  },
): Promise<Conversion> {
  const candidates = q.successFinal
    ? `SELECT id, data ->> :field AS value FROM records WHERE pool_key = :pool AND state = ANY(:success)
       UNION ALL
       SELECT r.id, r.data ->> :field FROM stats_moved m JOIN records r ON r.id = m.record_id
       WHERE m.pool_key = :pool AND r.pool_key <> :pool AND r.state = ANY(:success)`
    : `SELECT r.id, r.data ->> :field AS value FROM w JOIN records r ON r.id = w.record_id`;
  const res = await db.raw<{
    rows: { value: string | null; claimed: number; converted: number }[];
  }>(
    `WITH c AS (
       SELECT record_id, at FROM stats_claim_rows
       WHERE pool_key = :pool AND at >= :from AND at < :rolledEnd
       UNION ALL
       SELECT record_id, at FROM history
       WHERE pool_key = :pool AND event_type = 'CLAIM' AND at >= :liveStart AND at < :to
     ), w AS (SELECT record_id, array_agg(at) AS ats FROM c GROUP BY 1),
     won AS (${candidates}),
     -- Materialized: the planner would otherwise look up every claimed record's history before the join.
     cand AS MATERIALIZED (SELECT w.record_id, w.ats, won.value FROM w JOIN won ON won.id = w.record_id)
     SELECT NULL AS value, (SELECT count(*)::int FROM w) AS claimed, 0 AS converted
     UNION ALL
     SELECT value, 0, count(*)::int FROM cand
     WHERE EXISTS (
       SELECT 1 FROM history h CROSS JOIN unnest(cand.ats) a(at)
       WHERE h.record_id = cand.record_id AND h.to_state = ANY(:success)
         AND h.from_state <> ALL(:success) AND h.at >= a.at
         AND h.at <= a.at + :days * interval '1 day')
     GROUP BY 1`,
    {
      pool: q.pool,
      success: q.success,
      field: q.field,
      days: q.days,
      from: new Date(q.from),
      to: new Date(q.to),
      rolledEnd: new Date(Math.max(q.from, Math.min(q.to, q.rowsThrough))),
      liveStart: new Date(Math.min(q.to, Math.max(q.from, q.rowsThrough))),
    },
  );
  const byValue: Conversion['byValue'] = new Map();
  let claimed = 0;
  let converted = 0;
  for (const r of res.rows) {
    claimed += r.claimed;
    converted += r.converted;
    if (r.converted > 0) byValue.set(r.value, r.converted);
  }
  return { claimed, converted, byValue };
}
