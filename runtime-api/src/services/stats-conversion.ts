// Conversion from the pool: records claimed in a range that reached a success state within N days of a
// claim of theirs in the range, in total and per breakdown value (the one definition both figures use).
import type { Knex } from 'knex';

/** Days after a claim a success still counts as its conversion, by default and at most. */
export const CONVERT_DAYS_DEFAULT = 30;
export const CONVERT_DAYS_MAX = 365;

export interface Conversion {
  claimed: number;
  converted: number;
  /** Per value of the breakdown field (the record's value now). */
  byValue: Map<string | null, { claimed: number; converted: number }>;
}

/**
 * Claims at [from, to): rolled-up claim rows before `rowsThrough`, history's claims after it (the partial
 * claims index). Each claim is checked for an entry into a success state at [claim, claim + days] by the
 * record's history (history_record index), wherever the record is now: a record moved to another pool
 * and won there still converts here. A record is counted once however often it was claimed.
 */
export async function conversionOf(
  db: Knex,
  q: {
    pool: string;
    success: string[];
    from: number;
    to: number;
    rowsThrough: number;
    days: number;
    field: string;
  },
): Promise<Conversion> {
  const res = await db.raw<{
    rows: { value: string | null; claimed: number; converted: number }[];
  }>(
    `WITH c AS (
       SELECT record_id, at FROM stats_claim_rows
       WHERE pool_key = :pool AND at >= :from AND at < :rolledEnd
       UNION ALL
       SELECT record_id, at FROM history
       WHERE pool_key = :pool AND event_type = 'CLAIM' AND at >= :liveStart AND at < :to
     ), w AS (
       SELECT c.record_id, bool_or(EXISTS (
         SELECT 1 FROM history h
         WHERE h.record_id = c.record_id AND h.to_state = ANY(:success)
           AND h.from_state <> ALL(:success) AND h.at >= c.at AND h.at <= c.at + :days * interval '1 day'
       )) AS won
       FROM c GROUP BY 1
     )
     SELECT r.data ->> :field AS value, count(*)::int AS claimed, count(*) FILTER (WHERE w.won)::int AS converted
     FROM w LEFT JOIN records r ON r.id = w.record_id
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
    byValue.set(r.value, { claimed: r.claimed, converted: r.converted });
    claimed += r.claimed;
    converted += r.converted;
  }
  return { claimed, converted, byValue };
}
