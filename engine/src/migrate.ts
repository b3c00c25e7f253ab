// Pool upgrades: a running record's snapshot moved to a newer version of its policy, pure and without I/O.
// DESIGN "Versions": the state is mapped (same name unless `stateMap` says otherwise), instance data is
// kept, entry actions are not re-run, and the new state's timers are re-armed from the time the record
// entered its state (`recompute`) or keep the due time of a timer the new state still has (`keep`).
import type { CompiledPolicy } from './compile.js';
import { EngineError } from './engine.error.js';
import { timersOnEntry, type EntryData } from './entry-timers.js';
import { withinBudget } from './logic/budget.js';
import { scoreOf, toEpoch } from './step.js';
import { timerKeyOf } from './entry-timers.js';
import { transitionList } from './policy-guards.js';
import type { Transitions } from './schema.types.js';
import type { JsonObject, PendingTimer, PoolSnapshot, StepResult } from './types.js';

export type TimersMode = 'recompute' | 'keep';

export interface MigrateOptions {
  /** Old state -> new state; states not named keep their name. */
  stateMap?: Readonly<Record<string, string>>;
  timers?: TimersMode;
  now: number | Date | string;
  entity: JsonObject;
  recordId?: string;
}

/** One timer of the record, before and after: null where it was not (or will not be) pending. */
export interface TimerChange {
  delay: string;
  before: number | null;
  after: number | null;
}

export interface MigrateResult extends StepResult {
  fromState: string;
  toState: string;
  timerChanges: TimerChange[];
}

export interface StateProblem {
  code: 'state-removed' | 'state-invalid';
  message: string;
}

/** Where records in `fromState` go, or why they cannot: the same check for the dry run and each record. */
export function mapState(
  from: CompiledPolicy,
  to: CompiledPolicy,
  fromState: string,
  stateMap: Readonly<Record<string, string>> = {},
): { toState: string } | { problem: StateProblem } {
  const states = to.policy.machine.states;
  const mapped = Object.prototype.hasOwnProperty.call(stateMap, fromState);
  const toState = mapped ? (stateMap[fromState] as string) : fromState;
  const v = to.policy.version;
  if (!Object.prototype.hasOwnProperty.call(states, toState)) {
    return {
      problem: mapped
        ? {
            code: 'state-invalid',
            message: `state "${fromState}" is mapped to "${toState}", which version ${v} does not have`,
          }
        : {
            code: 'state-removed',
            message: `version ${v} has no state "${fromState}": map it to one of ${Object.keys(states).join(', ')}`,
          },
    };
  }
  // A running record dropped into a final state would end without the transition that ends it.
  if (to.finalStates.has(toState)) {
    return {
      problem: {
        code: 'state-invalid',
        message: `running records in "${fromState}" would land in the final state "${toState}"`,
      },
    };
  }
  // Entry actions are not re-run, so nothing would release an owned record or give a pooled one an owner.
  if (from.pooledStates.has(fromState) !== to.pooledStates.has(toState)) {
    const [had, has] = from.pooledStates.has(fromState) ? ['pooled', 'owned'] : ['owned', 'pooled'];
    return {
      problem: {
        code: 'state-invalid',
        message: `${had} records in "${fromState}" would land in the ${has} state "${toState}"`,
      },
    };
  }
  return { toState };
}

/**
 * Moves one record's snapshot from `from` to `to` (a newer version of the same policy). Throws
 * POOL_ERR_INVALID_PAYLOAD when its state cannot be mapped (see mapState), and a delay's or the score's
 * rule errors as a step would. A timer the old state already fired is not re-armed if its new due time
 * has passed: it would fire twice. `effects` is empty: nothing runs, the writer stores the snapshot.
 */
export function migrateSnapshot(
  from: CompiledPolicy,
  to: CompiledPolicy,
  snapshot: PoolSnapshot,
  options: MigrateOptions,
): MigrateResult {
  return withinBudget(() => migrateUnbudgeted(from, to, snapshot, options));
}

function migrateUnbudgeted(
  from: CompiledPolicy,
  to: CompiledPolicy,
  snapshot: PoolSnapshot,
  options: MigrateOptions,
): MigrateResult {
  const now = toEpoch(options.now);
  const fromState = snapshot.value;
  const target = mapState(from, to, fromState, options.stateMap);
  if ('problem' in target) {
    throw new EngineError('POOL_ERR_INVALID_PAYLOAD', target.problem.message, [
      { path: '/stateMap', message: target.problem.message },
    ]);
  }
  const { toState } = target;
  const instance = snapshot.instance;
  const entity = options.entity;
  const { timers, timerChanges } = migrateTimers(from, to, {
    fromState,
    toState,
    timers: snapshot.timers,
    data: { entity, instance },
    mode: options.timers ?? 'recompute',
    now,
  });
  const next: PoolSnapshot = {
    policyId: to.policy.id,
    policyVersion: to.policy.version,
    value: toState,
    status: to.finalStates.has(toState) ? 'done' : 'active',
    seq: snapshot.seq + 1,
    instance,
    timers,
  };
  return {
    snapshot: next,
    effects: [],
    record: {
      state: toState,
      status: next.status,
      pooled: to.pooledStates.has(toState),
      limitFree: to.limitFreeStates.has(toState),
      ownerId: instance.ownerId,
      tags: instance.tags,
      score: scoreOf(to, entity, instance, now),
      entity,
      instance,
    },
    stale: false,
    from: fromState,
    fromState,
    toState,
    timerChanges,
  };
}

