// `npm start`: serves the API (and the designer) on PORT with the embedded database unless DATABASE_URL is set.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { DEFAULT_KEY_HOURS, purgeExpiredKeys } from './plugins/idempotency.plugin.js';
import { SweepWorkers } from './services/sweep-workers.js';

const env = process.env;
const port = Number(env['PORT'] ?? 3000);
const host = env['HOST'] ?? '127.0.0.1';
const clock = env['POOLFLOW_CLOCK'] === 'manual' ? 'manual' : 'system';
const keyHours = Number(env['POOLFLOW_IDEMPOTENCY_HOURS'] ?? DEFAULT_KEY_HOURS);
if (!(keyHours > 0)) {
  console.error('POOLFLOW_IDEMPOTENCY_HOURS must be a positive number of hours');
  process.exit(1);
}
const sweepWorkers = Number(env['POOLFLOW_SWEEP_WORKERS'] ?? 2);
if (!Number.isInteger(sweepWorkers) || sweepWorkers < 0) {
  console.error('POOLFLOW_SWEEP_WORKERS must be a whole number (0 sweeps on the main thread)');
  process.exit(1);
}

// Modules that register custom actions and operators (defineAction, defineOperator): loaded here and by
// every sweep worker. Paths are relative to the working directory; bare names are packages.
const modules = (env['POOLFLOW_MODULES'] ?? '')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean)
  .map((m) => (m.startsWith('.') || m.startsWith('/') ? pathToFileURL(resolve(m)).href : m));
for (const module of modules) await import(module);

const app = await buildApp({
  databaseUrl: env['DATABASE_URL'],
  dataDir: env['POOLFLOW_DATA_DIR'] ?? './data',
  clock,
  secret: env['POOLFLOW_SECRET'],
  logger: { level: env['LOG_LEVEL'] ?? 'info' },
  idempotencyKeyHours: keyHours,
});

const admin = await app.auth.ensureAdmin(env['POOLFLOW_ADMIN_PASSWORD']);
if (admin.password) {
  console.log(
    `\nCreated user "admin" with password: ${admin.password}\n(shown once; set POOLFLOW_ADMIN_PASSWORD to choose it)\n`,
  );
} else if (admin.created) {
  console.log('\nCreated user "admin" with the password from POOLFLOW_ADMIN_PASSWORD.\n');
}
if (clock === 'system') {
  const interval = Number(env['POOLFLOW_SWEEP_INTERVAL_MS'] ?? 1000);
  const onError = (e: unknown): void => app.log.error({ err: e }, 'sweep failed');
  const databaseUrl = env['DATABASE_URL'];
  // On PostgreSQL the engine steps on worker threads, off the thread that serves requests; PGlite is one
  // connection inside this process, so it sweeps here.
  if (app.dbKind === 'postgres' && databaseUrl && sweepWorkers > 0) {
    const threads = new SweepWorkers(
      { databaseUrl, clock: 'system', workers: sweepWorkers, modules },
      app.metrics,
    );
    threads.start(interval, onError);
    app.addHook('onClose', () => threads.close());
  } else {
    app.sweeper.start(interval, onError);
  }
}

// Stored Idempotency-Key responses are dropped once expired (keys also expire on use).
const purge = setInterval(() => {
  purgeExpiredKeys(app, keyHours).catch((e: unknown) =>
    app.log.error({ err: e }, 'purging idempotency keys failed'),
  );
}, 3_600_000);
purge.unref();
app.addHook('onClose', () => clearInterval(purge));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info(`${signal}: shutting down`);
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ port, host });
const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
console.log(
  `Poolflow is running at http://${shown}:${port}/  (API docs: http://${shown}:${port}/docs, database: ${app.dbKind}${clock === 'manual' ? ', manual clock' : ''})`,
);
