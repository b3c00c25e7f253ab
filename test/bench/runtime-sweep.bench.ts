// Sweep throughput: N records due at once, released to the pool by the runtime's sweep as `npm start` runs
// it on PostgreSQL (SweepWorkers: worker threads, each with its own connection), against one raw SQL
// UPDATE doing the same state change on an identical copy of the table.
import { Metrics } from '../../runtime-api/src/services/metrics.js';
import { SweepWorkers } from '../../runtime-api/src/services/sweep-workers.js';
import { formatRate, table, type BenchOutcome } from './harness.js';
import {
  benchSchema,
  type Cost,
  databaseUrl,
  envInt,
  measureCost,
  POOL,
  printCommand,
  seedRecords,
  setupCrmPool,
} from './runtime-harness.js';

const TARGET_RATIO = 0.3;

const seconds = (since: number): number => (performance.now() - since) / 1000;

export async function runtimeSweepBench(): Promise<BenchOutcome> {
  const n = envInt('BENCH_SWEEP_N', 1_000_000);
  const batch = envInt('BENCH_SWEEP_BATCH', 1000);
  // The server's default: two worker threads, one batch at a time each (POOLFLOW_SWEEP_WORKERS).
  const workers = envInt('BENCH_SWEEP_WORKERS', 2);
  const parallel = envInt('BENCH_SWEEP_PARALLEL', 1);
  printCommand('runtime-sweep', {
    BENCH_SWEEP_N: n,
    BENCH_SWEEP_BATCH: batch,
    BENCH_SWEEP_WORKERS: workers,
    BENCH_SWEEP_PARALLEL: parallel,
  });
  const db = await benchSchema(4);
  try {
    const { knex } = db;
    const { compiled, reps } = await setupCrmPool(knex, 100);
    let t = performance.now();
    await seedRecords(knex, compiled, n, { owners: reps.map((r) => r.id), pooled: false });
    console.log(
      `seed: ${n.toLocaleString('en-US')} CRM records owned by 100 reps, each with its release timer ` +
        `due (reminder already fired), in ${seconds(t).toFixed(1)} s`,
    );
    t = performance.now();
    await knex.raw('CREATE TABLE records_raw (LIKE records INCLUDING ALL)');
    await knex.raw('INSERT INTO records_raw SELECT * FROM records');
    await knex.raw('VACUUM ANALYZE records_raw');
    console.log(`copy: records_raw, same rows and indexes, in ${seconds(t).toFixed(1)} s`);

    await knex.raw('CHECKPOINT');
    t = performance.now();
    const { result: raw, cost: rawCost } = await measureCost(knex, () =>
      knex.raw<{ rowCount: number }>(
        `UPDATE records_raw SET state = 'pool', owner_id = NULL, pooled = true, seq = seq + 1
         WHERE pool_key = ? AND state = 'owned'`,
        [POOL],
      ),
    );
    const rawSeconds = seconds(t);

    await knex.raw('CHECKPOINT');
    const threads = new SweepWorkers(
      {
        databaseUrl,
        schema: db.schema,
        clock: 'manual',
        workers,
        batchSize: batch,
        parallel,
      },
      new Metrics(),
    );
    let swept: Awaited<ReturnType<SweepWorkers['sweepAll']>>;
    let sweepCost: Cost;
    let sweepSeconds: number;
    try {
      await threads.ready();
      t = performance.now();
      ({ result: swept, cost: sweepCost } = await measureCost(knex, () => threads.sweepAll()));
      sweepSeconds = seconds(t);
    } finally {
      await threads.close();
    }

    // The sweep did the whole job: every record released, one history row each, no timer left.
    const { rows } = await knex.raw<{
      rows: { pooled: number; history: number; timers: number }[];
    }>(
      `SELECT (SELECT count(*) FROM records WHERE state = 'pool' AND pooled AND owner_id IS NULL)::int AS pooled,
         (SELECT count(*) FROM history WHERE event_type = 'TIMER' AND to_state = 'pool')::int AS history,
         (SELECT count(*) FROM timers)::int AS timers`,
    );
    const check = rows[0];
    if (check.pooled !== n || check.history !== n || check.timers !== 0 || swept.fired !== n)
      throw new Error(`the sweep left work undone: ${JSON.stringify({ ...check, ...swept })}`);

    const rawRate = raw.rowCount / rawSeconds;
    const sweepRate = swept.records / sweepSeconds;
    console.log('');
    for (const line of table([
      ['side', 'records', 'seconds', 'records/s'],
      [
        `SweepWorkers.sweepAll (${workers} threads x ${parallel} batch of ${batch})`,
        String(swept.records),
        sweepSeconds.toFixed(1),
        formatRate(sweepRate),
      ],
      [
        'raw UPDATE records_raw SET state, owner_id, pooled, seq',
        String(raw.rowCount),
        rawSeconds.toFixed(1),
        formatRate(rawRate),
      ],
    ]))
      console.log(line);
    console.log('');
    // Where the time goes, per record: this machine's cores are shared by Node and PostgreSQL.
    const perRecord = (cost: Cost, records: number): string[] => [
      ((cost.nodeCpuMs * 1000) / records).toFixed(0),
      cost.serverCpuMs === null ? 'n/a' : ((cost.serverCpuMs * 1000) / records).toFixed(0),
      (cost.walBytes / records).toFixed(0),
    ];
    for (const line of table([
      ['per record', 'Node CPU µs', 'PostgreSQL CPU µs', 'WAL bytes'],
      ['sweep', ...perRecord(sweepCost, swept.records)],
      ['raw UPDATE', ...perRecord(rawCost, raw.rowCount)],
    ]))
      console.log(line);
    console.log('');
    const ratio = sweepRate / rawRate;
    const ok = ratio >= TARGET_RATIO;
    console.log(
      `sweep/raw = ${ratio.toFixed(2)}x (target >= ${TARGET_RATIO.toFixed(2)}x): ${ok ? 'met' : 'NOT met'}; ` +
        `the sweep also steps the engine, rewrites each snapshot, writes a history row and deletes the timer ` +
        `(${swept.stale} stale timer reads skipped)`,
    );
    return { ok };
  } finally {
    await db.drop();
  }
}
