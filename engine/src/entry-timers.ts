// The timers a state arms on entry, computed without running the entry (for pool upgrades).
import type { CompiledPolicy } from './compile.js';
import { dueTime } from './delays.js';
import { EngineError } from './engine.error.js';
import { withinBudget } from './logic/budget.js';
import { toEpoch } from './step.js';
import type {
  Instance,
  JsonObject,
  PendingTimer,
  PoolEvent,
  PoolUser,
  TimerEvent,
} from './types.js';

/** A pending timer as `snapshot.timers` keeps it, with the event a schedule effect carries. */
export interface ArmedTimer extends PendingTimer {
  event: TimerEvent;
}

export interface EntryData {
  entity: JsonObject;
  instance: Instance;
  user?: PoolUser | null;
  /** The event delays read as `event`; a migration has none of its own. */
  event?: PoolEvent;
}

/** XState's key of a state's `after` timer: `xstate.after.<delay>.<machine id>.<state>`. */
export function timerKeyOf(compiled: CompiledPolicy, state: string, delay: string): string {
  return `xstate.after.${delay}.${compiled.policy.machine.id}.${state}`;
}

/**
 * The due times of the timers `state` arms when entered at `enteredAt`, keyed as the step keys them
 * in `snapshot.timers` (store `{dueAt, delay, state}` there; `event` is what the runtime sends back
 * when due). Entry actions are not run: delays read the data as given. Relative delays count from
 * their reference's due time for the same entry. A due time is never before `enteredAt`.
 * Throws POOL_ERR_INVALID_DELAY or POOL_ERR_RULE_BUDGET as a step would; an unknown state is
 * POOL_ERR_INVALID_PAYLOAD.
 */
export function timersOnEntry(
  compiled: CompiledPolicy,
  state: string,
  data: EntryData,
  enteredAt: number | Date | string,
): Record<string, ArmedTimer> {
  const { policy } = compiled;
  if (!Object.prototype.hasOwnProperty.call(policy.machine.states, state)) {
    throw new EngineError('POOL_ERR_INVALID_PAYLOAD', `unknown state "${state}"`, [
      { path: '/state', message: `no state named "${state}"` },
    ]);
  }
  const now = toEpoch(enteredAt);
  const logicData = {
    entity: data.entity,
    instance: data.instance,
    event: data.event ?? { type: 'MIGRATE' },
    user: data.user ?? null,
    now,
  };
  return withinBudget(() => {
    const timers: Record<string, ArmedTimer> = {};
    for (const delay of Object.keys(policy.machine.states[state]?.after ?? {})) {
      const definition = policy.delays?.[delay];
      if (definition === undefined) continue;
      const dueAt = dueTime(definition, now, logicData, policy, delay);
      const timerKey = timerKeyOf(compiled, state, delay);
      timers[timerKey] = { dueAt, delay, state, event: { type: timerKey, timerKey, dueAt } };
    }
    return timers;
  });
}
