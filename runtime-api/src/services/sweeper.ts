// The sweeper: claims due timers in batches (records locked with SKIP LOCKED) and applies them. Any number of
// processes sweep one database together with no leader; the engine ignores a timer that is no longer pending.
import { step, type StepResult } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { RecordRow } from '../db/rows.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';
import type { PolicyStore } from './policy-store.js';
import { writeOutcomes, type RecordOutcome } from './record-writer.js';

export interface SweepResult {
  fired: number;
  stale: number;
  records: number;
}

interface DueRow {
  record_id: string;
  timer_key: string;
  due_at: Date;
}

export class Sweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly batchSize = 500,
  ) {}

  /** Applies one batch of due timers in one transaction. */
  async sweepOnce(limit = this.batchSize): Promise<SweepResult> {
    return this.db.transaction(async (trx) => {
      const now = await this.clock.now(trx);
      // Lock the records (not the timer rows): the same lock order as user events, so no deadlocks.
      const due = await trx.raw<{ rows: DueRow[] }>(
        `SELECT t.record_id, t.timer_key, t.due_at FROM timers t JOIN records r ON r.id = t.record_id
         WHERE t.due_at <= ? ORDER BY t.due_at LIMIT ? FOR UPDATE OF r SKIP LOCKED`,
        [new Date(now).toISOString(), limit],
      );
      if (due.rows.length === 0) {
        this.metrics.gauge('poolflow_sweep_lag_seconds', 0);
        return { fired: 0, stale: 0, records: 0 };
      }
      this.metrics.gauge('poolflow_sweep_lag_seconds', (now - due.rows[0].due_at.getTime()) / 1000);
      const ids = [...new Set(due.rows.map((d) => d.record_id))];
      const records = (await trx('records').whereIn('id', ids)) as RecordRow[];
      const byId = new Map(records.map((r) => [r.id, r]));
      const timersOf = new Map<string, DueRow[]>();
      for (const d of due.rows) {
        const list = timersOf.get(d.record_id) ?? [];
        list.push(d);
        timersOf.set(d.record_id, list);
      }
      const outcomes: RecordOutcome[] = [];
      let fired = 0;
      let stale = 0;
      for (const [recordId, timers] of timersOf) {
        const row = byId.get(recordId);
        if (!row) continue;
        const compiled = await this.policies.get(row.policy_id, row.policy_version, trx);
        let snapshot = row.snapshot;
        let entity = row.data;
        const steps: RecordOutcome['steps'] = [];
        timers.sort((a, b) => a.due_at.getTime() - b.due_at.getTime());
        for (const t of timers) {
          const pending = snapshot.timers[t.timer_key];
          const dueAt = pending?.dueAt ?? t.due_at.getTime();
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
        outcomes.push({ recordId, poolKey: row.pool_key, prevSeq: row.seq, steps });
      }
      await writeOutcomes(trx, outcomes);
      // Stale rows (their record moved on) are removed so they are not picked up again.
      await trx.raw(
        `DELETE FROM timers t USING jsonb_to_recordset(?::jsonb) AS v(record_id uuid, timer_key text, due_at timestamptz)
         WHERE t.record_id = v.record_id AND t.timer_key = v.timer_key AND t.due_at = v.due_at AND t.due_at <= ?`,
        [
          JSON.stringify(due.rows.map((d) => ({ ...d, due_at: d.due_at.toISOString() }))),
          new Date(now).toISOString(),
        ],
      );
      this.metrics.count('poolflow_timers_fired_total', {}, fired);
      return { fired, stale, records: outcomes.length };
    });
  }

  /** Sweeps until nothing is due; `onBatch` hears each batch once it is committed. */
  async sweepAll(onBatch?: (batch: SweepResult) => void): Promise<SweepResult> {
    const total: SweepResult = { fired: 0, stale: 0, records: 0 };
    for (;;) {
      const r = await this.sweepOnce();
      if (r.fired + r.stale > 0) onBatch?.(r);
      total.fired += r.fired;
      total.stale += r.stale;
      total.records += r.records;
      if (r.fired + r.stale === 0) return total;
    }
  }

  /** Background sweeping every `intervalMs` until stop(). */
  start(intervalMs: number, onError: (e: unknown) => void): void {
    const tick = (): void => {
      this.#running = this.sweepAll()
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
