// The pure step: (compiled policy, snapshot, event, {entity, user, now}) -> {snapshot, effects, record}.
import type { AnyMachineSnapshot } from 'xstate';
import { markAudit } from './audit.js';
import { checkClaim } from './claim.js';
import { recordContact } from './contact.js';
import { cloneData } from './clone.js';
import type { CompiledPolicy, MachineContext } from './compile.js';
import { EngineError } from './engine.error.js';
import { schemaDetails } from './json-schema.js';
import { withinBudget } from './logic/budget.js';
import { evaluate } from './logic/json-logic.js';
import { initialTransition, transition } from './pure-transition.js';
import type {
  Effect,
  EffectInput,
  Instance,
  JsonObject,
  PendingTimer,
  PoolEvent,
  PoolSnapshot,
  PoolUser,
  RecordView,
  StepEnv,
  StepResult,
  TimerEvent,
} from './types.js';

const TIMER_PREFIX = 'xstate.after.';

/** A copy without `key`: `delete` would turn the object into a slow dictionary (also for JSON.stringify). */
function without<T>(object: Record<string, T>, key: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(object)) if (k !== key) out[k] = object[k] as T;
  return out;
}

export function toEpoch(now: number | Date | string): number {
  const ms =
    typeof now === 'number' ? now : typeof now === 'string' ? Date.parse(now) : now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`now is not a valid time: ${String(now)}`);
  return ms;
}

export function isTimerEvent(event: { type: string }): event is TimerEvent {
  return event.type.startsWith(TIMER_PREFIX);
}

function newInstance(compiled: CompiledPolicy, ownerId: string | null, now: number): Instance {
  return {
    ...cloneData(compiled.policy.context ?? {}),
    ownerId,
    previousOwnerIds: [],
    previousOwners: [],
    poolEntries: 0,
    claims: 0,
    claimedBy: [],
    tags: [],
    createdAt: now,
    lastActivityAt: now,
    enteredStateAt: now,
    nurtureUntil: null,
    lastRelease: null,
    eventCounts: {},
  };
}

export function scoreOf(
  compiled: CompiledPolicy,
  entity: JsonObject,
  instance: Instance,
  now: number,
): number {
  if (compiled.policy.score === undefined) return 0;
  const value = Number(
    evaluate(
      compiled.policy.score,
      { entity, instance, now, event: null, user: null },
      compiled.rules,
      'score',
    ),
  );
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : 0;
}

export function recordView(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  now: number,
): RecordView {
  return {
    state: snapshot.value,
    status: snapshot.status,
    pooled: compiled.pooledStates.has(snapshot.value),
    limitFree: compiled.limitFreeStates.has(snapshot.value),
    ownerId: snapshot.instance.ownerId,
    tags: snapshot.instance.tags,
    score: scoreOf(compiled, entity, snapshot.instance, now),
    entity,
    instance: snapshot.instance,
  };
}

/**
 * XState keeps an error thrown by an action or a delay in the snapshot (status "error") instead of
 * throwing it: throw it, so a bad delay or a rule over budget fails the step instead of leaving the
 * record in a broken state. withinBudget() turns a wrapped one back into its EngineError.
 */
function failed(xs: AnyMachineSnapshot): void {
  if (xs.status === 'error') throw xs.error;
}

interface Outcome {
  xs: AnyMachineSnapshot;
  actions: { type: string; params?: unknown }[];
}

