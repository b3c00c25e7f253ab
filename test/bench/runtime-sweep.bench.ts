// Sweep throughput: N records due at once, released to the pool by the runtime's sweep as `npm start` runs
// it on PostgreSQL (SweepWorkers: worker threads, each with its own connection), against one raw SQL
// UPDATE doing the same state change on an identical copy of the table. Each size runs in its own schema.
import { availableParallelism } from 'node:os';
import type { Knex } from 'knex';
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
  seedRecords,
  setupCrmPool,
} from './runtime-harness.js';

const TARGET_RATIO = 0.5;
/** Sizes run by default: the two (a table that fits in memory, and one that does not). */
const SIZES = [200_000, 1_000_000];

const seconds = (since: number): number => (performance.now() - since) / 1000;

interface Knobs {
  batch: number;
  workers: number;
  parallel: number;
}

interface SizeResult {
  n: number;
  sweepRate: number;
  rawRate: number;
  setBasedRate: number;
}

/** `BENCH_SWEEP_N`: one size or a comma-separated list of them. */
function sizesFromEnv(): number[] {
  const raw = process.env['BENCH_SWEEP_N'];
  if (raw === undefined || raw === '') return SIZES;
  const sizes = raw.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error('BENCH_SWEEP_N must be a positive integer or a comma-separated list of them');
  return sizes;
}

export async function runtimeSweepBench(): Promise<BenchOutcome> {
  const sizes = sizesFromEnv();
  const knobs: Knobs = {
    batch: envInt('BENCH_SWEEP_BATCH', 1000),
    // The server's default: two worker threads, one batch at a time each (POOLFLOW_SWEEP_WORKERS).
    workers: envInt('BENCH_SWEEP_WORKERS', 2),
    parallel: envInt('BENCH_SWEEP_PARALLEL', 1),
  };
  const url = process.env['DATABASE_URL'] ? 'DATABASE_URL=… ' : '';
  console.log(
    `command: ${url}BENCH_SWEEP_N=${sizes.join(',')} BENCH_SWEEP_BATCH=${knobs.batch} ` +
      `BENCH_SWEEP_WORKERS=${knobs.workers} BENCH_SWEEP_PARALLEL=${knobs.parallel} npm run bench -- runtime-sweep`,
  );
  console.log(`database: ${databaseUrl.replace(/\/\/[^@]*@/, '//…@')} (a fresh schema per size)`);
  const results: SizeResult[] = [];
  for (const n of sizes) results.push(await sweepSize(n, knobs));
  console.log('');
  for (const line of table([
    ['due records', 'sweep records/s', 'raw UPDATE records/s', 'ratio', 'set-based bound'],
    ...results.map((r) => [
      r.n.toLocaleString('en-US'),
      formatRate(r.sweepRate),
      formatRate(r.rawRate),
      `${(r.sweepRate / r.rawRate).toFixed(2)}x`,
      `${(r.setBasedRate / r.rawRate).toFixed(2)}x`,
    ]),
  ]))
    console.log(line);
  const ok = results.every((r) => r.sweepRate / r.rawRate >= TARGET_RATIO);
  console.log(
    `sweep/raw against the faster raw run of each size (target >= ${TARGET_RATIO.toFixed(2)}x at every size): ` +
      `${ok ? 'met' : 'NOT met'}; the sweep also steps the engine, rewrites each snapshot, writes a history ` +
      `row and deletes the timer`,
  );
  return { ok };
}