export interface TimerMove {
  fromState: string;
  toState: string;
  /** The record's pending timers under the old version (its snapshot's `timers`). */
  timers: Readonly<Record<string, PendingTimer>>;
  /** What delays read; `instance.enteredStateAt` is the time the new timers count from. */
  data: EntryData;
  mode: TimersMode;
  now: number;
}

/**
 * The timers a record has once moved, and how each changed. Timers are matched by delay name (keys name
 * the state, which the mapping may change). `recompute` arms the new state's delays for an entry at
 * `instance.enteredStateAt`; `keep` leaves the due time of a pending timer the new state also has. A
 * delay the old state had and already fired is not re-armed when its new due time has passed. The dry
 * run calls this per record without the snapshot; it needs the budget scope of its caller.
 */
export function migrateTimers(
  from: CompiledPolicy,
  to: CompiledPolicy,
  move: TimerMove,
): { timers: Record<string, PendingTimer>; timerChanges: TimerChange[] } {
  const pending = new Map<string, PendingTimer>();
  for (const t of Object.values(move.timers)) pending.set(t.delay, t);
  const firedBefore = new Set(
    Object.keys(from.policy.machine.states[move.fromState]?.after ?? {}).filter(
      (d) => !pending.has(d),
    ),
  );
  const armed = new Map<string, number>();
  const onEntry = timersOnEntry(to, move.toState, move.data, move.data.instance.enteredStateAt);
  for (const t of Object.values(onEntry)) armed.set(t.delay, t.dueAt);
  const timers: Record<string, PendingTimer> = {};
  const timerChanges: TimerChange[] = [];
  const dueOf = (delay: string, recomputed: number): number | null => {
    const old = pending.get(delay);
    const dueAt = move.mode === 'keep' && old ? old.dueAt : recomputed;
    return !old && firedBefore.has(delay) && dueAt <= move.now ? null : dueAt;
  };
  const after = to.policy.machine.states[move.toState]?.after ?? {};
  // The first overdue timer that takes the record out of its state: it fires at once.
  let leavesAt = Infinity;
  for (const [delay, recomputed] of armed) {
    const dueAt = dueOf(delay, recomputed);
    if (dueAt !== null && dueAt <= move.now && leaves(after[delay], move.toState))
      leavesAt = Math.min(leavesAt, dueAt);
  }
  for (const [delay, recomputed] of armed) {
    const old = pending.get(delay);
    let dueAt = dueOf(delay, recomputed);
    // An overdue notice (a reminder "in 7 days", an escalation) would go out with the record already
    // leaving: it is not sent. Overdue timers that change the record still fire, in order.
    if (dueAt !== null && dueAt <= move.now && leavesAt <= move.now && onlyNotifies(after[delay]))
      dueAt = null;
    if (dueAt !== null)
      timers[timerKeyOf(to, move.toState, delay)] = { dueAt, delay, state: move.toState };
    if (old || dueAt !== null)
      timerChanges.push({ delay, before: old?.dueAt ?? null, after: dueAt });
  }
  for (const [delay, old] of pending) {
    if (!armed.has(delay)) timerChanges.push({ delay, before: old.dueAt, after: null });
  }
  return { timers, timerChanges };
}

/** An unguarded timer transition to another state (one that leaves it whenever it fires). */
function leaves(transitions: Transitions | undefined, state: string): boolean {
  if (transitions === undefined) return false;
  const first = transitionList(transitions)[0];
  return first?.guard === undefined && first?.target !== undefined && first.target !== state;
}

/** A timer transition that stays and only notifies people (a reminder, a warning, an escalation). */
function onlyNotifies(transitions: Transitions | undefined): boolean {
  if (transitions === undefined) return false;
  return transitionList(transitions).every((t) => {
    const actions =
      t.actions === undefined ? [] : Array.isArray(t.actions) ? t.actions : [t.actions];
    return (
      t.target === undefined &&
      actions.length > 0 &&
      actions.every((a) => typeof a === 'object' && a !== null && a.type === 'notify')
    );
  });
}
