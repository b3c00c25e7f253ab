// Sweeping on worker threads (PostgreSQL). Stepping the engine is CPU work: one thread stepping every
// batch was the sweep's bottleneck (busy 90-98% of the time while the database waited), so each worker
// thread sweeps with its own connection and SKIP LOCKED keeps them apart, as separate processes would.
// Measured with `npm run bench -- runtime-sweep`: see the README.
import { Worker } from 'node:worker_threads';
import type { CounterName, GaugeName, Metrics } from './metrics.js';
import { sumSweeps, type SweepLog, type SweepResult } from './sweeper.js';

export interface SweepWorkersOptions {
  databaseUrl: string;
  /** PostgreSQL schema (tests and benches); the default search path otherwise. */
  schema?: string | undefined;
  clock: 'system' | 'manual';
  /** Worker threads (at least 1). */
  workers: number;
  /** Records per batch; each worker sweeps `parallel` batches at once (default 1). */
  batchSize?: number;
  parallel?: number;
  /**
   * Modules each worker imports first: those that register custom actions or operators
   * (`defineAction`, `defineOperator`), as the process that starts the workers does.
   */
  modules?: string[];
  /** Timer firings one record may take in one sweep pass (the Sweeper's default otherwise). */
  stepCap?: number;
  /** Where failed timers are logged (the console otherwise). */
  log?: SweepLog;
}

/** What a worker thread is given. */
export interface SweepWorkerData {
  databaseUrl: string;
  schema: string | undefined;
  clock: 'system' | 'manual';
  batchSize: number;
  parallel: number;
  modules: string[];
  stepCap: number | undefined;
}

export type ToWorker = { type: 'sweep' } | { type: 'close' };
export type ToParent =
  | { type: 'ready' }
  | { type: 'batch'; batch: SweepResult }
  | { type: 'done'; total: SweepResult }
  | { type: 'failed'; error: string }
  | { type: 'count'; name: CounterName; labels: Record<string, string>; by: number }
  | { type: 'gauge'; name: GaugeName; labels: Record<string, string>; value: number }
  | { type: 'log'; level: 'warn' | 'error'; obj: object; msg: string };

// Workers run the build (runtime-api/dist), also when this file runs from source (tests, benches): a
// worker thread has no TypeScript loader. `npm run build`, `npm test` and `npm run bench` build first.
const workerUrl = (): URL =>
  new URL(
    import.meta.url.endsWith('.ts') ? '../../dist/services/sweep-worker.js' : './sweep-worker.js',
    import.meta.url,
  );

/** A worker thread and the sweep it is running, if any. */
interface Thread {
  worker: Worker;
  ready: Promise<void>;
  exited: Promise<void>;
  dead: boolean;
  sweep:
    | {
        onBatch: ((batch: SweepResult) => void) | undefined;
        resolve: (r: SweepResult) => void;
        reject: (e: Error) => void;
      }
    | undefined;
}

export class SweepWorkers {
  readonly #data: SweepWorkerData;
  #threads: Thread[];
  #closing = false;
  #last: Promise<unknown> = Promise.resolve();
  readonly #log: SweepLog | undefined;

  constructor(
    options: SweepWorkersOptions,
    private readonly metrics: Metrics,
  ) {
    this.#log = options.log;
    this.#data = {
      databaseUrl: options.databaseUrl,
      schema: options.schema,
      clock: options.clock,
      batchSize: options.batchSize ?? 1000,
      parallel: Math.max(1, options.parallel ?? 1),
      modules: options.modules ?? [],
      stepCap: options.stepCap,
    };
    this.#threads = Array.from({ length: Math.max(1, options.workers) }, () => this.#spawn());
  }

  #spawn(): Thread {
    const worker = new Worker(workerUrl(), { workerData: this.#data });
    let ready!: () => void;
    let failed!: (e: Error) => void;
    const thread: Thread = {
      worker,
      ready: new Promise<void>((resolve, reject) => {
        ready = resolve;
        failed = reject;
      }),
      exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
      dead: false,
      sweep: undefined,
    };
    // Awaited by ready() and sweepAll(); a thread that fails before either is asked is not a crash.
    thread.ready.catch(() => undefined);
    // A thread that dies fails its sweep (its transaction rolls back in the database) and is replaced
    // before the next sweep.
    const die = (e: Error): void => {
      thread.dead = true;
      failed(e);
      thread.sweep?.reject(e);
      thread.sweep = undefined;
    };
    worker.on('error', die);
    worker.on('exit', (code) => {
      if (!this.#closing) die(new Error(`sweep worker exited with code ${code}`));
    });
    worker.on('message', (message: ToParent) => {
      switch (message.type) {
        case 'ready':
          return ready();
        case 'count':
          return this.metrics.count(message.name, message.labels, message.by);
        case 'gauge':
          return this.metrics.gauge(message.name, message.value, message.labels);
        case 'log':
          if (this.#log) return this.#log[message.level](message.obj, message.msg);
          return message.level === 'warn'
            ? console.warn(message.msg, JSON.stringify(message.obj))
            : console.error(message.msg, JSON.stringify(message.obj));
        case 'batch':
          return thread.sweep?.onBatch?.(message.batch);
        case 'done':
        case 'failed': {
          const sweep = thread.sweep;
          thread.sweep = undefined;
          if (message.type === 'done') sweep?.resolve(message.total);
          else sweep?.reject(new Error(message.error));
        }
      }
    });
    return thread;
  }

  /** Resolves once every thread has connected and is ready to sweep. */
  async ready(): Promise<void> {
    this.#threads = this.#threads.map((t) => (t.dead ? this.#spawn() : t));
    await Promise.all(this.#threads.map((t) => t.ready));
  }

  /** Every worker sweeps until nothing is due; the totals of all of them. */
  sweepAll(onBatch?: (batch: SweepResult) => void): Promise<SweepResult> {
    // One sweep at a time: a thread runs one request, so a second caller waits for the first.
    const run = this.#last.then(() => this.#sweep(onBatch));
    this.#last = run.catch(() => undefined);
    return run;
  }

  async #sweep(onBatch: ((batch: SweepResult) => void) | undefined): Promise<SweepResult> {
    await this.ready();
    const results = await Promise.all(
      this.#threads.map(
        (t) =>
          new Promise<SweepResult>((resolve, reject) => {
            t.sweep = { onBatch, resolve, reject };
            t.worker.postMessage({ type: 'sweep' } satisfies ToWorker);
          }),
      ),
    );
    return sumSweeps(results);
  }

  /** Lets a running sweep finish and ends the threads (the job runner has stopped asking for sweeps). */
  async close(): Promise<void> {
    await this.#last;
    this.#closing = true;
    for (const t of this.#threads) t.worker.postMessage({ type: 'close' } satisfies ToWorker);
    await Promise.all(this.#threads.map((t) => t.exited));
  }
}
