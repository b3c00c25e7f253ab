// Migration 010: what pool stats read instead of scanning history and records (stats-rollup.ts fills it).
import type { Migration } from './migrations.js';

// History rollup, per pool: for the closed local days before `through_day` (`through_at` is its start)
// flows per day and claims per day and user; before `rows_through` (an instant) one row per exit from
// the pool with its hours in pool, and one row per claim (`prev_at`, the record's claim before it, is no
// longer written: conversion groups the range's claims by record, stats-conversion.ts).
// `time_zone` and `pooled` are those the rows were counted with: stats use them only while both are still
// the pool's, and the job starts the pool over when either changes.
// Record tally: records per (pool, field value, pooled, state) for the breakdown fields a manager asked
// for (stats_fields), kept by statement triggers on records as appended deltas (no row two writers
// fight over); the job folds the deltas into stats_tally.
// stats_moved: records that left a pool (moveToPool), kept by the same trigger: a record claimed in a pool
// then moved on still counts in that pool's conversion, by its current state.
// Indexes: CLAIM history rows (partial: only claims pay for it) for conversion; records' (pool, state)
// with the id, so converted records are a hash join on the index alone.
export const TRIGGER_FUNCTION = `
CREATE FUNCTION stats_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_tally_delta (pool_key, field, v, pooled, state, n)
    SELECT c.pool_key, f.field, COALESCE(to_jsonb(c.data ->> f.field), 'null'::jsonb), c.pooled, c.state,
           count(*)::int
    FROM new_rows c JOIN stats_fields f ON f.pool_key = c.pool_key
    GROUP BY 1, 2, 3, 4, 5;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO stats_tally_delta (pool_key, field, v, pooled, state, n)
    SELECT c.pool_key, f.field, COALESCE(to_jsonb(c.data ->> f.field), 'null'::jsonb), c.pooled, c.state,
           sum(c.n)::int
    FROM (SELECT pool_key, data, pooled, state, 1 AS n FROM new_rows
          UNION ALL SELECT pool_key, data, pooled, state, -1 FROM old_rows) c
    JOIN stats_fields f ON f.pool_key = c.pool_key
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(c.n) <> 0;
    -- Grouped rather than joined: transition tables have no statistics, and a nested loop over two
    -- 1,000-row batches would compare a million pairs.
    INSERT INTO stats_moved (pool_key, record_id)
    SELECT pool_key, id FROM (SELECT id, pool_key, -1 AS n FROM old_rows
                              UNION ALL SELECT id, pool_key, 1 FROM new_rows) c
    GROUP BY 1, 2 HAVING sum(n) < 0
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO stats_tally_delta (pool_key, field, v, pooled, state, n)
    SELECT c.pool_key, f.field, COALESCE(to_jsonb(c.data ->> f.field), 'null'::jsonb), c.pooled, c.state,
           -count(*)::int
    FROM old_rows c JOIN stats_fields f ON f.pool_key = c.pool_key
    GROUP BY 1, 2, 3, 4, 5;
  END IF;
  RETURN NULL;
END $$`;

export const statsRollup: Migration = {
  name: '010_stats_rollup',
  async up(knex) {
    await knex.raw(`CREATE TABLE stats_rollup (
      pool_key text PRIMARY KEY, time_zone text NOT NULL, pooled text[] NOT NULL,
      through_day date NOT NULL, through_at timestamptz NOT NULL,
      rows_through timestamptz NOT NULL)`);
    await knex.raw(`CREATE TABLE stats_flows (
      pool_key text NOT NULL, day date NOT NULL, dir text NOT NULL, kind text NOT NULL, n int NOT NULL,
      PRIMARY KEY (pool_key, day, dir, kind))`);
    await knex.raw(`CREATE TABLE stats_claims (
      pool_key text NOT NULL, day date NOT NULL, actor_id text NOT NULL, n int NOT NULL,
      PRIMARY KEY (pool_key, day, actor_id))`);
    await knex.raw(`CREATE TABLE stats_exits (
      pool_key text NOT NULL, at timestamptz NOT NULL, hours float8 NOT NULL)`);
    await knex.raw('CREATE INDEX stats_exits_at ON stats_exits (pool_key, at) INCLUDE (hours)');
    await knex.raw(`CREATE TABLE stats_claim_rows (
      pool_key text NOT NULL, at timestamptz NOT NULL, record_id uuid NOT NULL, prev_at timestamptz)`);
    await knex.raw(
      'CREATE INDEX stats_claim_rows_at ON stats_claim_rows (pool_key, at) INCLUDE (record_id, prev_at)',
    );
    await knex.raw(`CREATE TABLE stats_fields (
      pool_key text NOT NULL, field text NOT NULL, PRIMARY KEY (pool_key, field))`);
    await knex.raw(`CREATE TABLE stats_tally (
      pool_key text NOT NULL, field text NOT NULL, v jsonb NOT NULL, pooled boolean NOT NULL,
      state text NOT NULL, n int NOT NULL, PRIMARY KEY (pool_key, field, v, pooled, state))`);
    await knex.raw(`CREATE TABLE stats_tally_delta (
      pool_key text NOT NULL, field text NOT NULL, v jsonb NOT NULL, pooled boolean NOT NULL,
      state text NOT NULL, n int NOT NULL)`);
    await knex.raw(`CREATE TABLE stats_moved (
      pool_key text NOT NULL, record_id uuid NOT NULL, PRIMARY KEY (pool_key, record_id))`);
    await knex.raw(TRIGGER_FUNCTION);
    // One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
    await knex.raw(`CREATE TRIGGER records_stats_insert AFTER INSERT ON records
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_tally_change()`);
    await knex.raw(`CREATE TRIGGER records_stats_update AFTER UPDATE ON records
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION stats_tally_change()`);
    await knex.raw(`CREATE TRIGGER records_stats_delete AFTER DELETE ON records
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_tally_change()`);
    await knex.raw(
      `CREATE INDEX history_claims ON history (pool_key, at) INCLUDE (record_id, actor_id) WHERE event_type = 'CLAIM'`,
    );
    await knex.raw('CREATE INDEX records_pool_state_id ON records (pool_key, state) INCLUDE (id)');
    // Records moved before this migration: claimed in a pool they are no longer in.
    await knex.raw(`INSERT INTO stats_moved (pool_key, record_id)
      SELECT DISTINCT h.pool_key, h.record_id FROM history h JOIN records r ON r.id = h.record_id
      WHERE h.event_type = 'CLAIM' AND r.pool_key <> h.pool_key`);
  },
  async down(knex) {
    await knex.raw('DROP INDEX IF EXISTS records_pool_state_id');
    await knex.raw('DROP INDEX IF EXISTS history_claims');
    for (const event of ['insert', 'update', 'delete'])
      await knex.raw(`DROP TRIGGER IF EXISTS records_stats_${event} ON records`);
    await knex.raw('DROP FUNCTION IF EXISTS stats_tally_change()');
    for (const table of [
      'stats_moved',
      'stats_tally_delta',
      'stats_tally',
      'stats_fields',
      'stats_exits',
      'stats_claim_rows',
      'stats_claims',
      'stats_flows',
      'stats_rollup',
    ])
      await knex.schema.dropTableIfExists(table);
  },
};
