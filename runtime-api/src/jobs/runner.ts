// Runs the declared jobs (jobs.ts): each in the background as a Repeater, or once on demand (the manual
// clock's advance, the demo), counting runs, failures, lag and duration per job in the metrics.
import type { Metrics } from '../services/metrics.js';
import {
  JOB_NAMES,
  JOBS,
  type JobIntervals,
  type JobName,
  type JobResults,
  type JobServices,
} from './jobs.js';

/** Where failed runs are logged (pino's signature: the app's logger fits). */
export interface JobLog {
  error(obj: object, msg: string): void;
}

/**
 * Runs `work` at once, then again `intervalMs` after each run ends (a run never overlaps itself), until
 * stop(), which waits for a run in flight.
 */
export class Repeater {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(private readonly work: () => Promise<unknown>) {}

  start(intervalMs: number, onError: (e: unknown) => void): void {
    this.#stopped = false;
    const tick = (): void => {
      this.#timer = undefined;
      this.#running = this.work()
        .catch(onError)
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}

interface JobState {
  /** The last run (background or on demand): the next one waits for it, so runs never overlap. */
  chain: Promise<unknown>;
  /** When the job is next due: its last success plus its interval (the start, before one). */
  dueAt: number;
  repeater: Repeater | undefined;
}

export class JobRunner {
  readonly #state = new Map<JobName, JobState>();
  #services: JobServices;

  constructor(
    services: JobServices,
    private readonly intervals: JobIntervals,
    private readonly metrics: Metrics,
    private readonly log: JobLog,
    private readonly now: () => number = Date.now,
  ) {
    this.#services = services;
    for (const name of JOB_NAMES)
      this.#state.set(name, { chain: Promise.resolve(), dueAt: now(), repeater: undefined });
    // Lag is read when /metrics is: a job that hangs or keeps failing shows it growing. Jobs run only on
    // demand (the manual clock) are never overdue.
    metrics.onRender(() => {
      const at = this.now();
      for (const [name, state] of this.#state)
        if (state.repeater)
          metrics.gauge('poolflow_job_lag_seconds', Math.max(0, at - state.dueAt) / 1000, {
            job: name,
          });
    });
  }

  /**
   * Starts `names` (every job by default) in the background. `services` replaces some of the services
   * the jobs run (the server's sweep worker threads on PostgreSQL).
   */
  start(names: readonly JobName[] = JOB_NAMES, services: Partial<JobServices> = {}): void {
    this.#services = { ...this.#services, ...services };
    for (const name of names) {
      const state = this.#state.get(name)!;
      if (state.repeater) continue;
      state.dueAt = this.now();
      state.repeater = new Repeater(() => this.run(name));
      // run() has logged and counted the failure already.
      state.repeater.start(this.intervals[name], () => undefined);
    }
  }

  /** Runs one job once, after its run in flight if any; a failure is counted, logged and thrown. */
  run<N extends JobName>(name: N): Promise<JobResults[N]> {
    const state = this.#state.get(name)!;
    const run = state.chain.then(() => this.#runNow(name, state));
    state.chain = run.catch(() => undefined);
    return run;
  }

  async #runNow<N extends JobName>(name: N, state: JobState): Promise<JobResults[N]> {
    const started = this.now();
    const labels = { job: name };
    this.metrics.count('poolflow_job_runs_total', labels);
    try {
      const result = await JOBS[name].run(this.#services);
      state.dueAt = this.now() + this.intervals[name];
      return result;
    } catch (e) {
      this.metrics.count('poolflow_job_failures_total', labels);
      this.log.error({ err: e, job: name }, `job ${name} failed`);
      throw e;
    } finally {
      this.metrics.gauge('poolflow_job_duration_seconds', (this.now() - started) / 1000, labels);
    }
  }

  /** Stops the background runs and waits for every run in flight. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.#state.values()].map(async (state) => {
        await state.repeater?.stop();
        state.repeater = undefined;
        await state.chain;
      }),
    );
  }
}
