// Migration 015: conversion from the rollup. Each rolled-up claim row carries the record's claim in the pool
// before it (`prev_at`: a record is counted once per range without DISTINCT), its first entry into a
// success state at or after the claim as far as the rollup has read history (`converted_at`), and the
// record's values of the pool's breakdown fields (`fields`), so stats find the range's converted records
// and their breakdown values in the claim rows' index instead of a history lookup per claimed record
// and a record read per converted one (stats-conversion.ts). A record whose breakdown value changes
// after its rows were written is marked in stats_revalued by the tally trigger (read from records until
// the job writes its rows again). The rollup keeps the success states it counted with, like the pool
// states; every pool's rollup is counted again once (its rows carry none of the new columns).
import type { Migration } from './migrations.js';
import { TRIGGER_FUNCTION } from './stats-rollup-migration.js';

/** The tally trigger's update branch also marks records whose value of a breakdown field changed. */
const MARK_REVALUED = `
    -- One row per (record, field, value) of old and new: two rows for a field are a changed value.
    INSERT INTO stats_revalued (record_id)
    SELECT DISTINCT id FROM (
      SELECT c.id, f.field, c.data ->> f.field AS v FROM new_rows c JOIN stats_fields f ON f.pool_key = c.pool_key
      UNION
      SELECT c.id, f.field, c.data ->> f.field FROM old_rows c JOIN stats_fields f ON f.pool_key = c.pool_key
    ) c GROUP BY id, field HAVING count(*) > 1
    ON CONFLICT DO NOTHING;
  ELSE`;

function markingTrigger(): string {
  const anchor = 'ON CONFLICT DO NOTHING;\n  ELSE';
  if (!TRIGGER_FUNCTION.includes(anchor)) throw new Error('015: the tally trigger changed shape');
  return TRIGGER_FUNCTION.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').replace(
    anchor,
    `ON CONFLICT DO NOTHING;${MARK_REVALUED}`,
  );
}

/** 015's index of claim rows by time, covering what the conversion read (replaced by 017). */
const COVERING_AT = `CREATE INDEX stats_claim_rows_at ON stats_claim_rows (pool_key, at)
  INCLUDE (record_id, prev_at, converted_at, fields)`;

export const statsConversion: Migration = {
  name: '015_stats_conversion',
  async up(knex) {
    await knex.raw('ALTER TABLE stats_claim_rows ADD COLUMN converted_at timestamptz');
    await knex.raw('ALTER TABLE stats_claim_rows ADD COLUMN fields jsonb');
    await knex.raw(`ALTER TABLE stats_rollup ADD COLUMN success text[] NOT NULL DEFAULT '{}'`);
    await knex.raw('DROP INDEX stats_claim_rows_at');
    await knex.raw(COVERING_AT);
    // The job's writes by record: a win's claims, a changed value's rows.
    await knex.raw('CREATE INDEX stats_claim_rows_record ON stats_claim_rows (record_id)');
    await knex.raw('CREATE TABLE stats_revalued (record_id uuid PRIMARY KEY)');
    await knex.raw(markingTrigger());
    // Until a pool is rolled up again, its stats are read from history (the same figures, slower).
    await knex.raw('DELETE FROM stats_rollup');
  },
  async down(knex) {
    await knex.raw(TRIGGER_FUNCTION.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
    await knex.raw('DROP TABLE stats_revalued');
    await knex.raw('DROP INDEX stats_claim_rows_record');
    await knex.raw('DROP INDEX stats_claim_rows_at');
    await knex.raw(
      'CREATE INDEX stats_claim_rows_at ON stats_claim_rows (pool_key, at) INCLUDE (record_id, prev_at)',
    );
    await knex.raw('ALTER TABLE stats_rollup DROP COLUMN success');
    await knex.raw('ALTER TABLE stats_claim_rows DROP COLUMN fields');
    await knex.raw('ALTER TABLE stats_claim_rows DROP COLUMN converted_at');
  },
};

// Migration 017: the conversion's two scans of a range's claim rows become scans of the few rows they
// need. Converted claims (a tenth of the bench's) have their own partial index, and a record's repeated
// claims (those whose previous claim in the pool is in the range: `prev_at >= from`) theirs, so the
// claimed records are the range's claims (stats_claims' daily counts) less its repeats. Measured on the
// stats bench's 90 days (82,000 claim rows): the converted scan 14 ms and the claimed count 13 ms, both
// reading every claim row of the range. No query reads a range of all claim rows any more: 015's
// covering index (with each row's breakdown values) becomes a plain one for the job's per-pool delete.
export const statsClaimLookups: Migration = {
  name: '017_stats_claim_lookups',
  async up(knex) {
    await knex.raw(
      `CREATE INDEX stats_claim_rows_converted ON stats_claim_rows (pool_key, at)
       INCLUDE (record_id, converted_at, fields) WHERE converted_at IS NOT NULL`,
    );
    await knex.raw(
      `CREATE INDEX stats_claim_rows_repeat ON stats_claim_rows (pool_key, prev_at)
       INCLUDE (at) WHERE prev_at IS NOT NULL`,
    );
    await knex.raw('DROP INDEX stats_claim_rows_at');
    await knex.raw('CREATE INDEX stats_claim_rows_at ON stats_claim_rows (pool_key, at)');
  },
  async down(knex) {
    await knex.raw('DROP INDEX stats_claim_rows_at');
    await knex.raw(COVERING_AT);
    await knex.raw('DROP INDEX stats_claim_rows_repeat');
    await knex.raw('DROP INDEX stats_claim_rows_converted');
  },
};

// Migration 018: a day row of exit hours. The median and p90 hours in pool of a range read one row per
// whole day it holds (the day's exit hours, sorted) and the exit rows of its edge days only, where a 90-day
// request on the stats bench read 82,000 exit rows (11-20 ms of index-only scan). The job writes a day's
// row when it counts the day, from the exit rows it copies first (stats-rollup.ts). Days already rolled
// up get their rows here; a pool whose exit rows stop before its counted days (possible only across a
// daylight-saving change) is counted again by the next run.
export const statsExitDays: Migration = {
  name: '018_stats_exit_days',
  async up(knex) {
    await knex.raw(`CREATE TABLE stats_exit_days (
      pool_key text NOT NULL, day date NOT NULL, hours float8[] NOT NULL, PRIMARY KEY (pool_key, day))`);
    await knex.raw('DELETE FROM stats_rollup WHERE rows_through < through_at');
    await knex.raw(
      `INSERT INTO stats_exit_days (pool_key, day, hours)
       SELECT e.pool_key, (e.at AT TIME ZONE s.time_zone)::date, array_agg(e.hours ORDER BY e.hours)
       FROM stats_exits e JOIN stats_rollup s ON s.pool_key = e.pool_key
       WHERE e.at < s.through_at
       GROUP BY 1, 2`,
    );
  },
  async down(knex) {
    await knex.raw('DROP TABLE stats_exit_days');
  },
};
