// Migration 015: conversion from the rollup. Each rolled-up claim row carries the record's claim in the pool
// before it (`prev_at`: a record is counted once per range without DISTINCT) and its first entry into a
// success state at or after the claim as far as the rollup has read history (`converted_at`), so stats
// find the range's converted records in the claim rows' index instead of a history lookup per claimed
// record (stats-conversion.ts). The rollup keeps the success states it counted with, like the pool
// states; every pool's rollup is counted again once (its rows carry neither column yet).
import type { Migration } from './migrations.js';

export const statsConversion: Migration = {
  name: '015_stats_conversion',
  async up(knex) {
    await knex.raw('ALTER TABLE stats_claim_rows ADD COLUMN converted_at timestamptz');
    await knex.raw(`ALTER TABLE stats_rollup ADD COLUMN success text[] NOT NULL DEFAULT '{}'`);
    await knex.raw('DROP INDEX stats_claim_rows_at');
    await knex.raw(
      `CREATE INDEX stats_claim_rows_at ON stats_claim_rows (pool_key, at)
       INCLUDE (record_id, prev_at, converted_at)`,
    );
    // The job's update of claims not converted yet, by record.
    await knex.raw(
      'CREATE INDEX stats_claim_rows_open ON stats_claim_rows (record_id) WHERE converted_at IS NULL',
    );
    // Until a pool is rolled up again, its stats are read from history (the same figures, slower).
    await knex.raw('DELETE FROM stats_rollup');
  },
  async down(knex) {
    await knex.raw('DROP INDEX stats_claim_rows_open');
    await knex.raw('DROP INDEX stats_claim_rows_at');
    await knex.raw(
      'CREATE INDEX stats_claim_rows_at ON stats_claim_rows (pool_key, at) INCLUDE (record_id, prev_at)',
    );
    await knex.raw('ALTER TABLE stats_rollup DROP COLUMN success');
    await knex.raw('ALTER TABLE stats_claim_rows DROP COLUMN converted_at');
  },
};