async function sweepSize(n: number, { batch, workers, parallel }: Knobs): Promise<SizeResult> {
  console.log(`\n-- ${n.toLocaleString('en-US')} due records`);
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
    // The raw side runs twice, before and after the sweep, each on its own copy; the faster run is the
    // baseline. One statement of tens of seconds on a shared machine can land in a slow stretch.
    t = performance.now();
    for (const copy of ['records_raw', 'records_raw2', 'records_raw3']) {
      await knex.raw(`CREATE TABLE ${copy} (LIKE records INCLUDING ALL)`);
      await knex.raw(`INSERT INTO ${copy} SELECT * FROM records`);
      await knex.raw(`VACUUM ANALYZE ${copy}`);
    }
    // The third and fourth copies are for the sweep's writes in bare SQL: each also has its timers and
    // an empty history.
    for (const copy of ['3', '4']) {
      if (copy === '4') {
        await knex.raw('CREATE TABLE records_raw4 (LIKE records INCLUDING ALL)');
        await knex.raw('INSERT INTO records_raw4 SELECT * FROM records');
        await knex.raw('VACUUM ANALYZE records_raw4');
      }
      await knex.raw(`CREATE TABLE timers_raw${copy} (LIKE timers INCLUDING ALL)`);
      await knex.raw(`INSERT INTO timers_raw${copy} SELECT * FROM timers`);
      await knex.raw(`VACUUM ANALYZE timers_raw${copy}`);
      await knex.raw(`CREATE TABLE history_raw${copy} (LIKE history INCLUDING ALL)`);
    }
    console.log(
      `copy: records_raw, records_raw2, records_raw3 and records_raw4 (the last two with their ` +
        `timers), same rows and indexes, in ${seconds(t).toFixed(1)} s`,
    );
    const rawUpdate = (copy: string): Promise<TimedRun> =>
      timed(knex, async () => {
        const { rowCount } = await knex.raw<{ rowCount: number }>(
          `UPDATE ${copy} SET state = 'pool', owner_id = NULL, pooled = true, seq = seq + 1
           WHERE pool_key = ? AND state = 'owned'`,
          [POOL],
        );
        return rowCount;
      });
    const rawBefore = await rawUpdate('records_raw');

    await knex.raw('CHECKPOINT');
    const threads = new SweepWorkers(
      { databaseUrl, schema: db.schema, clock: 'manual', workers, batchSize: batch, parallel },
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

    const rawAfter = await rawUpdate('records_raw2');
    const writes = await rawWrites(knex);
    const setBased = await setBasedBound(knex, workers * parallel, batch);
    const rawRuns = [rawBefore, rawAfter];
    const rawBest = rawRuns.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const rawRate = rate(rawBest);
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
        "bare SQL of the sweep's writes (UPDATE, history INSERT, timer DELETE)",
        String(writes.rows),
        writes.seconds.toFixed(1),
        formatRate(rate(writes)),
      ],
      [
        `the same writes set-based: batches of ${batch} locked SKIP LOCKED, snapshot text rewritten, ` +
          `${workers * parallel} connections`,
        String(setBased.rows),
        setBased.seconds.toFixed(1),
        formatRate(rate(setBased)),
      ],
      ...rawRuns.map((run, i) => [
        `raw UPDATE SET state, owner_id, pooled, seq (${i === 0 ? 'before' : 'after'})` +
          (run === rawBest ? ' *' : ''),
        String(run.rows),
        run.seconds.toFixed(1),
        formatRate(rate(run)),
      ]),
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
      ['bare SQL of the writes', ...perRecord(writes.cost, writes.rows)],
      ['the same set-based', ...perRecord(setBased.cost, setBased.rows)],
      ['raw UPDATE *', ...perRecord(rawBest.cost, rawBest.rows)],
    ]))
      console.log(line);
    console.log(
      `sweep/raw = ${(sweepRate / rawRate).toFixed(2)}x against the faster raw run (*) ` +
        `(${swept.stale} stale timer reads skipped); the sweep's writes alone in bare SQL: ` +
        `${(rate(writes) / rawRate).toFixed(2)}x of the raw run (not a target: how ` +
        `much of the gap the writes themselves take); set-based in batches on ` +
        `${workers * parallel} connections: ${(rate(setBased) / rawRate).toFixed(2)}x (not built: the ` +
        `bound of a timer path without an engine step in Node, README "What the 0.5x target leaves")`,
    );
    const ceiling = cpuCeiling(sweepCost, swept.records, rawBest);
    if (ceiling) console.log(ceiling);
    return { n, sweepRate, rawRate, setBasedRate: rate(setBased) };
  } finally {
    await db.drop();
  }
}

/** Node and PostgreSQL CPU a record, in µs; null where the server's CPU cannot be read. */
const cpuPerRecord = (cost: Cost, records: number): number | null =>
  cost.serverCpuMs === null ? null : ((cost.nodeCpuMs + cost.serverCpuMs) * 1000) / records;

/**
 * What the CPU allows: the raw UPDATE runs on one backend, so on one core; the sweep spreads over every
 * core, which Node and PostgreSQL share. Where both are bound by CPU, the ratio is about
 * cores x (raw CPU a record) / (sweep CPU a record) (less when other work shares the cores), and the
 * target needs the sweep's CPU a record to be at most cores x raw / target.
 */
function cpuCeiling(sweepCost: Cost, records: number, raw: TimedRun): string | null {
  const sweep = cpuPerRecord(sweepCost, records);
  const bare = cpuPerRecord(raw.cost, raw.rows);
  if (sweep === null || bare === null || sweep === 0) return null;
  const cores = availableParallelism();
  return (
    `CPU a record: sweep ${sweep.toFixed(0)} µs, raw UPDATE ${bare.toFixed(0)} µs; on ${cores} ` +
    `cores a sweep bound by CPU reaches about ${cores} x ${bare.toFixed(0)} / ${sweep.toFixed(0)} = ` +
    `${((cores * bare) / sweep).toFixed(2)}x of the raw UPDATE (one backend, one core), and ` +
    `${TARGET_RATIO.toFixed(1)}x needs at most ${((cores * bare) / TARGET_RATIO).toFixed(0)} µs a record`
  );
}

