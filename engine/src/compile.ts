// Compiles a validated policy into an XState machine whose actions, guards and delays are pure.
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { assign, setup, type AnyStateMachine } from 'xstate';
import { dueTime } from './delays.js';
import { EngineError } from './engine.error.js';
import { payloadValidatorsOf } from './event-payloads.js';
import { evaluate, truthy } from './logic/json-logic.js';
import { actions as registry, type ActionContext } from './registry.js';
import type { Action, Actions, Guard, Policy, Transition, Transitions } from './schema.types.js';
import type { EffectInput, Instance, JsonObject, PoolEvent, PoolUser } from './types.js';
import { validate } from './validate.js';
import './builtin-actions.js';

/** The machine's context during one step. Only `instance` is persisted. */
export interface MachineContext {
  instance: Instance;
  entity: JsonObject;
  env: { now: number; user: PoolUser | null; recordId: string; startAt?: string };
  effects: EffectInput[];
}

export interface CompiledPolicy {
  policy: Policy;
  machine: AnyStateMachine;
  pooledStates: ReadonlySet<string>;
  finalStates: ReadonlySet<string>;
  /** States whose owned records do not count against the owner's `claim.maxOwned` (meta.exemptFromClaimLimit). */
  limitFreeStates: ReadonlySet<string>;
  /** User-sent event types the machine handles (timers excluded). */
  eventTypes: readonly string[];
  rules: Readonly<Record<string, unknown>>;
  payloadValidators: ReadonlyMap<string, ValidateFunction>;
}

const START_STATE = 'poolflow_start';

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function guardLogic(guard: Guard): unknown {
  if (typeof guard === 'string') return { rule: guard };
  if (
    guard &&
    typeof guard === 'object' &&
    !Array.isArray(guard) &&
    (guard as JsonObject)['type'] === 'rule'
  ) {
    return { rule: (guard as { params: { rule: string } }).params.rule };
  }
  return guard;
}

/** One action of a list: a built-in context update (`pool.*`) or a registered action (`act:*`). */
interface ListStep {
  type: string;
  params: JsonObject;
}

function xAction(action: Action): ListStep {
  return typeof action === 'string'
    ? { type: `act:${action}`, params: {} }
    : { type: `act:${action.type}`, params: action.params ?? {} };
}

/**
 * An action list as XState actions: one `pool.run` that applies the steps in order, each seeing the
 * context the previous one left, as a list of assigns would. XState copies its snapshot once per
 * assign, so one per list instead of one per action is most of a step's saving on a busy state entry.
 */
function xActions(steps: ListStep[]): { type: string; params: { steps: ListStep[] } }[] {
  return steps.length === 0 ? [] : [{ type: 'pool.run', params: { steps } }];
}

function xTransitions(value: Transitions, prepend: string[]): JsonObject[] {
  const list: Transition[] = typeof value === 'string' ? [{ target: value }] : toArray(value);
  return list.map((t) => {
    const out: JsonObject = {
      actions: xActions([
        ...prepend.map((type) => ({ type, params: {} })),
        ...toArray<Action>(t.actions as Actions).map(xAction),
      ]),
    };
    if (t.target !== undefined) out['target'] = t.target;
    if (t.reenter !== undefined) out['reenter'] = t.reenter;
    if (t.guard !== undefined)
      out['guard'] = { type: 'logic', params: { logic: guardLogic(t.guard) } };
    return out;
  });
}

export function logicData(
  context: MachineContext,
  event: PoolEvent | { type: string },
): JsonObject {
  return {
    entity: context.entity,
    instance: context.instance,
    event,
    user: context.env.user,
    now: context.env.now,
  };
}

/** A context update: what an assign returns. */
type Update = (
  context: MachineContext,
  event: PoolEvent,
  params: JsonObject,
) => Partial<MachineContext>;

function userEventOf(event: { type: string }): PoolEvent {
  return event;
}

export interface CompileOptions {
  /**
   * A version published already: compiled without the breakage checks validate() gained since
   * (ValidateOptions.breakage), so the records running on it keep running.
   */
  published?: boolean;
}

