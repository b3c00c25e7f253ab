// Steps that change nothing of a record's lifecycle (state, owner, timers, instance, last activity):
// an administrative move to another pool that runs the same policy, and an edit of its fields. Each is
// still a step, so its `seq` advances and the runtime writes it like any other (history, the
// conditional write).
import { recordView, toEpoch } from './step.js';
import type { CompiledPolicy } from './compile.js';
import type { Effect, JsonObject, PoolSnapshot, StepResult } from './types.js';

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

/**
 * The step of an edit: the record's fields become `entity` (checked against the entity schema by the
 * caller) and its score is worked out from them; its timers keep their due times, and an edit is no
 * activity (a rep cannot keep a customer by correcting a phone number).
 */
export function edit(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  env: { now: number | Date | string },
): StepResult {
  return quietStep(compiled, snapshot, entity, env.now, []);
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
