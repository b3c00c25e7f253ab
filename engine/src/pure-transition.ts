// XState's pure initialTransition()/transition(), with the inert actor scope made once per machine.
import {
  createActor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
} from 'xstate';

type MachineScope = Parameters<AnyStateMachine['transition']>[2];

/** An action XState resolved but did not run: the step turns raise/cancel into timer effects. */
export interface PendingAction {
  type: string;
  params?: unknown;
}

// xstate's transition() builds a throwaway actor per call, and an actor eagerly computes the
// machine's initial snapshot (for a compiled policy, with no input, a TypeError XState catches):
// that was most of a step's cost. The scope keeps no per-call state but the action collector, so
// one per machine serves every step.
const scopes = new WeakMap<AnyStateMachine, MachineScope>();

function inertScope(machine: AnyStateMachine): MachineScope {
  let scope = scopes.get(machine);
  if (scope) return scope;
  const self = createActor(machine);
  scope = {
    self,
    system: self.system,
    id: '',
    sessionId: '',
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    stopChild: () => undefined,
    actionExecutor: () => undefined,
  } as MachineScope;
  scopes.set(machine, scope);
  return scope;
}

/** Runs `compute` with the scope collecting the actions it resolves (re-entrant: restores after). */
function collecting<T>(
  machine: AnyStateMachine,
  compute: (scope: MachineScope) => T,
): [T, PendingAction[]] {
  const scope = inertScope(machine);
  const actions: PendingAction[] = [];
  const previous = scope.actionExecutor;
  scope.actionExecutor = (action) => {
    actions.push(action);
  };
  try {
    return [compute(scope), actions];
  } finally {
    scope.actionExecutor = previous;
  }
}

/** Same as xstate's `initialTransition(machine, input)`. */
export function initialTransition(
  machine: AnyStateMachine,
  input: unknown,
): [AnyMachineSnapshot, PendingAction[]] {
  return collecting(machine, (scope) => machine.getInitialSnapshot(scope, input));
}

/** Same as xstate's `transition(machine, snapshot, event)`. */
export function transition(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): [AnyMachineSnapshot, PendingAction[]] {
  return collecting(machine, (scope) => machine.transition(snapshot, event, scope));
}
