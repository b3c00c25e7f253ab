// An administrative move of a record to another pool that runs the same policy: nothing of its lifecycle
// changes (state, owner, timers, instance); the move is still a step, so its `seq` advances and the
// runtime writes it like any other (history, the conditional write), with one moveToPool effect.
import { recordView, toEpoch } from './step.js';
import type { CompiledPolicy } from './compile.js';
import type { JsonObject, PoolSnapshot, StepResult } from './types.js';

export interface MoveEnv {
  entity: JsonObject;
  now: number | Date | string;
  recordId?: string;
}

export function move(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  pool: string,
  env: MoveEnv,
): StepResult {
  const seq = snapshot.seq + 1;
  const next: PoolSnapshot = { ...snapshot, seq };
  return {
    snapshot: next,
    effects: [{ type: 'moveToPool', pool, key: `${env.recordId ?? 'record'}:${seq}:0` }],
    record: recordView(compiled, next, env.entity, toEpoch(env.now)),
    stale: false,
    from: snapshot.value,
  };
}