/** Turns XState's result into our snapshot, timers-as-data and keyed effects. */
function finish(
  compiled: CompiledPolicy,
  before: {
    value: string;
    instance: Instance;
    timers: Record<string, PendingTimer>;
    seq: number;
  } | null,
  outcome: Outcome,
  env: { now: number; recordId: string; user: PoolUser | null; reason: string },
): StepResult {
  const context = outcome.xs.context as MachineContext;
  const value = String(outcome.xs.value);
  let timers: Record<string, PendingTimer> = { ...(before?.timers ?? {}) };
  const seq = (before?.seq ?? 0) + 1;
  const raw: EffectInput[] = [];
  const fromOwner = before ? before.instance.ownerId : null;
  if (context.instance.ownerId !== fromOwner) {
    raw.push({ type: 'owner', from: fromOwner, to: context.instance.ownerId, reason: env.reason });
  }
  raw.push(...context.effects);
  const scheduled = new Map<string, EffectInput>();
  for (const action of outcome.actions) {
    const params = (action.params ?? {}) as JsonObject;
    if (action.type === 'xstate.cancel') {
      const timerKey = String(params['sendId']);
      scheduled.delete(timerKey);
      if (timers[timerKey]) {
        timers = without(timers, timerKey);
        raw.push({ type: 'cancel', timerKey });
      }
    } else if (action.type === 'xstate.raise' && typeof params['delay'] === 'number') {
      const timerKey = String(params['id']);
      const dueAt = env.now + params['delay'];
      const delay = timerKey.slice(TIMER_PREFIX.length).split('.')[0] ?? '';
      timers[timerKey] = { dueAt, delay, state: value };
      const event: TimerEvent = { type: timerKey, timerKey, dueAt };
      scheduled.set(timerKey, { type: 'schedule', timerKey, dueAt, event });
    }
  }
  raw.push(...scheduled.values());
  // A cancel followed by a new schedule of the same key (re-entry) is only the schedule: an upsert.
  const effects: Effect[] = raw
    .filter((e) => !(e.type === 'cancel' && scheduled.has(String(e['timerKey']))))
    .map((e, index) => ({ ...e, key: `${env.recordId}:${seq}:${index}` }));
  const snapshot: PoolSnapshot = {
    policyId: compiled.policy.id,
    policyVersion: compiled.policy.version,
    value,
    status: outcome.xs.status === 'done' ? 'done' : 'active',
    seq,
    instance: context.instance,
    timers,
  };
  return {
    snapshot,
    effects,
    record: recordView(compiled, snapshot, context.entity, env.now),
    stale: false,
    from: before?.value ?? value,
  };
}

export interface StartOptions {
  entity: JsonObject;
  now: number | Date | string;
  user?: PoolUser | null;
  /** Owner at creation; null starts the record unowned (in the first pool state unless `state`). */
  ownerId?: string | null;
  /** Start in this state instead of the machine's initial one. */
  state?: string;
  recordId?: string;
}

/**
 * Creates a record's first snapshot: enters the initial (or given) state and schedules its timers.
 * Its rules (guards, delays, score) share one rule budget: past it, POOL_ERR_RULE_BUDGET.
 */
export function start(compiled: CompiledPolicy, options: StartOptions): StepResult {
  return withinBudget(() => startUnbudgeted(compiled, options));
}

function startUnbudgeted(compiled: CompiledPolicy, options: StartOptions): StepResult {
  const now = toEpoch(options.now);
  const states = compiled.policy.machine.states;
  let startAt = options.state ?? compiled.policy.machine.initial;
  if (
    options.state === undefined &&
    options.ownerId === null &&
    !compiled.pooledStates.has(startAt)
  ) {
    startAt = [...compiled.pooledStates][0] ?? startAt;
  }
  if (!Object.prototype.hasOwnProperty.call(states, startAt)) {
    throw new EngineError('POOL_ERR_INVALID_PAYLOAD', `unknown start state "${startAt}"`, [
      { path: '/state', message: `no state named "${startAt}"` },
    ]);
  }
  const user = options.user ?? null;
  const recordId = options.recordId ?? 'record';
  const ownerId = options.ownerId === undefined ? (user?.id ?? null) : options.ownerId;
  const input: MachineContext = {
    instance: newInstance(compiled, ownerId, now),
    entity: cloneData(options.entity),
    env: { now, user, recordId, startAt },
    effects: [],
  };
  const [xs, actions] = initialTransition(compiled.machine, input);
  failed(xs);
  // The owner given at creation is not a change: report it as one from nobody only if it stuck.
  return finish(
    compiled,
    null,
    { xs, actions: actions },
    { now, recordId, user, reason: 'created' },
  );
}

