// One record's turn in a sweep batch: fires its due timers in order, and the timers those steps arm that
// are due already (a zero-delay loop), up to the step cap; a step that throws ends the turn with a failure.
import { step, type CompiledPolicy, type StepResult } from '@poolflow/engine';
import type { RecordRow } from '../db/rows.js';
import type { RecordOutcome } from './record-writer.js';
import { errorOf, loopError, type TimerFailure } from './timer-failures.js';

/** A due timer and its record, read in the statement that locks the record. */
export interface DueRow {
  timer_key: string;
  /** The timer row's due time in epoch ms (a number is cheaper to read than a timestamp). */
  due_ms: number;
  /** Failed attempts so far (0 for a healthy timer). */
  attempts: number;
  id: string;
  /** When the record's last step took effect (records.updated_at), in epoch ms. */
  updated_ms: number;
  pool_key: string;
  policy_id: string;
  policy_version: number;
  seq: number;
  data: Record<string, unknown>;
  snapshot: RecordRow['snapshot'];
}

/** A record whose steps arm a timer due within this long may come back in the same sweep pass. */
const LOOP_HORIZON_MS = 60_000;

export interface RecordTurn {
  steps: RecordOutcome['steps'];
  entity: Record<string, unknown>;
  /** Timer rows that no longer match the record's snapshot (deleted by the sweep). */
  stale: { record_id: string; timer_key: string; due_at: number }[];
  failure: TimerFailure | undefined;
  /** Timers that had failed before and fired now. */
  recovered: { record_id: string; timer_key: string }[];
  /** The steps armed a timer that may fall due again in this pass: its steps are counted across batches. */
  mayLoop: boolean;
}

/**
 * Steps `rows` (one record's due timers) at `now`. `taken` steps were taken already in this sweep pass;
 * past `cap` in all, the next timer is parked as a loop instead of fired.
 */
export function runRecord(
  compiled: CompiledPolicy,
  rows: DueRow[],
  now: number,
  taken: number,
  cap: number,
): RecordTurn {
  const first = rows[0] as DueRow;
  const recordId = first.id;
  const turn: RecordTurn = {
    steps: [],
    entity: first.data,
    stale: [],
    failure: undefined,
    recovered: [],
    mayLoop: false,
  };
  let snapshot = first.snapshot;
  let lastAt = first.updated_ms;
  // Timers fire in the order of their own due times: a failed timer's row holds its retry time instead
  // (timer-failures.ts), and a record's timers retried together share one.
  const timersRead = first.snapshot.timers;
  const dueOf = (row: DueRow): number => timersRead[row.timer_key]?.dueAt ?? row.due_ms;
  if (rows.length > 1) rows.sort((a, b) => dueOf(a) - dueOf(b));
  let next = 0;
  // Timers armed by this turn's steps that are due by now, with their due time: fired in this turn, so a
  // loop never waits for another batch (nor spins through batches).
  const armed = new Map<string, number>();
  for (;;) {
    let armedKey: string | undefined;
    let armedDue = Infinity;
    for (const [key, due] of armed) {
      if (due < armedDue) [armedKey, armedDue] = [key, due];
    }
    const fetched = rows[next];
    let row: DueRow | undefined;
    let key: string;
    if (fetched && (armedKey === undefined || dueOf(fetched) <= armedDue)) {
      row = fetched;
      key = fetched.timer_key;
      next++;
    } else if (armedKey !== undefined) {
      key = armedKey;
      armed.delete(key);
    } else {
      break;
    }
    const pending = snapshot.timers[key];
    // An armed timer a later step cancelled or moved is not due any more.
    if (!row && pending?.dueAt !== armedDue) continue;
    if (taken + turn.steps.length >= cap) {
      turn.failure = { record_id: recordId, timer_key: key, error: loopError(cap), park: true };
      break;
    }
    const dueAt = pending?.dueAt ?? (row as DueRow).due_ms;
    // A timer takes effect at its due time, however late the sweep: the record's timeline and the
    // timers it arms next follow the policy, not the sweeper's schedule. But never before the record's
    // last step: a timer that waited past a later event (a failed timer retried after the admin's fix and
    // rollout, whose MIGRATE row is later than its due time) took effect after that event, and the
    // timeline's times follow its order.
    const at = Math.max(Math.min(dueAt, now), lastAt);
    lastAt = at;
    let result: StepResult;
    try {
      result = step(
        compiled,
        snapshot,
        { type: key, timerKey: key, dueAt },
        { entity: turn.entity, now: at, recordId },
      );
    } catch (e) {
      // The step is pure: nothing of it is kept. Steps before it in this turn are written.
      turn.failure = { record_id: recordId, timer_key: key, error: errorOf(e), park: false };
      break;
    }
    if (result.stale) {
      if (row) turn.stale.push({ record_id: recordId, timer_key: key, due_at: row.due_ms });
      continue;
    }
    if (row && row.attempts > 0) turn.recovered.push({ record_id: recordId, timer_key: key });
    snapshot = result.snapshot;
    turn.entity = result.record.entity;
    turn.steps.push({
      result,
      eventType: 'TIMER',
      payload: { timer: pending?.delay ?? key },
      actorId: null,
      at,
    });
    for (const effect of result.effects) {
      if (effect.type === 'schedule') {
        const due = effect['dueAt'] as number;
        const timerKey = String(effect['timerKey']);
        if (due <= now) armed.set(timerKey, due);
        else armed.delete(timerKey);
        if (due <= now + LOOP_HORIZON_MS) turn.mayLoop = true;
      } else if (effect.type === 'cancel') {
        armed.delete(String(effect['timerKey']));
      }
    }
  }
  return turn;
}
