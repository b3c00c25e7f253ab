// The sweeper: claims due timers in batches (records locked with SKIP LOCKED) and applies them. Any number of
// processes sweep one database together with no leader; the engine ignores a timer that is no longer pending.
// A record whose step fails is left out of its batch and its timer marked failed (timer-failures.ts).
import type { CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';
import type { PolicyStore } from './policy-store.js';
import { sameJson } from './record-row.js';
import { OutcomeBatch, type RecordOutcome } from './record-writer.js';
import { RowSet, rowSource, type Column } from './row-set.js';
import { poolRoutings, routeReleases } from './pool-routing.js';
import { runRecord, type DueRow, type RecordTurn } from './sweep-record.js';
import {
  clearRecovered,
  DEFAULT_STEP_CAP,
  errorOf,
  markFailed,
  type MarkedFailure,
  type TimerFailure,
} from './timer-failures.js';

export interface SweepResult {
  fired: number;
  stale: number;
  records: number;
  /** Timers marked failed (their step threw, or their record looped past the step cap). */
  failed: number;
}

/** The sum of sweep results (batches, or workers). */
export const sumSweeps = (results: SweepResult[]): SweepResult =>
  results.reduce(
    (sum, r) => ({
      fired: sum.fired + r.fired,
      stale: sum.stale + r.stale,
      records: sum.records + r.records,
      failed: sum.failed + r.failed,
    }),
    { fired: 0, stale: 0, records: 0, failed: 0 },
  );

/** Where the sweeper reports failed timers (pino's signature: the app's logger fits). */
export interface SweepLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const consoleLog: SweepLog = {
  warn: (obj, msg) => console.warn(msg, JSON.stringify(obj)),
  error: (obj, msg) => console.error(msg, JSON.stringify(obj)),
};

export interface SweeperOptions {
  /** Timer firings one record may take in one sweep pass (default DEFAULT_STEP_CAP). */
  stepCap?: number;
  log?: SweepLog;
}

/**
 * Steps taken per record in one sweep pass (sweepAll), for records that may loop (see RecordTurn.mayLoop):
 * the cap counts across the pass's batches.
 */
export type SweepPass = Map<string, number>;

// Lock each record, then its timer row: records first, as user events do, and SKIP LOCKED never waits, so
// no deadlocks. The records are read by this same statement: FOR UPDATE hands back the newest version of
// a row that another sweeper committed after the statement began, so no step runs on an old snapshot.
// Locking the timer row too skips one another sweeper has just fired and deleted; with the record alone,
// a concurrent batch re-read such rows and stepped them for nothing (stale). A failed timer waits for its
// retry in `due_at` itself (timer-failures.ts), so this needs no other condition. A named (prepared)
// statement: planned once per connection. `due_at >= from` (SweepCursor) starts the index scan where the
// pass's last batch ended instead of walking the index entries of every timer fired before it.
const DUE = `SELECT t.timer_key, (extract(epoch FROM t.due_at) * 1000)::float8 AS due_ms, t.attempts, r.id,
    (extract(epoch FROM r.updated_at) * 1000)::float8 AS updated_ms, r.pool_key, r.policy_id, r.policy_version, r.seq, r.data, r.snapshot
  FROM timers t JOIN records r ON r.id = t.record_id
  WHERE t.due_at >= to_timestamp(?::float8 / 1000) AND t.due_at <= ?
  ORDER BY t.due_at LIMIT ? FOR UPDATE OF r, t SKIP LOCKED`;

// A batch's records' other due timers (completeDue): locked as DUE locks them; SKIP LOCKED, so a row an
// admin's retry holds is left for the next pass rather than waited for while the record is locked.
const MORE_DUE = `SELECT t.record_id, t.timer_key, (extract(epoch FROM t.due_at) * 1000)::float8 AS due_ms, t.attempts
  FROM timers t WHERE t.record_id = ANY(?::uuid[]) AND t.due_at <= ? FOR UPDATE SKIP LOCKED`;

/**
 * Adds to each record's timers in the batch the others its snapshot holds that are due by `now`. A
 * batch may hold a record's later timer and not an earlier one (it reads on from its cursor, past a
 * timer another sweeper held then; or LIMIT cut between them), and a later timer fired first may cancel
 * the earlier one (its transition leaves the state): that timer was lost, never fired (the kill -9
 * process test caught 2,000 reminders lost so). Read only for such records, which a sweep that keeps
 * up never has. A failed timer waiting for its retry has its row's `due_at` later, so it stays out.
 */
async function completeDue(
  trx: Knex.Transaction,
  timersOf: Map<string, DueRow[]>,
  now: number,
): Promise<void> {
  const missing: string[] = [];
  for (const [recordId, rows] of timersOf) {
    const pending = (rows[0] as DueRow).snapshot.timers;
    for (const key of Object.keys(pending)) {
      if ((pending[key]?.dueAt ?? Infinity) <= now && !rows.some((r) => r.timer_key === key)) {
        missing.push(recordId);
        break;
      }
    }
  }
  if (missing.length === 0) return;
  const more = await trx.raw<{
    rows: { record_id: string; timer_key: string; due_ms: number; attempts: number }[];
  }>(MORE_DUE, [missing, new Date(now).toISOString()]);
  for (const { record_id, timer_key, due_ms, attempts } of more.rows) {
    const rows = timersOf.get(record_id);
    if (!rows || rows.some((r) => r.timer_key === timer_key)) continue;
    rows.push({ ...(rows[0] as DueRow), timer_key, due_ms, attempts });
  }
}

/**
 * Where a sweep loop's next batch starts reading due timers (epoch ms; -Infinity: from the first). Fired
 * timers leave dead index entries at the head of `timers_due` until VACUUM, and while any transaction
 * older than them runs they cannot even be marked dead, so each one costs a heap visit: read from the
 * start every batch, a pass of N timers reads O(N^2) of them. A loop reads on from its last batch and,
 * once nothing is due past it, once more from the start (timers skipped while another sweeper held them).
 */
export interface SweepCursor {
  fromMs: number;
}

/** Kept behind a batch's last due time: a time's trip through float8 ms may round it up by a microsecond. */
const CURSOR_SLACK_MS = 1;

/** Records stepped between two turns of the event loop. */
const YIELD_EVERY = 100;

/** Timer rows read by a sweep that no longer match their record's snapshot. */
const STALE_TIMER: Column[] = [
  ['record_id', 'uuid'],
  ['timer_key', 'text'],
  ['due_at', 'timestamptz'],
];

/** The batch's write failed: the batch is swept again with each record written on its own. */
class WriteFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('sweep batch write failed');
  }
}

