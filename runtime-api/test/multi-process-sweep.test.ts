// Sweepers in separate processes on one PostgreSQL schema: every due timer fires exactly once, also when a
// sweeper (or a whole server with its sweep threads) is killed mid-sweep. PostgreSQL only: PGlite is one
// connection inside one process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { actions, start } from '@poolflow/engine';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../src/services/metrics.js';
import { writeOutcomes, type RecordOutcome } from '../src/services/record-writer.js';
import { SweepWorkers } from '../src/services/sweep-workers.js';
import { spinPolicy } from './fixtures/timer-policies.js';
import { build, call, crmPool, publishPool, template, type TestApp } from './helpers.js';
import { freePort, ServerProcess, urlWithSchema, within } from './server-process.js';
import { Worker } from './sweep-process.js';

// The custom action one test imports (fixtures/stamp-action.js) is the process's: gone when this file ends.
afterAll(() => actions.unregister('stamp'));

const DAY = 86_400_000;
const RECORDS = 10_000;
const url = process.env['DATABASE_URL'];
describe.skipIf(!url)(
  'sweepers in separate processes (PostgreSQL only, needs DATABASE_URL: PGlite is one connection in one process)',
  () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    /**
     * 10,000 CRM records owned by 10 reps, created at one instant; then time moves 31 days on without a
     * sweep. With `createdAt` (system clock), they are created that long ago instead.
     */
    const seed = async (createdAt?: number): Promise<{ app: TestApp; schema: string }> => {
      const app = await build('postgres');
      const names = Array.from({ length: 10 }, (_, i) => `rep${i}`);
      const { ids } = await crmPool(app, Object.fromEntries(names.map((n) => [n, {}])));
      const compiled = await app.app.policies.get('crm-customer-pool', 1);
      const now = createdAt ?? (await app.app.clock.now(app.app.db));
      for (let from = 0; from < RECORDS; from += 1000) {
        const outcomes: RecordOutcome[] = [];
        for (let i = from; i < Math.min(from + 1000, RECORDS); i++) {
          const recordId = crypto.randomUUID();
          const ownerId = ids[names[i % names.length]];
          const entity = { name: `Customer ${i}`, industry: 'trade', urgency: i % 6 };
          const result = start(compiled, { entity, now, ownerId, recordId });
          outcomes.push({
            recordId,
            poolKey: 'crm',
            prevSeq: 0,
            created: true,
            steps: [
              { result, eventType: 'CREATE', payload: { ownerId }, actorId: ownerId, at: now },
            ],
          });
        }
        await app.app.db.transaction((trx) => writeOutcomes(trx, outcomes));
      }
      if (createdAt === undefined) await app.app.clock.advance(app.app.db, 31 * DAY);
      const { rows } = await app.app.db.raw<{ rows: { schema: string }[] }>(
        'SELECT current_schema() AS schema',
      );
      return { app, schema: rows[0].schema };
    };

    /** Each record fired remind, escalate and release exactly once, and nothing is left to fire. */
    const expectEveryTimerFiredOnce = async (app: TestApp): Promise<void> => {
      const db = app.app.db;
      const fired = await db.raw<{ rows: { timer: string; rows: number; records: number }[] }>(
        `SELECT payload->>'timer' AS timer, count(*)::int AS rows, count(DISTINCT record_id)::int AS records
       FROM history WHERE event_type = 'TIMER' GROUP BY 1 ORDER BY 1`,
      );
      expect(fired.rows).toEqual([
        { timer: 'escalate', rows: RECORDS, records: RECORDS },
        { timer: 'release', rows: RECORDS, records: RECORDS },
        { timer: 'remind', rows: RECORDS, records: RECORDS },
      ]);
      const toPool = await db('history')
        .where({ event_type: 'TIMER', to_state: 'pool' })
        .countDistinct({ records: 'record_id' })
        .count({ rows: '*' });
      expect(toPool).toEqual([{ records: RECORDS, rows: RECORDS }]);
      const states = await db('records')
        .select('state', 'seq')
        .count({ n: '*' })
        .groupBy('state', 'seq');
      expect(states).toEqual([{ state: 'pool', seq: 4, n: RECORDS }]);
      expect(await db('notifications').where({ kind: 'reminder' }).count({ n: '*' })).toEqual([
        { n: RECORDS },
      ]);
      expect(await db('timers').count({ n: '*' })).toEqual([{ n: 0 }]);
    };

    const both = `two processes, two batches at a time each, sweep ${RECORDS} due records together`;
    it(`${both}: each timer fires exactly once`, async () => {
      const seeded = await seed();
      t = seeded.app;
      expect(await t.app.db('timers').count({ n: '*' })).toEqual([{ n: 3 * RECORDS }]);
      const workers = ['sweep-a', 'sweep-b'].map(
        (name) => new Worker(seeded.schema, name, { batch: 250, wait: true, parallel: 2 }),
      );
      await Promise.all(workers.map((w) => w.until(() => w.ready)));
      for (const w of workers) w.child.stdin.write('go\n');
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);

      // Both took part, and between them fired remind, escalate and release once per record.
      for (const w of workers) expect(w.fired).toBeGreaterThan(0);
      expect(workers.reduce((n, w) => n + (w.done?.fired ?? 0), 0)).toBe(3 * RECORDS);
      await expectEveryTimerFiredOnce(t);
    }, 60_000);

    it('a sweeper killed mid-sweep loses nothing and a fresh one fires nothing twice', async () => {
      const seeded = await seed();
      t = seeded.app;
      const doomed = new Worker(seeded.schema, 'sweep-doomed', { batch: 100, wait: false });
      await doomed.until(() => doomed.batches.length > 0);
      doomed.child.kill('SIGKILL');
      expect(await doomed.exited).toBeNull();
      expect(doomed.done).toBeUndefined();
      // PostgreSQL rolls the open batch back when the connection drops; wait until its backend is gone.
      for (;;) {
        const { rows } = await t.app.db.raw<{ rows: { n: number }[] }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sweep-doomed'`,
        );
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const fresh = new Worker(seeded.schema, 'sweep-fresh', { batch: 250, wait: false });
      expect(await fresh.exited).toBe(0);
      expect(fresh.done?.fired).toBeGreaterThan(0);
      expect(doomed.fired + (fresh.done?.fired ?? 0)).toBeLessThanOrEqual(3 * RECORDS);
      await expectEveryTimerFiredOnce(t);
    }, 60_000);

    it('two real servers (system clock, 2 sweep threads each), one killed -9 mid-sweep and restarted: every timer fires exactly once', async () => {
      // Created 31 days ago by the database clock: every remind and release timer is due as they start.
      const seeded = await seed(Date.now() - 31 * DAY);
      t = seeded.app;
      const db = t.app.db;
      const serverEnv = (name: string) => ({
        DATABASE_URL: urlWithSchema(
          `${url}${url?.includes('?') ? '&' : '?'}application_name=${name}`,
          seeded.schema,
        ),
        POOLFLOW_SWEEP_WORKERS: '2',
      });
      const fired = async (): Promise<number> =>
        Number((await db('history').where({ event_type: 'TIMER' }).count({ n: '*' }))[0]?.n);
      const started = Date.now();
      const [portA, portB] = [await freePort(), await freePort()];
      let a = new ServerProcess(portA, serverEnv('server-a'));
      const b = new ServerProcess(portB, serverEnv('server-b'));
      try {
        await Promise.all([a.started(), b.started()]);
        // Kill A once a fifth of the timers fired: both servers are sweeping then.
        await within(60_000, fired, (n) => n >= (3 * RECORDS) / 5);
        // ... and while A holds a sweep transaction that has locked rows (it has a transaction id).
        const open = await within(
          30_000,
          async () =>
            (
              await db.raw<{ rows: { n: number }[] }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE application_name = 'server-a' AND backend_xid IS NOT NULL`,
              )
            ).rows[0]!.n,
          (n) => n > 0,
        );
        a.child.kill('SIGKILL');
        const atKill = await fired();
        expect(open).toBeGreaterThan(0);
        expect(await a.exited).toBeNull();
        expect(atKill).toBeLessThan(3 * RECORDS);
        // PostgreSQL rolls A's open batches back when its connections drop.
        await within(
          30_000,
          async () =>
            (
              await db.raw<{ rows: { n: number }[] }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'server-a'`,
              )
            ).rows[0]!.n,
          (n) => n === 0,
        );
        a = new ServerProcess(portA, serverEnv('server-a'));
        await a.started();
        const left = await within(
          90_000,
          async () => Number((await db('timers').count({ n: '*' }))[0]?.n),
          (n) => n === 0,
        );
        expect(left).toBe(0);
        console.log(
          `kill -9 over ${RECORDS} records (${3 * RECORDS} timers), two servers x 2 sweep threads: ` +
            `${atKill} fired before the kill (A had ${open} open sweep transactions), ${await fired()} in all, ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      // 0 lost, 0 duplicated: one history row per timer and record, each record released once.
      await expectEveryTimerFiredOnce(t);
      const twice = await db.raw<{ rows: { n: number }[] }>(
        `SELECT count(*)::int AS n FROM (SELECT record_id FROM history WHERE event_type = 'TIMER'
           AND to_state = 'pool' GROUP BY record_id HAVING count(*) <> 1) d`,
      );
      expect(twice.rows[0]!.n).toBe(0);
    }, 180_000);

    it('worker threads park a zero-delay loop at the step cap and log it through the process', async () => {
      t = await build('postgres');
      const { ids } = await crmPool(t, { rep: {} });
      await publishPool(t, spinPolicy(), 'spin', [ids['rep']!]);
      const created = await call(t.app, t.adminToken, 'POST', '/api/pools/spin/records', {
        data: { name: 'Spinner', spin: 0 },
        ownerId: ids['rep'],
      });
      const { rows } = await t.app.db.raw<{ rows: { schema: string }[] }>(
        'SELECT current_schema() AS schema',
      );
      const logged: string[] = [];
      const log = {
        warn: (_: object, msg: string) => logged.push(msg),
        error: (_: object, msg: string) => logged.push(msg),
      };
      const threads = new SweepWorkers(
        { databaseUrl: url ?? '', schema: rows[0]!.schema, clock: 'manual', workers: 2, log },
        new Metrics(),
      );
      try {
        expect(await threads.sweepAll()).toMatchObject({ fired: 100, failed: 1 });
      } finally {
        await threads.close();
      }
      const history = await t.app
        .db('history')
        .where({ record_id: created.body.id })
        .count({ n: '*' });
      expect(history).toEqual([{ n: 101 }]);
      expect(logged).toEqual([
        expect.stringContaining(`record ${created.body.id as string} in pool spin`),
      ]);
      expect(logged[0]).toContain('POOL_ERR_TIMER_LOOP');
    });

    it('worker threads of one process (SweepWorkers) sweep together: each timer fires once, metrics reach the process', async () => {
      const seeded = await seed();
      t = seeded.app;
      const metrics = new Metrics();
      const threads = new SweepWorkers(
        {
          databaseUrl: url ?? '',
          schema: seeded.schema,
          clock: 'manual',
          workers: 2,
          batchSize: 250,
        },
        metrics,
      );
      try {
        const batches: number[] = [];
        // A second sweep asked for meanwhile waits for the first, then finds nothing left.
        const [total, second] = await Promise.all([
          threads.sweepAll((b) => batches.push(b.fired)),
          threads.sweepAll(),
        ]);
        expect(second).toEqual({ fired: 0, stale: 0, records: 0, failed: 0 });
        // Each record's three due timers fire in one turn, in order (the batch reads the ones its LIMIT
        // left out, completeDue): one write per record.
        expect(total).toEqual({ fired: 3 * RECORDS, stale: 0, records: RECORDS, failed: 0 });
        expect(batches.reduce((a, b) => a + b, 0)).toBe(3 * RECORDS);
        expect(metrics.render()).toContain(`poolflow_timers_fired_total ${3 * RECORDS}`);
        await expectEveryTimerFiredOnce(t);
      } finally {
        await threads.close();
      }
    }, 60_000);

    it('a worker thread that cannot sweep fails the sweep with its error instead of hanging', async () => {
      const threads = new SweepWorkers(
        { databaseUrl: 'postgres://nobody@127.0.0.1:1/none', clock: 'manual', workers: 1 },
        new Metrics(),
      );
      await expect(threads.sweepAll()).rejects.toThrow(/ECONNREFUSED|connect/);
      // The next sweep gets a fresh thread, which fails the same way: no sweep waits forever.
      await expect(threads.sweepAll()).rejects.toThrow(/ECONNREFUSED|connect/);
      await threads.close();
    });

    it('worker threads load the modules that register custom actions, and run them', async () => {
      const stamp = pathToFileURL(join(import.meta.dirname, 'fixtures', 'stamp-action.js')).href;
      await import(stamp);
      t = await build('postgres');
      const { ids } = await crmPool(t, { rep: {} });
      const policy = template('crm-customer-pool') as {
        id: string;
        machine: { states: Record<string, { entry?: unknown[] }> };
      };
      policy.id = 'crm-stamped';
      policy.machine.states['pool']!.entry = [{ type: 'stamp' }];
      await publishPool(t, policy, 'stamped', [ids['rep']!]);
      for (let i = 0; i < 20; i++) {
        const created = await call(t.app, t.adminToken, 'POST', '/api/pools/stamped/records', {
          data: { name: `Stamped ${i}` },
          ownerId: ids['rep'],
        });
        expect(created.status).toBe(201);
      }
      await t.app.clock.advance(t.app.db, 31 * DAY);
      const { rows } = await t.app.db.raw<{ rows: { schema: string }[] }>(
        'SELECT current_schema() AS schema',
      );
      const logged: string[] = [];
      const sweep = (modules: string[]): SweepWorkers =>
        new SweepWorkers(
          {
            databaseUrl: url ?? '',
            schema: rows[0]!.schema,
            clock: 'manual',
            workers: 1,
            modules,
            log: { warn: (_, msg) => logged.push(msg), error: (_, msg) => logged.push(msg) },
          },
          new Metrics(),
        );
      // Without the module the worker cannot compile the policy: its timers fail (retried in a minute),
      // no record is written.
      const bare = sweep([]);
      expect(await bare.sweepAll()).toMatchObject({ fired: 0, failed: 60 });
      await bare.close();
      expect(await t.app.db('timers').whereNotNull('failed_at').count({ n: '*' })).toEqual([
        { n: 60 },
      ]);
      const list = await call(t.app, t.adminToken, 'GET', '/api/timers/failed?pool=stamped');
      expect(list.body.items[0].error.message).toMatch(/stamp/);
      expect(logged).toHaveLength(60);
      await t.app.clock.advance(t.app.db, 60_000);
      const withModule = sweep([stamp]);
      try {
        expect(await withModule.sweepAll()).toMatchObject({ fired: 60, stale: 0, failed: 0 });
      } finally {
        await withModule.close();
      }
      const pooled = (await t.app.db('records').where({ pool_key: 'stamped' })) as {
        state: string;
        tags: string[];
      }[];
      expect(pooled).toHaveLength(20);
      for (const r of pooled) expect(r).toMatchObject({ state: 'pool', tags: ['stamped'] });
    }, 60_000);
  },
);
