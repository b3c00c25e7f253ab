// The sweeper: claims due timers in batches (records locked with SKIP LOCKED) and applies them. Any number of
// processes sweep one database together with no leader; the engine ignores a timer that is no longer pending.
import { step, type CompiledPolicy, type StepResult } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { RecordRow } from '../db/rows.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';
import type { PolicyStore } from './policy-store.js';
import { OutcomeBatch, sameJson, type RecordOutcome } from './record-writer.js';
import { RowSet, rowSource, type Column } from './row-set.js';

export interface SweepResult {
  fired: number;
  stale: number;
  records: number;
}

/** The sum of sweep results (batches, or workers). */
export const sumSweeps = (results: SweepResult[]): SweepResult =>
  results.reduce(
    (sum, r) => ({
      fired: sum.fired + r.fired,
      stale: sum.stale + r.stale,
      records: sum.records + r.records,
    }),
    { fired: 0, stale: 0, records: 0 },
  );

/** A due timer and its record, read in the statement that locks the record. */
interface DueRow {
  timer_key: string;
  /** The timer row's due time in epoch ms (a number is cheaper to read than a timestamp). */
  due_ms: number;
  id: string;
  pool_key: string;
  policy_id: string;
  policy_version: number;
  seq: number;
  data: Record<string, unknown>;
  snapshot: RecordRow['snapshot'];
}

// Lock each record, then its timer row: records first, as user events do, and SKIP LOCKED never waits, so
// no deadlocks. The records are read by this same statement: FOR UPDATE hands back the newest version of
// a row that another sweeper committed after the statement began, so no step runs on an old snapshot.
// Locking the timer row too skips one another sweeper has just fired and deleted; with the record alone,
// a concurrent batch re-read such rows and stepped them for nothing (stale). A named (prepared)
// statement: planned once per connection.
const DUE = `SELECT t.timer_key, (extract(epoch FROM t.due_at) * 1000)::float8 AS due_ms, r.id, r.pool_key,
    r.policy_id, r.policy_version, r.seq, r.data, r.snapshot
  FROM timers t JOIN records r ON r.id = t.record_id
  WHERE t.due_at <= ? ORDER BY t.due_at LIMIT ? FOR UPDATE OF r, t SKIP LOCKED`;

/** Records stepped between two turns of the event loop. */
const YIELD_EVERY = 100;

/** Timer rows read by a sweep that no longer match their record's snapshot. */
const STALE_TIMER: Column[] = [
  ['record_id', 'uuid'],
  ['timer_key', 'text'],
  ['due_at', 'timestamptz'],
];

