// Conversion from the pool: records claimed in a range that reached a success state within N days of a
// claim of theirs in the range, in total and converted per breakdown value (one definition for both).
import type { Knex } from 'knex';
import { PREV_CLAIM, SUCCESS_ENTRIES, SUCCESS_ENTRY } from './stats-rollup.js';

/** Days after a claim a success still counts as its conversion, by default and at most. */
export const CONVERT_DAYS_DEFAULT = 30;
export const CONVERT_DAYS_MAX = 365;

export interface Conversion {
  /**
   * Claims in the range of a record claimed before in it (its previous claim in the pool is in the
   * range): the claimed records are the range's claims less these.
   */
  repeats: number;
  converted: number;
  /** Converted records per value of the breakdown field (the record's value now). */
  byValue: Map<string | null, number>;
}

/**
 * Claims at [from, to): rolled-up claim rows before `rowsThrough`, history's claims after it (the partial
 * claims index). A record is counted once however often it was claimed: by its first claim in the range,
 * the one whose previous claim in the pool (`prev_at`, PREV_CLAIM for history's) is before the range; so
 * the claimed records are the range's claims (counted per user from stats_claims) less the repeats, the
 * claims whose previous claim is in the range (their own index: a few rows, not the range's every claim).
 * A claimed record converts if it entered a success state at [claim, claim + days] for a claim in the
 * range, wherever the record is now (one moved to another pool and won there still converts here): a
 * rolled-up claim carries its first such entry before `rowsThrough` (`converted_at`, kept by the rollup
 * job) and the record's breakdown values; entries after it are read from history (SUCCESS_ENTRIES), as
 * are the later claims' outcomes, and their records' values from records.
 * Measured on the stats bench's 90 days (82k claims, 1,000,000 records), a history lookup per claimed
 * record that is won now took 0.5-0.7 s; the claim rows' index alone answers this, and since migration 017
 * the partial index of converted claims (8k of the 82k).
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
    /** The breakdown field; null: none (every converted record is counted under the value null). */
    field: string | null;
  },
): Promise<Conversion> {
  const rolledEnd = Math.max(q.from, Math.min(q.to, q.rowsThrough));
  const liveStart = Math.min(q.to, Math.max(q.from, q.rowsThrough));
  const bindings = {
    pool: q.pool,
    success: q.success,
    field: q.field,
    days: q.days,
    from: new Date(q.from),
    to: new Date(q.to),
    // Entries the rollup has not read, to now: a success after `to` within `days` of a claim counts.
    a: new Date(Math.max(q.from, q.rowsThrough)),
    b: new Date('9999-12-31T00:00:00Z'),
    rolledEnd: new Date(rolledEnd),
    liveStart: new Date(liveStart),
  };
  const live = `SELECT c.record_id, c.at, ${PREV_CLAIM} AS prev_at FROM history c
    WHERE c.pool_key = :pool AND c.event_type = 'CLAIM' AND c.at >= :liveStart AND c.at < :to`;
  const within = (claim: string) =>
    `s.at >= ${claim}.at AND s.at <= ${claim}.at + :days * interval '1 day'`;
  // Two statements side by side, each reading its partial index of claim rows (migration 017).
  const [repeatsRes, convertedRes] = await Promise.all([
    db.raw<{ rows: { n: number }[] }>(
      `SELECT ((SELECT count(*) FROM stats_claim_rows
                WHERE pool_key = :pool AND prev_at >= :from AND at < :rolledEnd) +
               (SELECT count(*) FROM (${live}) l WHERE prev_at >= :from))::int AS n`,
      bindings,
    ),
    db.raw<{ rows: { value: string | null; n: number }[] }>(
      `WITH later AS MATERIALIZED (${SUCCESS_ENTRIES}),
       live AS MATERIALIZED (${live}),
       -- Records claimed more than once in the range (a claim whose previous claim is in it): only
       -- they can have more than one row below, so only they are grouped per record.
       repeated AS MATERIALIZED (
         SELECT record_id FROM stats_claim_rows
         WHERE pool_key = :pool AND prev_at >= :from AND at < :rolledEnd
         UNION
         SELECT record_id FROM live WHERE prev_at >= :from
       ),
       conv AS MATERIALIZED (
         SELECT record_id, (fields -> :field) IS NOT NULL AS kept, fields ->> :field AS v
         FROM stats_claim_rows
         WHERE pool_key = :pool AND at >= :from AND at < :rolledEnd
           AND converted_at <= at + :days * interval '1 day'
         UNION ALL
         -- One row per record, however many claims and successes it has.
         SELECT DISTINCT r.record_id, false, NULL::text FROM later s
         JOIN stats_claim_rows r ON r.record_id = s.record_id
         WHERE r.pool_key = :pool AND r.at >= :from AND r.at < :rolledEnd
           AND r.converted_at IS NULL AND ${within('r')}
         UNION ALL
         SELECT l.record_id, false, NULL FROM live l WHERE EXISTS (
           SELECT 1 FROM history s WHERE s.record_id = l.record_id AND ${SUCCESS_ENTRY}
             AND ${within('l')})
       ), per AS (
         SELECT record_id, kept, v FROM conv
         WHERE record_id NOT IN (SELECT record_id FROM repeated)
         UNION ALL
         SELECT record_id, bool_and(kept), min(v) FROM conv
         WHERE record_id IN (SELECT record_id FROM repeated) GROUP BY 1
       )
       -- The value the claim rows keep, unless the record's value changed since (stats_revalued):
       -- then, as for claims the rollup has not read, a lookup of the record.
       SELECT CASE WHEN per.kept AND NOT EXISTS (
                     SELECT 1 FROM stats_revalued x WHERE x.record_id = per.record_id)
                   THEN per.v
                   ELSE (SELECT r.data ->> :field FROM records r WHERE r.id = per.record_id) END
                AS value,
              count(*)::int AS n
       FROM per GROUP BY 1`,
      bindings,
    ),
  ]);
  const byValue: Conversion['byValue'] = new Map();
  let converted = 0;
  for (const r of convertedRes.rows) {
    converted += r.n;
    byValue.set(r.value, r.n);
  }
  const repeats = repeatsRes.rows[0]?.n ?? 0;
  return { repeats, converted, byValue };
}
