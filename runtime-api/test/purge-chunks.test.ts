// The purges delete expired idempotency keys, sessions and login counts a chunk at a time, stop at their
// per-run bound (the rest goes on the next run) and keep every row that has not expired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredKeys } from '../src/plugins/idempotency.plugin.js';
import { backends, build, type TestApp } from './helpers.js';

/** Chunks of 10 rows, at most 2 a run: 25 expired rows take two runs (20, then 5). */
const SMALL = { chunkRows: 10, chunksPerRun: 2 };
const EXPIRED = 25;
const FRESH = 3;

describe.each(backends)('purges in chunks (%s)', (backend) => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await build(backend);
    userId = (await t.app.db('users').where({ username: 'admin' }).first('id'))!.id;
    const now = `(${t.app.clock.sql})`;
    await t.app.db.raw(
      `INSERT INTO idempotency (user_id, key, request_hash, status, response, created_at)
       SELECT ?, 'old-' || i, 'h', 200, '{}'::jsonb, ${now} - interval '25 hours' FROM generate_series(1, ?) i
       UNION ALL
       SELECT ?, 'fresh-' || i, 'h', 200, '{}'::jsonb, ${now} - interval '1 hour' FROM generate_series(1, ?) i`,
      [userId, EXPIRED, userId, FRESH],
    );
    // Sessions expire on the system clock (their tokens' lifetime is real time).
    await t.app.db.raw(
      `INSERT INTO sessions (token_hash, user_id, expires_at)
       SELECT 'old-' || i, ?, now() - interval '1 minute' FROM generate_series(1, ?) i
       UNION ALL
       SELECT 'fresh-' || i, ?, now() + interval '1 hour' FROM generate_series(1, ?) i`,
      [userId, EXPIRED, userId, FRESH],
    );
    await t.app.db.raw(
      `INSERT INTO login_attempts (kind, key, window_start, attempts)
       SELECT 'user', 'old-' || i, ${now} - interval '20 minutes', 5 FROM generate_series(1, ?) i
       UNION ALL
       SELECT 'user', 'fresh-' || i, ${now} - interval '1 minute', 2 FROM generate_series(1, ?) i`,
      [EXPIRED, FRESH],
    );
  });
  afterAll(() => t.close());

  /** The seeded rows left in each table, old and fresh. */
  async function left(): Promise<Record<string, { old: number; fresh: number }>> {
    const count = async (table: string, column: string) => {
      const { rows } = await t.app.db.raw<{ rows: { old: number; fresh: number }[] }>(
        `SELECT count(*) FILTER (WHERE ${column} LIKE 'old-%')::int AS old,
                count(*) FILTER (WHERE ${column} LIKE 'fresh-%')::int AS fresh
         FROM ${table}`,
      );
      return rows[0]!;
    };
    return {
      idempotency: await count('idempotency', 'key'),
      sessions: await count('sessions', 'token_hash'),
      loginAttempts: await count('login_attempts', 'key'),
    };
  }

  it('deletes every expired row over several chunks and runs, and keeps the unexpired ones', async () => {
    const all = { old: EXPIRED, fresh: FRESH };
    expect(await left()).toEqual({ idempotency: all, sessions: all, loginAttempts: all });

    // First run: two chunks of 10, then it stops at its bound though 5 expired rows are left.
    expect(await purgeExpiredKeys(t.app, 24, SMALL)).toBe(20);
    expect(await t.app.auth.purgeExpired(SMALL)).toEqual({ sessions: 20, loginAttempts: 20 });
    const half = { old: EXPIRED - 20, fresh: FRESH };
    expect(await left()).toEqual({ idempotency: half, sessions: half, loginAttempts: half });

    // The next run takes the rest; one after it finds nothing.
    expect(await purgeExpiredKeys(t.app, 24, SMALL)).toBe(5);
    expect(await t.app.auth.purgeExpired(SMALL)).toEqual({ sessions: 5, loginAttempts: 5 });
    expect(await purgeExpiredKeys(t.app, 24, SMALL)).toBe(0);
    expect(await t.app.auth.purgeExpired(SMALL)).toEqual({ sessions: 0, loginAttempts: 0 });
    const none = { old: 0, fresh: FRESH };
    expect(await left()).toEqual({ idempotency: none, sessions: none, loginAttempts: none });
  });
});
