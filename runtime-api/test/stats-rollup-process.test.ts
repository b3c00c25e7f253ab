// The real server rolls pool stats up by itself: history of closed days lands in stats_flows and
// stats_claims once it runs, and the stats answer stays the same as before the job.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, ServerProcess, urlWithSchema, within } from './server-process.js';
import { template } from './helpers.js';

const url = process.env['DATABASE_URL'];

// The database is watched (and history written) from outside while the server runs: PostgreSQL only.
describe.runIf(url)('stats rollup in the real server (postgres)', () => {
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

  it('fills the rollup with closed days of history', async () => {
    schema = `t_${randomBytes(6).toString('hex')}`;
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(`CREATE SCHEMA ${schema}`);
    const env = {
      DATABASE_URL: urlWithSchema(url as string, schema),
      POOLFLOW_SWEEP_WORKERS: '0',
      POOLFLOW_STATS_ROLLUP_INTERVAL_MS: '200',
    };
    server = new ServerProcess(await freePort(), env);
    await server.started();
    const token = await server.login();
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server!.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : null,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(
      (await api('POST', '/api/policies', { document: template('crm-customer-pool') })).status,
    ).toBe(201);
    expect((await api('POST', '/api/policies/crm-customer-pool/publish', {})).status).toBe(200);
    const pool = await api('POST', '/api/pools', {
      key: 'crm',
      name: { en: 'Customers' },
      policyId: 'crm-customer-pool',
      timeZone: 'UTC',
      members: [],
    });
    expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    await db.query(`SET search_path = ${schema}`);
    const record = (
      await api('POST', '/api/pools/crm/records', { data: { name: 'A', industry: 'trade' } })
    ).body.id as string;
    // While the server is stopped: three days ago (UTC noon) the record entered the pool twice and was
    // claimed once; the rollup's row is dropped (it counted the pool before those rows existed), so the
    // next server's job counts the pool from its first day.
    await server.stop();
    await db.query(
      `INSERT INTO history (record_id, pool_key, seq, at, actor_id, event_type, from_state, to_state)
       SELECT $1, 'crm', s, date_trunc('day', now()) - interval '3 days' + interval '12 hours', a, e, f, t
       FROM (VALUES (10, NULL, 'CREATE', 'pool', 'pool'), (11, NULL, 'RELEASE', 'owned', 'pool'),
                    (12, 'u1', 'CLAIM', 'pool', 'owned')) v(s, a, e, f, t)`,
      [record],
    );
    await db.query(`DELETE FROM stats_rollup`);
    server = new ServerProcess(await freePort(), env);
    await server.started();
    const token2 = await server.login();

    const day = (
      await db.query<{ d: string }>(
        `SELECT to_char(now() AT TIME ZONE 'UTC' - interval '3 days', 'YYYY-MM-DD') AS d`,
      )
    ).rows[0]!.d;
    const flows = await within(
      10_000,
      async () =>
        (
          await db!.query<{ dir: string; kind: string; n: number }>(
            `SELECT dir, kind, n FROM stats_flows WHERE pool_key = 'crm' AND day = $1 ORDER BY 1, 2`,
            [day],
          )
        ).rows,
      (rows) => rows.length === 3,
    );
    expect(flows).toEqual([
      { dir: 'in', kind: 'create', n: 1 },
      { dir: 'in', kind: 'release', n: 1 },
      { dir: 'out', kind: 'claim', n: 1 },
    ]);
    const claims = await db.query(`SELECT actor_id, n FROM stats_claims WHERE pool_key = 'crm'`);
    expect(claims.rows).toEqual([{ actor_id: 'u1', n: 1 }]);
    // The answer counts the rolled-up day as a manager would.
    const from = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const res = await fetch(`${server.base}/api/pools/crm/stats?by=industry&from=${from}`, {
      headers: { authorization: `Bearer ${token2}` },
    });
    const stats = (await res.json()) as {
      days: { day: string; inflow: object; outflow: object }[];
      conversion: object;
      medianHoursInPool: number | null;
      claimsByUser: object[];
    };
    expect(stats.days.find((d) => d.day === day)).toMatchObject({
      inflow: { create: 1, release: 1 },
      outflow: { claim: 1 },
    });
    expect(stats.conversion).toEqual({ claimed: 1, converted: 0, rate: 0, days: 30 });
    expect(stats.medianHoursInPool).toBe(0); // claimed at the instant it was released
    expect(stats.claimsByUser).toEqual([{ userId: 'u1', claims: 1 }]);
  });
});
