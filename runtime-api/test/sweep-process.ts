// A sweeper in its own process (fixtures/sweep-worker.ts) for the multi-process tests, and the JSON lines
// it printed so far.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const url = process.env['DATABASE_URL'];
const workerFile = join(import.meta.dirname, 'fixtures', 'sweep-worker.ts');

export interface SweepCounts {
  fired: number;
  stale: number;
  records: number;
}

/** A sweep-worker process and the JSON lines it printed so far. */
export class Worker {
  readonly batches: SweepCounts[] = [];
  done: SweepCounts | undefined;
  readonly exited: Promise<number | null>;
  #waiters: { test: () => boolean; resolve: () => void }[] = [];
  readonly child: ChildProcessWithoutNullStreams;

  constructor(
    schema: string,
    name: string,
    options: { batch: number; wait: boolean; parallel?: number },
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', workerFile], {
      cwd: join(import.meta.dirname, '..'),
      env: {
        ...process.env,
        DATABASE_URL: `${url}${url?.includes('?') ? '&' : '?'}application_name=${name}`,
        SWEEP_SCHEMA: schema,
        SWEEP_BATCH: String(options.batch),
        SWEEP_PARALLEL: String(options.parallel ?? 1),
        SWEEP_WAIT: options.wait ? '1' : '0',
      },
    });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        if (code !== 0 && code !== null) console.error(`${name} exited ${code}: ${stderr}`);
        this.#check(true);
        resolve(code);
      }),
    );
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      // Anything but our JSON lines (a library's warning) is shown, not parsed.
      if (!line.startsWith('{')) return console.warn(`${name}: ${line}`);
      const message = JSON.parse(line) as { batch?: SweepCounts; done?: SweepCounts };
      if (message.batch) this.batches.push(message.batch);
      if (message.done) this.done = message.done;
      this.ready ||= 'ready' in message;
      this.#check(false);
    });
  }

  ready = false;

  /** Resolves once `test` holds for what the worker printed; rejects if it exits first. */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ test, resolve });
      void this.exited.then(() => (test() ? resolve() : reject(new Error('worker exited'))));
    });
  }

  #check(exited: boolean): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test()) return !exited;
      w.resolve();
      return false;
    });
  }

  get fired(): number {
    return this.batches.reduce((n, b) => n + b.fired, 0);
  }
}
