// A sweep worker thread: its own connection and Sweeper, sweeping on request from SweepWorkers. Counters
// and gauges go to the parent's metrics, log lines to its logger; nothing else is shared (SKIP LOCKED keeps workers apart).
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/connect.js';
import { clockOf } from './clock.js';
import { Metrics, type CounterName, type GaugeName } from './metrics.js';
import { PolicyStore } from './policy-store.js';
import { Sweeper } from './sweeper.js';
import type { SweepWorkerData, ToParent, ToWorker } from './sweep-workers.js';

const port = parentPort;
if (!port) throw new Error('sweep-worker.ts runs as a worker thread (see SweepWorkers)');
const data = workerData as SweepWorkerData;
const post = (message: ToParent): void => port.postMessage(message);

/** Metrics that forward to the parent thread's. */
class ForwardedMetrics extends Metrics {
  override count(name: CounterName, labels: Record<string, string> = {}, by = 1): void {
    post({ type: 'count', name, labels, by });
  }

  override gauge(name: GaugeName, value: number, labels: Record<string, string> = {}): void {
    post({ type: 'gauge', name, labels, value });
  }
}

// Custom actions and operators are registered by modules; the worker loads the same ones as its process.
for (const module of data.modules) await import(module);
const { knex } = await openDatabase({
  databaseUrl: data.databaseUrl,
  schema: data.schema,
  poolSize: data.parallel + 1,
  migrate: false,
});
const sweeper = new Sweeper(
  knex,
  new PolicyStore(knex),
  clockOf(data.clock),
  new ForwardedMetrics(),
  data.batchSize,
  data.parallel,
  {
    // Failed timers are logged by the parent thread's logger.
    log: {
      warn: (obj, msg) => post({ type: 'log', level: 'warn', obj, msg }),
      error: (obj, msg) => post({ type: 'log', level: 'error', obj, msg }),
    },
    ...(data.stepCap === undefined ? {} : { stepCap: data.stepCap }),
  },
);

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    void knex.destroy().then(() => port.close());
    return;
  }
  sweeper
    .sweepAll((batch) => post({ type: 'batch', batch }))
    .then(
      (total) => post({ type: 'done', total }),
      (e: unknown) => post({ type: 'failed', error: e instanceof Error ? e.message : String(e) }),
    );
});
post({ type: 'ready' });
