// Time for the runtime: the database clock in production, or a manual clock for demos and tests.
import type { Knex } from 'knex';

export interface Clock {
  readonly manual: boolean;
  /** The current time in epoch ms. */
  now(db: Knex | Knex.Transaction): Promise<number>;
  /** The same time as a SQL expression (timestamptz), for statements that compare or store it. */
  readonly sql: string;
  /** Manual clock only: moves time forward by `ms` and returns the new time. */
  advance(db: Knex, ms: number): Promise<number>;
}

/** The clock `POOLFLOW_CLOCK` names: the database's, or the manual one. */
export const clockOf = (kind: 'system' | 'manual'): Clock =>
  kind === 'manual' ? manualClock() : databaseClock();

export function databaseClock(): Clock {
  return {
    manual: false,
    sql: 'clock_timestamp()',
    async now(db) {
      const { rows } = await db.raw<{ rows: { now: Date }[] }>('SELECT clock_timestamp() AS now');
      return rows[0].now.getTime();
    },
    advance() {
      return Promise.reject(new Error('the clock is not manual'));
    },
  };
}

/** A clock kept in the settings table, so every process of one database shares it. */
export function manualClock(): Clock {
  const read = async (db: Knex | Knex.Transaction): Promise<number> => {
    const row = (await db('settings').where({ key: 'clock' }).first()) as
      { value: { now: number } } | undefined;
    if (row) return row.value.now;
    const now = Date.now();
    await db('settings')
      .insert({ key: 'clock', value: JSON.stringify({ now }) })
      .onConflict('key')
      .ignore();
    return now;
  };
  return {
    manual: true,
    // Before the first read stores the clock, it reads as the system time (as `read` would set it).
    sql: `COALESCE((SELECT to_timestamp((value->>'now')::bigint / 1000.0) FROM settings WHERE key = 'clock'), clock_timestamp())`,
    now: read,
    async advance(db, ms) {
      return db.transaction(async (trx) => {
        await read(trx);
        const { rows } = await trx.raw<{ rows: { now: number | string }[] }>(
          `UPDATE settings SET value = jsonb_build_object('now', (value->>'now')::bigint + ?::bigint)
           WHERE key = 'clock' RETURNING (value->>'now')::bigint AS now`,
          [Math.round(ms)],
        );
        return Number(rows[0].now);
      });
    },
  };
}

/**
 * A clock that reads the time `at` gives, in this process only (the demo's seed walks its days with
 * one). Its SQL names that time, so each time is a new statement text.
 */
export function processClock(at: () => number): Clock {
  return {
    manual: true,
    get sql() {
      return `to_timestamp(${at()} / 1000.0)`;
    },
    now: () => Promise.resolve(at()),
    advance: () => Promise.resolve(at()),
  };
}
