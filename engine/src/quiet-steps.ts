// Steps that change nothing of a record's lifecycle (state, owner, instance, last activity): an
// administrative move to another pool that runs the same policy, and an edit of its fields (which moves
// only the timers whose delays read the fields it changed). Each is still a step, so its `seq` advances
// and the runtime writes it like any other (history, the conditional write).
import { dueTime } from './delays.js';
import { withinBudget } from './logic/budget.js';
import { recordView, toEpoch } from './step.js';
import type { CompiledPolicy } from './compile.js';
import type { Effect, JsonObject, PendingTimer, PoolSnapshot, StepResult } from './types.js';

export interface MoveEnv {
  entity: JsonObject;
  now: number | Date | string;
  recordId?: string;
}

/** The step of a move to `pool`: one moveToPool effect. */
export function move(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  pool: string,
  env: MoveEnv,
): StepResult {
  const key = `${env.recordId ?? 'record'}:${snapshot.seq + 1}:0`;
  return quietStep(compiled, snapshot, env.entity, env.now, [{ type: 'moveToPool', pool, key }]);
}

/** A pending timer an edit moved: its delay, and its due time before and after (epoch ms). */
export interface MovedTimer {
  delay: string;
  before: number;
  after: number;
}

export interface EditEnv {
  now: number | Date | string;
  /** The record's fields before the edit. */
  previous: JsonObject;
  recordId?: string;
}

/**
 * The step of an edit: the record's fields become `entity` (checked against the entity schema by the
 * caller) and its score is worked out from them. An edit is no activity (a rep cannot keep a customer by
 * correcting a phone number): its timers keep their due times, but for those whose delay reads a field
 * it changed (a ticket's response time by its priority), which are moved as if the state had been
 * entered with the new fields (see movedTimers); one moved into the past fires at the next sweep.
 */
export function edit(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  env: EditEnv,
): StepResult & { movedTimers: MovedTimer[] } {
  const moved = movedTimers(compiled, snapshot, env.previous, entity);
  if (moved.length === 0)
    return { ...quietStep(compiled, snapshot, entity, env.now, []), movedTimers: [] };
  const timers: Record<string, PendingTimer> = { ...snapshot.timers };
  const seq = snapshot.seq + 1;
  const effects: Effect[] = moved.map(({ key, after }, index) => {
    timers[key] = { ...(timers[key] as PendingTimer), dueAt: after };
    return {
      type: 'schedule',
      timerKey: key,
      dueAt: after,
      event: { type: key, timerKey: key, dueAt: after },
      key: `${env.recordId ?? 'record'}:${seq}:${index}`,
    };
  });
  return {
    ...quietStep(compiled, { ...snapshot, timers }, entity, env.now, effects),
    movedTimers: moved.map(({ delay, before, after }) => ({ delay, before, after })),
  };
}

/**
 * The pending timers of the record's state that `entity` gives another due time than `previous`. A timer
 * is recomputed only when it was armed as the state's entry arms it: its delay, worked out for an entry
 * at `instance.enteredStateAt` with the previous fields, gives its due time. One armed otherwise (a delay
 * reading the entering event's payload or the acting user, which an edit does not have, or a timer an
 * audit restored) keeps its time, as does one whose delay cannot be worked out.
 */
function movedTimers(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  previous: JsonObject,
  entity: JsonObject,
): (MovedTimer & { key: string })[] {
  const { policy } = compiled;
  const entered = snapshot.instance.enteredStateAt;
  const dueFor = (fields: JsonObject, delay: string): number | null => {
    const definition = Object.prototype.hasOwnProperty.call(policy.delays ?? {}, delay)
      ? policy.delays?.[delay]
      : undefined;
    if (definition === undefined) return null;
    const data = {
      entity: fields,
      instance: snapshot.instance,
      event: { type: 'EDIT' },
      user: null,
      now: entered,
    };
    try {
      return withinBudget(() => dueTime(definition, entered, data, policy, delay));
    } catch {
      return null;
    }
  };
  const moved: (MovedTimer & { key: string })[] = [];
  for (const [key, timer] of Object.entries(snapshot.timers)) {
    if (timer.state !== snapshot.value) continue;
    if (dueFor(previous, timer.delay) !== timer.dueAt) continue;
    const after = dueFor(entity, timer.delay);
    if (after !== null && after !== timer.dueAt)
      moved.push({ key, delay: timer.delay, before: timer.dueAt, after });
  }
  return moved;
}

function quietStep(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  now: number | Date | string,
  effects: Effect[],
): StepResult {
  const next: PoolSnapshot = { ...snapshot, seq: snapshot.seq + 1 };
  return {
    snapshot: next,
    effects,
    record: recordView(compiled, next, entity, toEpoch(now)),
    stale: false,
    from: snapshot.value,
  };
}