export class Sweeper {
  readonly #background = new Repeater(() => this.sweepAll());

  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly batchSize = 1000,
    private readonly parallel = 1,
  ) {}

  /** Applies one batch of due timers in one transaction. */
  async sweepOnce(limit = this.batchSize): Promise<SweepResult> {
    return this.db.transaction(async (trx) => {
      const now = await this.clock.now(trx);
      const due = await trx
        .raw<{ rows: DueRow[] }>(DUE, [new Date(now).toISOString(), limit])
        .options({ name: 'poolflow_sweep_due_v2' });
      if (due.rows.length === 0) {
        this.metrics.gauge('poolflow_sweep_lag_seconds', 0);
        return { fired: 0, stale: 0, records: 0 };
      }
      this.metrics.gauge('poolflow_sweep_lag_seconds', (now - due.rows[0].due_ms) / 1000);
      const timersOf = new Map<string, DueRow[]>();
      for (const d of due.rows) {
        const list = timersOf.get(d.id);
        if (list) list.push(d);
        else timersOf.set(d.id, [d]);
      }
      // From here each record is let go once written into the batch, so its objects die young.
      due.rows.length = 0;
      const batch = new OutcomeBatch();
      const staleRows: { record_id: string; timer_key: string; due_at: number }[] = [];
      let fired = 0;
      let stale = 0;
      // A batch runs on a handful of policy versions: load each once, not one await per record.
      const compiledOf = new Map<string, CompiledPolicy>();
      for (const [, [first]] of timersOf) {
        const key = `${first.policy_id}@${first.policy_version}`;
        if (!compiledOf.has(key))
          compiledOf.set(key, await this.policies.get(first.policy_id, first.policy_version, trx));
      }
      let done = 0;
      for (const [recordId, timers] of timersOf) {
        // Let other work in this process through now and then (another batch's commit or next query):
        // a batch is tens of milliseconds of CPU, and the database would idle meanwhile.
        if (++done % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        timersOf.delete(recordId);
        const row = timers[0];
        const compiled = compiledOf.get(`${row.policy_id}@${row.policy_version}`) as CompiledPolicy;
        let snapshot = row.snapshot;
        let entity = row.data;
        const steps: RecordOutcome['steps'] = [];
        const staleHere: typeof staleRows = [];
        if (timers.length > 1) timers.sort((a, b) => a.due_ms - b.due_ms);
        for (const t of timers) {
          const pending = snapshot.timers[t.timer_key];
          const dueAt = pending?.dueAt ?? t.due_ms;
          // A timer takes effect at its due time, however late the sweep: the record's timeline and the
          // timers it arms next follow the policy, not the sweeper's schedule.
          const at = Math.min(dueAt, now);
          const result: StepResult = step(
            compiled,
            snapshot,
            { type: t.timer_key, timerKey: t.timer_key, dueAt },
            { entity, now: at, recordId },
          );
          if (result.stale) {
            stale++;
            staleHere.push({
              record_id: recordId,
              timer_key: t.timer_key,
              due_at: t.due_ms,
            });
            continue;
          }
          fired++;
          snapshot = result.snapshot;
          entity = result.record.entity;
          steps.push({
            result,
            eventType: 'TIMER',
            payload: { timer: pending?.delay ?? t.timer_key },
            actorId: null,
            at,
          });
        }
        if (steps.length === 0) {
          // Nothing fired: the row outlived its timer (the record moved on). Remove it below.
          staleRows.push(...staleHere);
          continue;
        }
        batch.add({
          recordId,
          poolKey: row.pool_key,
          prevSeq: row.seq,
          steps,
          entityUnchanged: sameJson(row.data, entity),
        });
      }
      // Writing a changed record also makes its timer rows match its snapshot (stale ones included).
      await batch.write(trx);
      if (staleRows.length > 0) {
        const stale = new RowSet(STALE_TIMER);
        for (const r of staleRows) stale.push(r);
        await trx.raw(
          `DELETE FROM timers t USING ${rowSource(STALE_TIMER)}
           WHERE t.record_id = v.record_id AND t.timer_key = v.timer_key AND t.due_at = v.due_at`,
          stale.bindings(),
        );
      }
      this.metrics.count('poolflow_timers_fired_total', {}, fired);
      return { fired, stale, records: batch.size };
    });
  }

  /**
   * Sweeps until nothing is due; `onBatch` hears each batch once it is committed. `parallel` batches run
   * at once on their own connections (SKIP LOCKED keeps them apart), so the engine's CPU work on one
   * batch overlaps the database's work on another.
   */
  async sweepAll(
    onBatch?: (batch: SweepResult) => void,
    parallel = this.parallel,
  ): Promise<SweepResult> {
    const batches: SweepResult[] = [];
    const loop = async (): Promise<void> => {
      for (;;) {
        const r = await this.sweepOnce();
        if (r.fired + r.stale === 0) return;
        onBatch?.(r);
        batches.push(r);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, loop));
    return sumSweeps(batches);
  }

  /** Background sweeping every `intervalMs` until stop(). */
  start(intervalMs: number, onError: (e: unknown) => void): void {
    this.#background.start(intervalMs, onError);
  }

  async stop(): Promise<void> {
    await this.#background.stop();
  }
}

/** Runs `work` again `intervalMs` after each run ends, until stop(), which waits for a run in flight. */
export class Repeater {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(private readonly work: () => Promise<unknown>) {}

  start(intervalMs: number, onError: (e: unknown) => void): void {
    const tick = (): void => {
      this.#running = this.work()
        .catch(onError)
        .finally(() => {
          if (this.#timer !== undefined) this.#timer = setTimeout(tick, intervalMs);
        });
    };
    this.#timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
