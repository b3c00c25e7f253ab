// Opens the database and builds the domain services every route uses, as app decorations.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { openDatabase, type Database, type DatabaseOptions } from '../db/connect.js';
import { jobIntervals, type JobIntervals } from '../jobs/jobs.js';
import { JobRunner } from '../jobs/runner.js';
import { AuthService } from '../services/auth.service.js';
import { clockOf, type Clock } from '../services/clock.js';
import { Distributor } from '../services/distributor.js';
import type { LoginLimits } from '../services/login-limiter.js';
import { Metrics } from '../services/metrics.js';
import { Outbox } from '../services/outbox.js';
import type { WebhookSecrets } from '../services/webhook.js';
import { PolicyStore } from '../services/policy-store.js';
import { RecordService } from '../services/record.service.js';
import { DEFAULT_RETENTION, purgeRetained, type Retention } from '../services/retention.js';
import { StatsRollup } from '../services/stats-rollup.js';
import { Sweeper } from '../services/sweeper.js';
import { UpgradeService } from '../services/upgrade.service.js';
import { DEFAULT_KEY_HOURS, purgeExpiredKeys } from './idempotency.plugin.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Knex;
    dbKind: 'postgres' | 'pglite';
    /** The embedded database's online backup (connect.ts); undefined on PostgreSQL. */
    dbBackup: Database['backup'];
    auth: AuthService;
    clock: Clock;
    metrics: Metrics;
    outbox: Outbox;
    distributor: Distributor;
    policies: PolicyStore;
    records: RecordService;
    sweeper: Sweeper;
    upgrades: UpgradeService;
    /** The background jobs (jobs/jobs.ts): started by server.ts, run once by the manual clock's advance. */
    jobs: JobRunner;
  }
}

export interface ServicesOptions extends DatabaseOptions {
  clock: 'system' | 'manual';
  secret?: string | undefined;
  /** Webhooks may target loopback and private addresses (POOLFLOW_WEBHOOK_ALLOW_PRIVATE=1). */
  webhookAllowPrivate?: boolean | undefined;
  /** Webhook signing secrets (default: POOLFLOW_WEBHOOK_SECRET and POOLFLOW_WEBHOOK_SECRET_<NAME>). */
  webhookSecrets?: WebhookSecrets | undefined;
  /** How long notifications and finished deliveries are kept (default DEFAULT_RETENTION). */
  retention?: Retention | undefined;
  /** Login attempts per username and per address (default DEFAULT_LOGIN_LIMITS). */
  loginLimits?: LoginLimits | undefined;
  /** How long an Idempotency-Key response is kept (hours): the purge job drops older ones. */
  idempotencyKeyHours?: number | undefined;
  /** Each job's interval (ms); the defaults of jobs/jobs.ts otherwise. */
  jobIntervals?: Partial<JobIntervals> | undefined;
}

async function loadSecret(knex: Knex, given: string | undefined): Promise<string> {
  if (given) return given;
  // No POOLFLOW_SECRET: one random secret per database, shared by every process on it.
  await knex('settings')
    .insert({ key: 'secret', value: JSON.stringify(randomBytes(32).toString('hex')) })
    .onConflict('key')
    .ignore();
  // `value` is jsonb of any shape; the secret's is the string inserted just above.
  const row = (await knex('settings').where({ key: 'secret' }).first()) as { value: string };
  return row.value;
}

export const servicesPlugin = fp(
  async (app: FastifyInstance, options: ServicesOptions) => {
    const database = await openDatabase(options);
    const metrics = new Metrics();
    const clock = clockOf(options.clock);
    const policies = new PolicyStore(database.knex);
    app.decorate('db', database.knex);
    app.decorate('dbKind', database.kind);
    app.decorate('dbBackup', database.backup);
    app.decorate(
      'auth',
      new AuthService(
        database.knex,
        await loadSecret(database.knex, options.secret),
        clock,
        options.loginLimits,
      ),
    );
    // Sessions are cached only while this process hears every change to them (session-cache.ts).
    await app.auth.sessions.listen(database.knex, options.databaseUrl);
    app.decorate('clock', clock);
    app.decorate('metrics', metrics);
    app.addHook('onResponse', (_request, reply, done) => {
      metrics.count('poolflow_http_requests_total', {
        status: `${Math.floor(reply.statusCode / 100)}xx`,
      });
      done();
    });
    app.decorate(
      'outbox',
      new Outbox(database.knex, clock, {
        allowPrivateWebhooks: options.webhookAllowPrivate,
        webhookSecrets: options.webhookSecrets,
      }),
    );
    app.decorate('policies', policies);
    const records = new RecordService(database.knex, policies, clock, metrics);
    app.decorate('records', records);
    app.decorate('distributor', new Distributor(database.knex, policies, clock, records));
    // PostgreSQL sweeps two batches at once per process (SKIP LOCKED keeps them apart); PGlite has one connection.
    const sweepParallel = database.kind === 'postgres' ? 2 : 1;
    app.decorate(
      'sweeper',
      new Sweeper(database.knex, policies, clock, metrics, 1000, sweepParallel, { log: app.log }),
    );
    app.decorate(
      'upgrades',
      new UpgradeService(database.knex, policies, clock, metrics, 1000, sweepParallel),
    );
    const keyHours = options.idempotencyKeyHours ?? DEFAULT_KEY_HOURS;
    app.decorate(
      'jobs',
      new JobRunner(
        {
          sweep: app.sweeper,
          upgrades: app.upgrades,
          distributor: app.distributor,
          outbox: app.outbox,
          purgeIdempotencyKeys: () => purgeExpiredKeys(app, keyHours),
          purgeSessions: () => app.auth.purgeExpired(),
          purgeRetained: () =>
            purgeRetained(database.knex, clock, options.retention ?? DEFAULT_RETENTION),
          statsRollup: new StatsRollup(database.knex, policies, clock),
        },
        { ...jobIntervals({}), ...options.jobIntervals },
        metrics,
        app.log,
      ),
    );
    app.addHook('onClose', async () => {
      // Jobs first: a run in flight finishes on the database before it closes.
      await app.jobs.stop();
      await app.upgrades.stop();
      await app.auth.sessions.close();
      await database.close();
    });
  },
  { name: 'services' },
);