/** A bare statement's run: the rows it changed, its wall time and its cost. */
interface TimedRun {
  rows: number;
  seconds: number;
  cost: Cost;
}

const rate = (run: TimedRun): number => run.rows / run.seconds;

/** Runs one bare statement after a checkpoint (so none of the sweep's dirty pages land on it). */
async function timed(knex: Knex, statement: () => Promise<number>): Promise<TimedRun> {
  await knex.raw('CHECKPOINT');
  const start = performance.now();
  const { result, cost } = await measureCost(knex, statement);
  return { rows: result, seconds: seconds(start), cost };
}

/**
 * The rows a sweep must write for each released record, in one bare SQL statement on records_raw3: the
 * record's state columns (its snapshot kept, where the sweep writes a new one of the same size), one history
 * row (without the previous owner: RETURNING sees the new row) and its timer deleted. Not a target: it
 * shows how much of the gap to the raw UPDATE the writes themselves take, before any engine step.
 */
const rawWrites = (knex: Knex): Promise<TimedRun> =>
  timed(knex, async () => {
    const { rows } = await knex.raw<{ rows: { released: number }[] }>(
      `WITH released AS (
         UPDATE records_raw3 SET state = 'pool', owner_id = NULL, pooled = true, seq = seq + 1,
           updated_at = now()
         WHERE pool_key = ? AND state = 'owned'
         RETURNING id, pool_key, seq, tags),
       history AS (
         INSERT INTO history_raw3 (record_id, pool_key, seq, at, actor_id, event_type, payload,
           from_state, to_state, owner_from, owner_to, tags, reason)
         SELECT id, pool_key, seq, now(), NULL, 'TIMER', '{"timer": "release"}'::jsonb, 'owned', 'pool',
           NULL, NULL, tags, 'timeout' FROM released),
       fired AS (DELETE FROM timers_raw3 t USING released r WHERE t.record_id = r.id)
       SELECT count(*)::int AS released FROM released`,
      [POOL],
    );
    return rows[0].released;
  });

/** A batch of the set-based bound: the returned count and the last due time it fired (its cursor). */
const SET_BASED_BATCH = `WITH due AS (
    SELECT t.record_id, t.timer_key, t.due_at FROM timers_raw4 t JOIN records_raw4 r ON r.id = t.record_id
    WHERE t.due_at >= ?::timestamptz AND t.due_at <= now()
    ORDER BY t.due_at LIMIT ? FOR UPDATE OF r, t SKIP LOCKED),
  released AS (
    UPDATE records_raw4 r SET state = 'pool', owner_id = NULL, pooled = true, seq = r.seq + 1,
      updated_at = now(), snapshot = replace(r.snapshot::text, '"owned"', '"pool"')::json
    FROM due WHERE r.id = due.record_id
    RETURNING r.id, r.pool_key, r.seq, r.tags),
  history AS (
    INSERT INTO history_raw4 (record_id, pool_key, seq, at, actor_id, event_type, payload,
      from_state, to_state, owner_from, owner_to, tags, reason)
    SELECT id, pool_key, seq, now(), NULL, 'TIMER', '{"timer": "release"}'::jsonb, 'owned', 'pool',
      NULL, NULL, tags, 'timeout' FROM released),
  fired AS (
    DELETE FROM timers_raw4 t USING due d WHERE t.record_id = d.record_id AND t.timer_key = d.timer_key)
  SELECT (SELECT count(*) FROM released)::int AS released, (SELECT max(due_at) FROM due)::text AS last`;

/**
 * The bound of a set-based timer path (not built): the writes of rawWrites in batches on records_raw4,
 * as a sweep without an engine step in Node would run them: each batch one statement that locks its due
 * timers and their records (SKIP LOCKED), rewrites each snapshot's text (the sweep writes a new one),
 * writes the history rows and deletes the timers; `connections` loops at once, each reading on from its
 * last batch's due time, then once more from the start. Not a target: it shows what such a path would
 * leave of the gap, before the work of deciding, per policy transition, that SQL may take the step.
 */
const setBasedBound = (knex: Knex, connections: number, batch: number): Promise<TimedRun> =>
  timed(knex, async () => {
    let total = 0;
    const loop = async (): Promise<void> => {
      let from = '-infinity';
      for (;;) {
        const { rows } = await knex.raw<{ rows: { released: number; last: string | null }[] }>(
          SET_BASED_BATCH,
          [from, batch],
        );
        const [{ released, last }] = rows;
        total += released;
        if (released > 0 && last !== null) from = last;
        else if (from === '-infinity') return;
        else from = '-infinity';
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, connections) }, loop));
    return total;
  });
