// `npm start`: serves the API (and the designer) on PORT with the embedded database unless DATABASE_URL is set.
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp, REQUEST_TIMEOUT_MS } from './app.js';
import { exitIfDataDirInUse } from './db/data-dir-lock.js';
import { jobIntervals, PURGE_JOBS, type JobIntervals } from './jobs/jobs.js';
import { DEFAULT_KEY_HOURS } from './plugins/idempotency.plugin.js';
import { passwordSettingProblem } from './services/auth.service.js';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './services/login-limiter.js';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './services/import-limits.js';
import { DEFAULT_RETENTION, type Retention } from './services/retention.js';
import { SweepWorkers } from './services/sweep-workers.js';

const env = process.env;
const port = Number(env['PORT'] ?? 3000);
const host = env['HOST'] ?? '127.0.0.1';
/**
 * A setting that takes one of a few words: unset (or empty) is `fallback`; any other value stops the start
 * with a message naming the variable (a typo such as `Manual` or `true` would silently do nothing).
 */
function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name]?.trim() ?? '';
  if (value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    console.error(`${name} must be one of ${allowed.join(', ')} (it is "${value}")`);
    process.exit(1);
  }
  return value as T;
}
const clock = oneOf('POOLFLOW_CLOCK', ['system', 'manual'], 'system');
const webhookAllowPrivate = oneOf('POOLFLOW_WEBHOOK_ALLOW_PRIVATE', ['0', '1'], '0') === '1';
const keyHours = Number(env['POOLFLOW_IDEMPOTENCY_HOURS'] ?? DEFAULT_KEY_HOURS);
if (!(keyHours > 0)) {
  console.error('POOLFLOW_IDEMPOTENCY_HOURS must be a positive number of hours');
  process.exit(1);
}
/** A whole-number setting from the environment; a bad value stops the start with a message naming it. */
function wholeNumber(name: string, fallback: number, min = 1): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number of at least ${min}`);
    process.exit(1);
  }
  return value;
}
// Each background job's interval (jobs/jobs.ts: POOLFLOW_SWEEP_INTERVAL_MS, POOLFLOW_OUTBOX_INTERVAL_MS, …).
let intervals: JobIntervals;
try {
  intervals = jobIntervals(env);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
// 0 sweeps on the main thread.
const sweepWorkers = wholeNumber('POOLFLOW_SWEEP_WORKERS', 2, 0);
const importLimits: ImportLimits = {
  maxBytes: wholeNumber('POOLFLOW_IMPORT_MAX_BYTES', DEFAULT_IMPORT_LIMITS.maxBytes),
  maxRows: wholeNumber('POOLFLOW_IMPORT_MAX_ROWS', DEFAULT_IMPORT_LIMITS.maxRows),
  maxCellChars: wholeNumber('POOLFLOW_IMPORT_MAX_CELL', DEFAULT_IMPORT_LIMITS.maxCellChars),
};
// How long a request may take to arrive (a body shorter than its Content-Length is not waited for longer).
const requestTimeoutMs = wholeNumber('POOLFLOW_REQUEST_TIMEOUT_MS', REQUEST_TIMEOUT_MS, 1000);
// How long notifications and finished webhook deliveries are kept (the purge-retention job).
const retention: Retention = {
  notificationDays: wholeNumber('POOLFLOW_NOTIFICATION_DAYS', DEFAULT_RETENTION.notificationDays),
  deliveryDays: wholeNumber('POOLFLOW_DELIVERY_DAYS', DEFAULT_RETENTION.deliveryDays),
};
const adminPassword = env['POOLFLOW_ADMIN_PASSWORD'];
const adminPasswordProblem = passwordSettingProblem('POOLFLOW_ADMIN_PASSWORD', adminPassword);
if (adminPasswordProblem) {
  console.error(adminPasswordProblem);
  process.exit(1);
}
const loginLimits: LoginLimits = {
  perUser: wholeNumber('POOLFLOW_LOGIN_MAX_PER_USER', DEFAULT_LOGIN_LIMITS.perUser),
  perAddress: wholeNumber('POOLFLOW_LOGIN_MAX_PER_ADDRESS', DEFAULT_LOGIN_LIMITS.perAddress),
  windowMinutes: wholeNumber('POOLFLOW_LOGIN_WINDOW_MINUTES', DEFAULT_LOGIN_LIMITS.windowMinutes),
};
// Behind a reverse proxy every client has the proxy's address: trust its X-Forwarded-For (`true`, or the
// proxy's addresses, comma-separated) so login limits count per client. `false` (or empty) trusts none;
// anything else stops the start with a message (a stray value would be taken for an address).
const trustProxy = trustProxySetting(env['POOLFLOW_TRUST_PROXY']);
function trustProxySetting(value: string | undefined): true | string | undefined {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return undefined;
  if (text === 'true') return true;
  const addresses = text.split(',').map((a) => a.trim());
  const valid = (a: string) => {
    const [ip = '', bits, ...rest] = a.split('/');
    const version = isIP(ip);
    if (version === 0 || rest.length > 0) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
  };
  const bad = addresses.find((a) => !valid(a));
  if (bad !== undefined) {
    console.error(
      `POOLFLOW_TRUST_PROXY must be true, false or the proxy's addresses (IP or CIDR, comma-separated); "${bad}" is none of these`,
    );
    process.exit(1);
  }
  return addresses.join(',');
}
// A scraper's bearer token for /metrics; without one, only admins' sessions read it.
const metricsToken = env['POOLFLOW_METRICS_TOKEN'];
if (metricsToken !== undefined && metricsToken.length < 32) {
  console.error('POOLFLOW_METRICS_TOKEN must have at least 32 characters');
  process.exit(1);
}

