// Every background job of the runtime, declared once: its name, how often it runs (and the setting that
// changes it) and what one run does. The runner (runner.ts) starts them; nothing else starts timers.
import type { RollupResult } from '../services/stats-rollup.js';
import type { SweepResult } from '../services/sweeper.js';

/** What the jobs run: the app's services (or, for the sweep, its worker threads on PostgreSQL). */
export interface JobServices {
  sweep: { sweepAll(): Promise<SweepResult> };
  upgrades: { runPending(): Promise<number> };
  distributor: { distribute(options?: { limit?: number }): Promise<number> };
  outbox: { deliverDue(): Promise<{ delivered: number; failed: number }> };
  purgeIdempotencyKeys(): Promise<number>;
  purgeSessions(): Promise<{ sessions: number; loginAttempts: number }>;
  purgeRetained(): Promise<{ notifications: number; deliveries: number }>;
  statsRollup: { run(): Promise<RollupResult> };
}

/** What one run of each job gives back. */
export interface JobResults {
  upgrades: number;
  sweep: SweepResult;
  distribute: number;
  outbox: { delivered: number; failed: number };
  'purge-idempotency': number;
  'purge-sessions': { sessions: number; loginAttempts: number };
  'purge-retention': { notifications: number; deliveries: number };
  'stats-rollup': RollupResult;
}

export type JobName = keyof JobResults;

export interface JobSpec<N extends JobName> {
  /** The environment variable that sets the interval (milliseconds). */
  env: string;
  defaultMs: number;
  run(services: JobServices): Promise<JobResults[N]>;
}

/** Pooled records one distribution run looks at per pool (the next run goes on after them). */
export const DISTRIBUTE_LIMIT = 1000;

const HOUR = 3_600_000;

/** The job table. Insertion order is the order jobs start in. */
export const JOBS: { [N in JobName]: JobSpec<N> } = {
  // Running pool upgrades move their records in batches, in every process (SKIP LOCKED keeps them apart).
  upgrades: {
    env: 'POOLFLOW_UPGRADE_INTERVAL_MS',
    defaultMs: 1000,
    run: (s) => s.upgrades.runPending(),
  },
  // Due timers: on PostgreSQL on the sweep worker threads, on PGlite in this process.
  sweep: { env: 'POOLFLOW_SWEEP_INTERVAL_MS', defaultMs: 1000, run: (s) => s.sweep.sweepAll() },
  // Records in a pool state of a roundRobin / leastLoaded pool go to a member (distributor.ts).
  distribute: {
    env: 'POOLFLOW_DISTRIBUTE_INTERVAL_MS',
    defaultMs: 1000,
    run: (s) => s.distributor.distribute({ limit: DISTRIBUTE_LIMIT }),
  },
  // Webhooks and custom effects, after the transaction that made them committed.
  outbox: {
    env: 'POOLFLOW_OUTBOX_INTERVAL_MS',
    defaultMs: 1000,
    // deliverDue leases batches until nothing is due, at most 500 deliveries a run.
    run: (s) => s.outbox.deliverDue(),
  },
  // Expired Idempotency-Key responses (keys also expire on use).
  'purge-idempotency': {
    env: 'POOLFLOW_PURGE_INTERVAL_MS',
    defaultMs: HOUR,
    run: (s) => s.purgeIdempotencyKeys(),
  },
  // Expired sessions and closed login-attempt windows.
  'purge-sessions': {
    env: 'POOLFLOW_PURGE_INTERVAL_MS',
    defaultMs: HOUR,
    run: (s) => s.purgeSessions(),
  },
  // Notifications and finished webhook deliveries past their retention (retention.ts).
  'purge-retention': {
    env: 'POOLFLOW_PURGE_INTERVAL_MS',
    defaultMs: HOUR,
    run: (s) => s.purgeRetained(),
  },
  // Closed pool-local days of history into the stats rollup, and the record tally's deltas folded
  // (stats-rollup.ts): at most 31 days per pool and 500 pools a run; stats are exact without it.
  'stats-rollup': {
    env: 'POOLFLOW_STATS_ROLLUP_INTERVAL_MS',
    defaultMs: 60_000,
    run: (s) => s.statsRollup.run(),
  },
};

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** The jobs the manual clock's advance (and the demo's seeding, per simulated day) runs once, in order. */
export const ADVANCE_ORDER = ['upgrades', 'sweep', 'distribute', 'outbox'] as const;

/** The jobs that only purge: they run under the manual clock too. */
export const PURGE_JOBS: JobName[] = ['purge-idempotency', 'purge-sessions', 'purge-retention'];

export type JobIntervals = Record<JobName, number>;

/**
 * Each job's interval from the environment (its default otherwise); a bad value throws an error naming
 * the variable.
 */
export function jobIntervals(env: Record<string, string | undefined>): JobIntervals {
  const intervals = {} as JobIntervals;
  for (const name of JOB_NAMES) {
    const spec = JOBS[name];
    const value = Number(env[spec.env] ?? spec.defaultMs);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${spec.env} must be a whole number of milliseconds, at least 1`);
    intervals[name] = value;
  }
  return intervals;
}
