// The job runner: a failing run is counted and logged and the job runs again next interval; a job never
// overlaps itself (background or on demand); stop waits for the run in flight; lag grows while overdue.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jobIntervals, type JobServices } from '../src/jobs/jobs.js';
import { JobRunner } from '../src/jobs/runner.js';
import { Metrics } from '../src/services/metrics.js';

const none = { fired: 0, stale: 0, records: 0, failed: 0 };

/** Services whose distribution job is `distribute`; the rest do nothing. */
function services(distribute: () => Promise<number>): JobServices {
  return {
    sweep: { sweepAll: () => Promise.resolve(none) },
    upgrades: { runPending: () => Promise.resolve(0) },
    distributor: { distribute },
    outbox: { deliverDue: () => Promise.resolve({ delivered: 0, failed: 0 }) },
    purgeIdempotencyKeys: () => Promise.resolve(0),
    purgeSessions: () => Promise.resolve({ sessions: 0, loginAttempts: 0 }),
    purgeRetained: () => Promise.resolve({ notifications: 0, deliveries: 0 }),
    statsRollup: { run: () => Promise.resolve({ pools: 0, days: 0, deltas: 0 }) },
  };
}

/** A metric's value from the /metrics text (undefined when absent). */
function metric(metrics: Metrics, series: string): number | undefined {
  const line = metrics
    .render()
    .split('\n')
    .find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('JobRunner', () => {
  const intervals = { ...jobIntervals({}), distribute: 1000 };
  let metrics: Metrics;
  let errors: { obj: object; msg: string }[];
  const log = { error: (obj: object, msg: string) => errors.push({ obj, msg }) };

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    metrics = new Metrics();
    errors = [];
  });
  afterEach(() => vi.useRealTimers());

  it('counts and logs a failed run, runs again next interval, and shows the lag meanwhile', async () => {
    let calls = 0;
    const runner = new JobRunner(
      services(() => (++calls === 1 ? Promise.reject(new Error('db down')) : Promise.resolve(3))),
      intervals,
      metrics,
      log,
    );
    runner.start(['distribute']);
    await vi.advanceTimersByTimeAsync(0); // the first run starts at once
    expect(calls).toBe(1);
    expect(metric(metrics, 'poolflow_job_runs_total{job="distribute"}')).toBe(1);
    expect(metric(metrics, 'poolflow_job_failures_total{job="distribute"}')).toBe(1);
    expect(errors).toEqual([
      { obj: expect.objectContaining({ job: 'distribute' }), msg: 'job distribute failed' },
    ]);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toBe(1);
    // Due since start and not done: overdue by almost a second.
    expect(metric(metrics, 'poolflow_job_lag_seconds{job="distribute"}')).toBe(0.999);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    expect(metric(metrics, 'poolflow_job_runs_total{job="distribute"}')).toBe(2);
    expect(metric(metrics, 'poolflow_job_failures_total{job="distribute"}')).toBe(1);
    expect(metric(metrics, 'poolflow_job_lag_seconds{job="distribute"}')).toBe(0);
    // A job that was never started is not counted.
    expect(metric(metrics, 'poolflow_job_runs_total{job="sweep"}')).toBeUndefined();
    await runner.stop();
  });

  it('never overlaps a job with itself, and stop waits for the run in flight', async () => {
    let running = 0;
    let most = 0;
    let finish: (() => void) | undefined;
    let calls = 0;
    const runner = new JobRunner(
      services(async () => {
        calls++;
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => (finish = resolve));
        running--;
        return 1;
      }),
      intervals,
      metrics,
      log,
    );
    runner.start(['distribute']);
    await vi.advanceTimersByTimeAsync(0);
    // A run that takes ten intervals: no second background run starts, and one asked for waits.
    const asked = runner.run('distribute');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
    finish!();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2); // the run asked for, after the first
    expect(most).toBe(1);

    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // the asked-for run is still in flight
    finish!();
    expect(await asked).toBe(1);
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(2); // nothing runs after stop
    expect(most).toBe(1);
  });
});