// Modules that register custom actions and operators (defineAction, defineOperator): loaded here and by
// every sweep worker. Paths are relative to the working directory (`./x.js`, `/abs/x.js`, or `lib/x.js`
// when that file exists there); other names are packages.
const isFile = (path: string): boolean =>
  statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
const modules = (env['POOLFLOW_MODULES'] ?? '')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean)
  .map((m) =>
    m.startsWith('.') || m.startsWith('/') || isFile(resolve(m))
      ? pathToFileURL(resolve(m)).href
      : m,
  );
for (const module of modules) await import(module);

const app = await buildApp({
  databaseUrl: env['DATABASE_URL'],
  dataDir: env['POOLFLOW_DATA_DIR'] ?? './data',
  clock,
  secret: env['POOLFLOW_SECRET'],
  logger: { level: env['LOG_LEVEL'] ?? 'info' },
  idempotencyKeyHours: keyHours,
  importLimits,
  requestTimeoutMs,
  retention,
  webhookAllowPrivate,
  loginLimits,
  jobIntervals: intervals,
  ...(trustProxy === undefined ? {} : { trustProxy }),
  metricsToken,
}).catch(exitIfDataDirInUse);

const admin = await app.auth.ensureAdmin(adminPassword);
if (admin.password) {
  console.log(
    `\nCreated user "admin" with password: ${admin.password}\n(shown once; set POOLFLOW_ADMIN_PASSWORD to choose it)\n`,
  );
} else if (admin.created) {
  console.log('\nCreated user "admin" with the password from POOLFLOW_ADMIN_PASSWORD.\n');
}
// Background jobs (jobs/jobs.ts). With the manual clock only the purges run by themselves: the rest runs
// when an admin advances the clock.
if (clock === 'system') {
  const databaseUrl = env['DATABASE_URL'];
  // On PostgreSQL the engine steps on worker threads, off the thread that serves requests; PGlite is one
  // connection inside this process, so it sweeps here.
  if (app.dbKind === 'postgres' && databaseUrl && sweepWorkers > 0) {
    const threads = new SweepWorkers(
      { databaseUrl, clock: 'system', workers: sweepWorkers, modules, log: app.log },
      app.metrics,
    );
    app.jobs.start(undefined, { sweep: threads });
    // The jobs stop before the threads end (onClose hooks run last-added first).
    app.addHook('onClose', async () => {
      await app.jobs.stop();
      await threads.close();
    });
  } else {
    app.jobs.start();
  }
} else {
  app.jobs.start(PURGE_JOBS);
}

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