function assertPayload(compiled: CompiledPolicy, event: PoolEvent): void {
  // Every event type has one (compile.ts: an event with no schema of its own takes no payload).
  const validator = compiled.payloadValidators.get(event.type);
  if (!validator) return;
  const payload = event.payload ?? {};
  if (!validator(payload)) {
    const details = schemaDetails(validator.errors, '/payload');
    throw new EngineError(
      'POOL_ERR_INVALID_PAYLOAD',
      `${event.type} payload is invalid: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
}

/**
 * Applies one event. Throws EngineError for a refused event; a stale timer returns `stale: true`.
 * Its rules share one rule budget: past it, POOL_ERR_RULE_BUDGET; a delay that is not a finite
 * non-negative number, POOL_ERR_INVALID_DELAY.
 */
export function step(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  event: PoolEvent | TimerEvent,
  env: StepEnv,
): StepResult {
  return withinBudget(() => stepUnbudgeted(compiled, snapshot, event, env));
}

function stepUnbudgeted(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  event: PoolEvent | TimerEvent,
  env: StepEnv,
): StepResult {
  const now = toEpoch(env.now);
  const user = env.user ?? null;
  const recordId = env.recordId ?? 'record';
  const instance: Instance = cloneData(snapshot.instance);
  if (isTimerEvent(event)) {
    const pending = snapshot.timers[event.type];
    if (
      !pending ||
      (event.dueAt !== undefined && pending.dueAt !== event.dueAt) ||
      pending.dueAt > now
    ) {
      return {
        snapshot,
        effects: [],
        record: recordView(compiled, snapshot, env.entity, now),
        stale: true,
        from: snapshot.value,
      };
    }
    // When each delay last fired, for audit rules ("a follow-up within 5 minutes of the reminder").
    if (compiled.policy.audit) instance.lastFired = { ...instance.lastFired, [pending.delay]: now };
  } else {
    // An event the policy does not have is bad input (400 naming the type), not a 409: no state of
    // the record would take it.
    if (!compiled.eventTypes.includes(event.type)) {
      const message = `this pool has no event ${event.type}; its events: ${compiled.eventTypes.join(', ')}`;
      throw new EngineError('POOL_ERR_INVALID_PAYLOAD', `/type ${message}`, [
        {
          path: '/type',
          message,
          code: 'unknown-event',
          params: { type: event.type, events: [...compiled.eventTypes] },
        },
      ]);
    }
    assertPayload(compiled, event);
    recordContact(compiled, instance, event, now);
    if (event.type === 'CLAIM') {
      if (!user) throw new EngineError('POOL_ERR_UNAUTHENTICATED', 'a claim needs a user');
      const refusal = checkClaim(compiled, {
        state: snapshot.value,
        instance,
        entity: env.entity,
        user,
        now,
        claimant: env.claimant ?? { owned: 0, claimsToday: 0 },
      });
      if (refusal) throw refusal;
    }
    instance.lastActivityAt = now;
    instance.eventCounts = {
      ...instance.eventCounts,
      [event.type]: (instance.eventCounts[event.type] ?? 0) + 1,
    };
  }
  const context: MachineContext = {
    instance,
    entity: cloneData(env.entity),
    env: { now, user, recordId },
    effects: [],
  };
  const xs = compiled.machine.resolveState({ value: snapshot.value, context });
  // finish() copies the timers before changing them.
  const pending = isTimerEvent(event) ? without(snapshot.timers, event.type) : snapshot.timers;
  const xevent = isTimerEvent(event) ? { type: event.type } : event;
  const [next, actions] = transition(compiled.machine, xs, xevent);
  failed(next);
  if (next === xs && !isTimerEvent(event)) {
    throw new EngineError(
      'POOL_ERR_EVENT_NOT_ALLOWED',
      `${event.type} is not allowed in state ${snapshot.value}`,
      {
        state: snapshot.value,
        type: event.type,
      },
    );
  }
  const result = finish(
    compiled,
    { value: snapshot.value, instance: snapshot.instance, timers: pending, seq: snapshot.seq },
    { xs: next, actions: actions },
    { now, recordId, user, reason: isTimerEvent(event) ? 'timeout' : event.type.toLowerCase() },
  );
  if (!isTimerEvent(event)) {
    markAudit(
      compiled,
      { recordId, before: snapshot, event, entity: env.entity, user, now },
      result,
    );
  }
  return result;
}

/** Events a user could send now (a transition is enabled for them, guards included). */
export function availableEvents(
  compiled: CompiledPolicy,
  snapshot: PoolSnapshot,
  entity: JsonObject,
  user: PoolUser | null,
  now: number,
): string[] {
  const context: MachineContext = {
    instance: snapshot.instance,
    entity,
    env: { now, user, recordId: 'record' }, // guards only: no action runs
    effects: [],
  };
  const xs = compiled.machine.resolveState({ value: snapshot.value, context });
  // One budget for all the guards: an event whose guard fails or runs out of budget is not offered.
  return withinBudget(() =>
    compiled.eventTypes.filter((type) => {
      try {
        return xs.can({ type, payload: {} });
      } catch {
        return false;
      }
    }),
  );
}