export class Sweeper {
  readonly #stepCap: number;
  readonly #log: SweepLog;

  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly batchSize = 1000,
    private readonly parallel = 1,
    options: SweeperOptions = {},
  ) {
    this.#stepCap = options.stepCap ?? DEFAULT_STEP_CAP;
    this.#log = options.log ?? consoleLog;
  }

  /**
   * Applies one batch of due timers in one transaction. A record whose step throws is left out of the
   * batch and its timer marked failed; if the batch's write fails, the batch is swept again with each
   * record written on its own (a savepoint each), and the records whose write fails are marked failed.
   */
  async sweepOnce(
    limit = this.batchSize,
    pass: SweepPass = new Map(),
    cursor: SweepCursor = { fromMs: -Infinity },
  ): Promise<SweepResult> {
    try {
      return await this.#sweepBatch(limit, pass, cursor, false);
    } catch (e) {
      if (!(e instanceof WriteFailed)) throw e;
      return this.#sweepBatch(limit, pass, cursor, true);
    }
  }

  async #sweepBatch(
    limit: number,
    pass: SweepPass,
    cursor: SweepCursor,
    alone: boolean,
  ): Promise<SweepResult> {
    // Steps counted for the pass once the batch is committed (a rolled-back batch took none).
    const counted = new Map<string, number>();
    let lastDueMs = cursor.fromMs;
    const result = await this.db.transaction(async (trx) => {
      const now = await this.clock.now(trx);
      const due = await trx
        .raw<{ rows: DueRow[] }>(DUE, [cursor.fromMs, new Date(now).toISOString(), limit])
        .options({ name: 'poolflow_sweep_due_v4' });
      if (due.rows.length === 0) {
        // The lag is only known when reading from the start: a cursor skips earlier (held) timers.
        if (cursor.fromMs === -Infinity) this.metrics.gauge('poolflow_sweep_lag_seconds', 0);
        return { fired: 0, stale: 0, records: 0, failed: 0 };
      }
      this.metrics.gauge('poolflow_sweep_lag_seconds', (now - due.rows[0].due_ms) / 1000);
      lastDueMs = due.rows[due.rows.length - 1].due_ms;
      const timersOf = new Map<string, DueRow[]>();
      for (const d of due.rows) {
        const list = timersOf.get(d.id);
        if (list) list.push(d);
        else timersOf.set(d.id, [d]);
      }
      await completeDue(trx, timersOf, now);
      // From here each record is let go once written into the batch, so its objects die young.
      due.rows.length = 0;
      const batch = new OutcomeBatch(this.metrics);
      const staleRows: RecordTurn['stale'] = [];
      const recovered: RecordTurn['recovered'] = [];
      const failures: TimerFailure[] = [];
      const poolOf = new Map<string, string>();
      let fired = 0;
      let stale = 0;
      let records = 0;
      // A batch runs on a handful of policy versions: load each once, not one await per record. One that
      // does not compile (a custom action missing in this process) fails its own records' timers only.
      const compiledOf = new Map<string, CompiledPolicy | Error>();
      for (const [, [first]] of timersOf) {
        const key = `${first.policy_id}@${first.policy_version}`;
        if (compiledOf.has(key)) continue;
        try {
          compiledOf.set(key, await this.policies.get(first.policy_id, first.policy_version, trx));
        } catch (e) {
          compiledOf.set(key, e instanceof Error ? e : new Error(String(e)));
        }
      }
      // Releases are routed by the routing of the record's pool: read once per batch.
      const routingOf = await poolRoutings(trx, [
        ...new Set([...timersOf.values()].map(([r]) => r.pool_key)),
      ]);
      let done = 0;
      for (const [recordId, timers] of timersOf) {
        // Let other work in this process through now and then (another batch's commit or next query):
        // a batch is tens of milliseconds of CPU, and the database would idle meanwhile.
        if (++done % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        timersOf.delete(recordId);
        const row = timers[0];
        const compiled = compiledOf.get(`${row.policy_id}@${row.policy_version}`);
        if (compiled instanceof Error || compiled === undefined) {
          poolOf.set(recordId, row.pool_key);
          const error = errorOf(compiled);
          for (const t of timers)
            failures.push({ record_id: recordId, timer_key: t.timer_key, error, park: false });
          continue;
        }
        const taken = pass.get(recordId) ?? 0;
        const turn = runRecord(compiled, timers, now, taken, this.#stepCap);
        stale += turn.stale.length;
        if (turn.failure) {
          poolOf.set(recordId, row.pool_key);
          failures.push(turn.failure);
        }
        if (turn.steps.length === 0) {
          // Nothing fired: the row outlived its timer (the record moved on). Remove it below.
          staleRows.push(...turn.stale);
          continue;
        }
        const outcome: RecordOutcome = {
          recordId,
          poolKey: row.pool_key,
          prevSeq: row.seq,
          steps: turn.steps,
          entityUnchanged: sameJson(row.data, turn.entity),
        };
        routeReleases(compiled, routingOf.get(row.pool_key), outcome);
        try {
          if (alone) {
            const one = new OutcomeBatch(this.metrics);
            one.add(outcome);
            await trx.transaction((savepoint) => one.write(savepoint));
          } else {
            batch.add(outcome);
          }
        } catch (e) {
          // This record's outcome cannot be written: none of its steps count, its first timer fails.
          poolOf.set(recordId, row.pool_key);
          if (turn.failure) failures.pop();
          failures.push({
            record_id: recordId,
            timer_key: timers[0].timer_key,
            error: errorOf(e),
            park: false,
          });
          continue;
        }
        fired += turn.steps.length;
        records++;
        recovered.push(...turn.recovered);
        if (turn.mayLoop || taken > 0) counted.set(recordId, taken + turn.steps.length);
      }
      // Writing a changed record also makes its timer rows match its snapshot (stale ones included).
      try {
        await batch.write(trx);
      } catch (e) {
        throw new WriteFailed(e);
      }
      if (staleRows.length > 0) {
        const set = new RowSet(STALE_TIMER);
        for (const r of staleRows) set.push(r);
        await trx.raw(
          `DELETE FROM timers t USING ${rowSource(STALE_TIMER)}
           WHERE t.record_id = v.record_id AND t.timer_key = v.timer_key AND t.due_at = v.due_at`,
          set.bindings(),
        );
      }
      await clearRecovered(trx, recovered);
      const marked = await markFailed(trx, failures, now);
      this.metrics.count('poolflow_timers_fired_total', {}, fired);
      this.#report(marked, failures, poolOf);
      return { fired, stale, records, failed: marked.length };
    });
    for (const [recordId, steps] of counted) pass.set(recordId, steps);
    cursor.fromMs = Math.max(cursor.fromMs, lastDueMs - CURSOR_SLACK_MS);
    return result;
  }

  /** A metric and a log line per failed timer, naming its pool, record, timer and error. */
  #report(marked: MarkedFailure[], failures: TimerFailure[], poolOf: Map<string, string>): void {
    for (const m of marked) {
      const failure = failures.find(
        (f) => f.record_id === m.record_id && f.timer_key === m.timer_key,
      );
      const pool = poolOf.get(m.record_id) ?? '';
      const error = failure?.error ?? { code: 'Error', message: '' };
      this.metrics.count('poolflow_timer_failures_total', { pool });
      const nextRetryAt = m.retry_ms === null ? null : new Date(m.retry_ms).toISOString();
      const entry = {
        pool,
        recordId: m.record_id,
        timerKey: m.timer_key,
        attempts: m.attempts,
        nextRetryAt,
        error,
      };
      const what = `timer ${m.timer_key} of record ${m.record_id} in pool ${pool} failed (attempt ${m.attempts}): ${error.code} ${error.message}`;
      if (nextRetryAt === null) this.#log.error(entry, `${what}; parked until an admin retries it`);
      else this.#log.warn(entry, `${what}; retried at ${nextRetryAt}`);
    }
  }

  /**
   * Sweeps until nothing is due; `onBatch` hears each batch once it is committed. `parallel` batches run
   * at once on their own connections (SKIP LOCKED keeps them apart), so the engine's CPU work on one
   * batch overlaps the database's work on another. One record takes at most the step cap's timer
   * firings in one pass. Each loop reads due timers on from its last batch (SweepCursor).
   */
  async sweepAll(
    onBatch?: (batch: SweepResult) => void,
    parallel = this.parallel,
  ): Promise<SweepResult> {
    const batches: SweepResult[] = [];
    const pass: SweepPass = new Map();
    const loop = async (): Promise<void> => {
      const cursor: SweepCursor = { fromMs: -Infinity };
      for (;;) {
        const r = await this.sweepOnce(this.batchSize, pass, cursor);
        if (r.fired + r.stale + r.failed === 0) {
          // Nothing due past the cursor: the pass ends once nothing is due from the start either.
          if (cursor.fromMs === -Infinity) return;
          cursor.fromMs = -Infinity;
          continue;
        }
        onBatch?.(r);
        batches.push(r);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, loop));
    return sumSweeps(batches);
  }
}
