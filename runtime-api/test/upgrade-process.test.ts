// A pool upgrade in the real server (system clock), killed -9 mid-upgrade and restarted: the restarted
// server's upgrade worker finishes it, and every record moved exactly once. v2 keeps names unique (查重):
// each moved record holds its name's key once, and the ten repeated names are counted, not refused. PostgreSQL only (PGlite is one
// connection inside one process, so nothing survives to resume from another transaction's view).
import { start } from '@poolflow/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { writeOutcomes, type RecordOutcome } from '../src/services/record-writer.js';
import { build, call, crmPool, template, type TestApp } from './helpers.js';
import { freePort, ServerProcess, urlWithSchema, within } from './server-process.js';

const RECORDS = 10_000;
const url = process.env['DATABASE_URL'];

describe.skipIf(!url)('pool upgrade in the real server (PostgreSQL only)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('killed -9 mid-upgrade and restarted: every record moves to v2 exactly once', async () => {
    t = await build('postgres');
    const { app, adminToken } = t;
    await crmPool(t, { rep: {} });
    const compiled = await app.policies.get('crm-customer-pool', 1);
    const now = await app.clock.now(app.db);
    // Pooled records (no timers): the server's sweep has nothing to do but the upgrade.
    for (let from = 0; from < RECORDS; from += 1000) {
      const outcomes: RecordOutcome[] = [];
      for (let i = from; i < Math.min(from + 1000, RECORDS); i++) {
        const recordId = crypto.randomUUID();
        // One name in a thousand repeats the one before: v2's unique names find ten duplicates.
        const name = `Customer ${i % 1000 === 999 ? i - 1 : i}`;
        const entity = { name, industry: 'trade', urgency: i % 6 };
        const result = start(compiled, { entity, now, ownerId: null, recordId });
        outcomes.push({
          recordId,
          poolKey: 'crm',
          prevSeq: 0,
          created: true,
          steps: [{ result, eventType: 'CREATE', payload: {}, actorId: null, at: now }],
        });
      }
      await app.db.transaction((trx) => writeOutcomes(trx, outcomes));
    }
    const v2 = template('crm-customer-pool') as {
      delays: Record<string, unknown>;
      entity: Record<string, unknown>;
    };
    v2.delays['release'] = { days: 45 };
    v2.entity['uniqueFields'] = ['name'];
    await call(app, adminToken, 'PUT', '/api/policies/crm-customer-pool/draft', { document: v2 });
    const published = await call(
      app,
      adminToken,
      'POST',
      '/api/policies/crm-customer-pool/publish',
      {
        message: 'longer protection',
      },
    );
    expect(published.body.version).toBe(2);
    const { rows } = await app.db.raw<{ rows: { schema: string }[] }>(
      'SELECT current_schema() AS schema',
    );
    const env = {
      DATABASE_URL: urlWithSchema(
        `${url}${url?.includes('?') ? '&' : '?'}application_name=upgrader`,
        rows[0]!.schema,
      ),
    };
    const db = app.db;
    const progress = async () =>
      ((await db('pool_upgrades').first('done', 'status')) as
        { done: number; status: string } | undefined) ?? { done: 0, status: 'none' };

    const port = await freePort();
    let server = new ServerProcess(port, env);
    try {
      await server.started();
      const token = await server.login('admin', 'admin-password-for-tests');
      const res = await fetch(`${server.base}/api/pools/crm/upgrade`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ toVersion: 2 }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      // Kill it once some batches are in, while it is still moving records.
      let atKill = await progress();
      const deadline = Date.now() + 60_000;
      while (atKill.done < 1000 && atKill.status !== 'done' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        atKill = await progress();
      }
      server.child.kill('SIGKILL');
      expect(await server.exited).toBeNull();
      const afterKill = await progress();
      expect(afterKill.status).toBe('running');
      expect(afterKill.done).toBeGreaterThan(0);
      expect(afterKill.done).toBeLessThan(RECORDS);
      // PostgreSQL rolls the killed server's open batch back once its connections drop.
      await within(
        30_000,
        async () =>
          (
            await db.raw<{ rows: { n: number }[] }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'upgrader'`,
            )
          ).rows[0]!.n,
        (n) => n === 0,
      );
      server = new ServerProcess(port, env);
      await server.started();
      const finished = await within(60_000, progress, (p) => p.status !== 'running');
      expect(finished.status).toBe('done');
      const token2 = await server.login('admin', 'admin-password-for-tests');
      const status = (await (
        await fetch(`${server.base}/api/pools/crm/upgrades/${id}`, {
          headers: { authorization: `Bearer ${token2}` },
        })
      ).json()) as Record<string, unknown>;
      expect(status).toMatchObject({
        status: 'done',
        total: RECORDS,
        done: RECORDS,
        failed: 0,
        duplicates: 10,
      });
      console.log(
        `kill -9 mid-upgrade of ${RECORDS} records: ${afterKill.done} moved before the kill, the rest after the restart`,
      );
    } finally {
      await server.stop();
    }
    // Every record on v2, each with exactly one MIGRATE row and its seq raised once.
    const check = await db.raw<{
      rows: { v2: number; migrates: number; records: number; twice: number; seq2: number }[];
    }>(
      `SELECT (SELECT count(*) FROM records WHERE policy_version = 2)::int AS v2,
         (SELECT count(*) FROM history WHERE event_type = 'MIGRATE')::int AS migrates,
         (SELECT count(DISTINCT record_id) FROM history WHERE event_type = 'MIGRATE')::int AS records,
         (SELECT count(*) FROM (SELECT record_id FROM history WHERE event_type = 'MIGRATE'
            GROUP BY record_id HAVING count(*) > 1) d)::int AS twice,
         (SELECT count(*) FROM records WHERE seq = 2 AND (snapshot->>'policyVersion')::int = 2)::int AS seq2,
         (SELECT count(*) FROM record_keys)::int AS keys,
         (SELECT count(DISTINCT record_id) FROM record_keys)::int AS keyed`,
    );
    expect(check.rows[0]).toEqual({
      v2: RECORDS,
      migrates: RECORDS,
      records: RECORDS,
      twice: 0,
      seq2: RECORDS,
      keys: RECORDS - 10,
      keyed: RECORDS - 10,
    });
  }, 120_000);
});
