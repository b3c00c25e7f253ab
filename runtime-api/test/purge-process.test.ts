// The real server purges by itself: expired sessions, closed login-attempt windows and expired
// Idempotency-Key responses are gone from the database once it has started, fresh ones are kept; a
// backlog of 25,000 of each goes in chunks of 10,000 within the run at start.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, ServerProcess, urlWithSchema, within } from './server-process.js';

const url = process.env['DATABASE_URL'];
/** Expired rows seeded in each table beside the named ones. */
const BACKLOG = 25_000;

// The database is watched from outside while the server runs: PostgreSQL only (PGlite is one process).
describe.runIf(url)('purges in the real server (postgres)', () => {
  let server: ServerProcess | undefined;
  let db: pg.Client | undefined;
  let schema = '';
  afterEach(async () => {
    await server?.stop();
    await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.end();
    server = undefined;
    db = undefined;
  });

  it('drops expired sessions, old login counts and expired idempotency keys at start, a backlog too', async () => {
    schema = `t_${randomBytes(6).toString('hex')}`;
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(`CREATE SCHEMA ${schema}`);
    const env = { DATABASE_URL: urlWithSchema(url as string, schema), POOLFLOW_SWEEP_WORKERS: '0' };

    // A first run creates the tables and the admin, and two sessions: the first one we let expire.
    server = new ServerProcess(await freePort(), env);
    await server.started();
    await db.query(`SET search_path = ${schema}`);
    await server.login();
    const first = await db.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(first.rows).toHaveLength(1);
    const kept = await server.login();
    await server.stop();
    await db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`,
      [first.rows[0]!.token_hash],
    );
    const admin = (await db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`))
      .rows[0]!.id;
    await db.query(
      `INSERT INTO idempotency (user_id, key, request_hash, status, response, created_at) VALUES
         ($1, 'old', 'h', 200, '{}', now() - interval '25 hours'),
         ($1, 'fresh', 'h', 200, '{}', now() - interval '1 hour')`,
      [admin],
    );
    await db.query(
      `INSERT INTO login_attempts (kind, key, window_start, attempts) VALUES
         ('user', 'mallory', now() - interval '20 minutes', 5),
         ('user', 'trudy', now() - interval '1 minute', 2)`,
    );
    // A backlog: three chunks (PURGE_CHUNK_ROWS) of each.
    await db.query(
      `INSERT INTO idempotency (user_id, key, request_hash, status, response, created_at)
       SELECT $1, 'old-' || i, 'h', 200, '{}', now() - interval '25 hours'
       FROM generate_series(1, ${BACKLOG}) i`,
      [admin],
    );
    await db.query(
      `INSERT INTO sessions (token_hash, user_id, expires_at)
       SELECT 'old-' || i, $1, now() - interval '1 minute' FROM generate_series(1, ${BACKLOG}) i`,
      [admin],
    );
    await db.query(
      `INSERT INTO login_attempts (kind, key, window_start, attempts)
       SELECT 'address', 'old-' || i, now() - interval '20 minutes', 30
       FROM generate_series(1, ${BACKLOG}) i`,
    );

    server = new ServerProcess(await freePort(), env);
    await server.started();
    const left = await within(
      20_000,
      async () => ({
        sessions: (await db!.query('SELECT token_hash FROM sessions')).rows.length,
        keys: (await db!.query<{ key: string }>('SELECT key FROM idempotency')).rows.map(
          (r) => r.key,
        ),
        attempts: (await db!.query<{ key: string }>('SELECT key FROM login_attempts')).rows.map(
          (r) => r.key,
        ),
      }),
      (now) => now.sessions === 1 && now.keys.length === 1 && now.attempts.length === 1,
    );
    expect(left).toEqual({ sessions: 1, keys: ['fresh'], attempts: ['trudy'] });
    // The session that was not expired still works.
    const me = await fetch(`${server.base}/api/me`, {
      headers: { authorization: `Bearer ${kept}` },
    });
    expect(me.status).toBe(200);
  });
});