export function compile(policy: Policy, options: CompileOptions = {}): CompiledPolicy {
  const result = validate(policy, { breakage: options.published !== true, scenarios: false });
  if (!result.valid) {
    throw new EngineError(
      'POOL_ERR_INVALID_POLICY',
      `policy is invalid: ${result.problems[0]?.message ?? ''}`,
      result.problems,
    );
  }
  const rules = policy.rules ?? {};
  const pooledStates = new Set<string>();
  const finalStates = new Set<string>();
  const limitFreeStates = new Set<string>();
  const eventTypes = new Set<string>();
  const states: JsonObject = {};

  for (const [name, node] of Object.entries(policy.machine.states)) {
    if (node.meta?.pooled) pooledStates.add(name);
    if (node.type === 'final') finalStates.add(name);
    if (node.meta?.exemptFromClaimLimit === true) limitFreeStates.add(name);
    const entryBuiltins = node.meta?.pooled ? ['pool.entered', 'pool.enter'] : ['pool.entered'];
    const state: JsonObject = {
      entry: xActions([
        ...entryBuiltins.map((type) => ({ type, params: {} })),
        ...toArray(node.entry).map(xAction),
      ]),
      exit: xActions(toArray(node.exit).map(xAction)),
    };
    if (node.type === 'final') state['type'] = 'final';
    if (node.on) {
      const on: JsonObject = {};
      for (const [event, transitions] of Object.entries(node.on)) {
        eventTypes.add(event);
        const builtin =
          event === 'CLAIM' ? ['pool.claim'] : event === 'ASSIGN' ? ['pool.assign'] : [];
        on[event] = xTransitions(transitions, builtin);
      }
      state['on'] = on;
    }
    if (node.after) {
      const after: JsonObject = {};
      for (const [delay, transitions] of Object.entries(node.after))
        after[delay] = xTransitions(transitions, []);
      state['after'] = after;
    }
    if (node.always) state['always'] = xTransitions(node.always, []);
    states[name] = state;
  }
  // A transient start state lets a record start in any state (e.g. unowned, straight into the pool).
  states[START_STATE] = {
    always: Object.keys(policy.machine.states).map((name) => ({
      target: name,
      guard: { type: 'startAt', params: { state: name } },
    })),
  };

  // Context updates by action type; `pool.run` applies an action list's updates in one assign.
  const updates = new Map<string, Update>([
    [
      'pool.entered',
      (context) => ({ instance: { ...context.instance, enteredStateAt: context.env.now } }),
    ],
    [
      'pool.enter',
      (context, event) => {
        const i = context.instance;
        const now = context.env.now;
        const ownerId = i.ownerId;
        const reason =
          typeof event.payload?.['reason'] === 'string'
            ? event.payload['reason']
            : event.type.startsWith('xstate.after.')
              ? 'timeout'
              : event.type === 'xstate.init'
                ? 'created'
                : event.type.toLowerCase();
        return {
          instance: {
            ...i,
            ownerId: null,
            previousOwnerIds:
              ownerId && !i.previousOwnerIds.includes(ownerId)
                ? [...i.previousOwnerIds, ownerId]
                : i.previousOwnerIds,
            previousOwners: ownerId
              ? [...i.previousOwners, { userId: ownerId, releasedAt: now }]
              : i.previousOwners,
            poolEntries: i.poolEntries + 1,
            lastRelease: { at: now, reason, byUserId: context.env.user?.id ?? null },
          },
        };
      },
    ],
    [
      'pool.claim',
      (context) => {
        const i = context.instance;
        const userId = context.env.user?.id ?? null;
        return {
          instance: {
            ...i,
            ownerId: userId,
            claims: i.claims + 1,
            claimedBy:
              userId && !i.claimedBy.includes(userId) ? [...i.claimedBy, userId] : i.claimedBy,
          },
        };
      },
    ],
    [
      'pool.assign',
      (context, event) => {
        const to = event.payload?.['userId'];
        return { instance: { ...context.instance, ownerId: typeof to === 'string' ? to : null } };
      },
    ],
  ]);
  const eventLabels = Object.fromEntries(
    Object.entries(policy.events ?? {}).map(([type, e]) => [type, e.label]),
  );
  for (const action of registry.list()) {
    updates.set(`act:${action.type}`, (context, event, params) => {
      const instance: Instance = { ...context.instance, tags: [...context.instance.tags] };
      const entity: JsonObject = { ...context.entity };
      const effects = [...context.effects];
      const data = {
        entity,
        instance,
        event: userEventOf(event),
        user: context.env.user,
        now: context.env.now,
      };
      const ctx: ActionContext = {
        instance,
        entity,
        event: userEventOf(event),
        user: context.env.user,
        now: context.env.now,
        recordId: context.env.recordId,
        evaluate: (logic) => evaluate(logic, data, rules),
        emit: (effect) => effects.push(effect),
        maskedInPool: policy.entity.maskedInPool ?? [],
        ...(policy.entity.titleField !== undefined ? { titleField: policy.entity.titleField } : {}),
        eventLabels,
      };
      action.run(ctx, params);
      return { instance: ctx.instance, entity: ctx.entity, effects };
    });
  }
  const implementations = {
    'pool.run': assign(
      (
        { context, event }: { context: MachineContext; event: PoolEvent },
        params: { steps: ListStep[] },
      ) => {
        let next = context;
        for (const { type, params: stepParams } of params.steps) {
          const update = updates.get(type);
          // compile() validated the policy against the same registry: a missing one is a bug, not a no-op.
          if (!update) throw new Error(`no implementation for action ${type}`);
          next = { ...next, ...update(next, event, stepParams) };
        }
        return next;
      },
    ),
  };

  const delays: Record<string, (args: { context: MachineContext; event: PoolEvent }) => number> =
    {};
  for (const [name, delay] of Object.entries(policy.delays ?? {})) {
    delays[name] = ({ context, event }) =>
      dueTime(delay, context.env.now, logicData(context, event), policy, name) - context.env.now;
  }

  const guards = {
    logic: (
      { context, event }: { context: MachineContext; event: PoolEvent },
      params: { logic: unknown },
    ) => truthy(evaluate(params.logic, logicData(context, event), rules, 'guard')),
    startAt: ({ context }: { context: MachineContext }, params: { state: string }) =>
      (context.env.startAt ?? policy.machine.initial) === params.state,
  };
  // The config is built from JSON, so XState's static typing cannot follow it: bind it untyped.
  const implementationsConfig: unknown = { actions: implementations, guards, delays };
  const machineConfig: unknown = {
    id: policy.machine.id,
    initial: START_STATE,
    context: ({ input }: { input: MachineContext }) => input,
    states,
  };
  const machine = setup(implementationsConfig as never).createMachine(
    machineConfig as never,
  ) as unknown as AnyStateMachine;

  return {
    policy,
    machine,
    pooledStates,
    finalStates,
    limitFreeStates,
    eventTypes: [...eventTypes],
    rules,
    payloadValidators: payloadValidatorsOf(policy, eventTypes),
  };
}
