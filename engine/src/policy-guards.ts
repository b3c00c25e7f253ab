// The transitions and guards of a policy's machine, each with its JSON pointer: what the breakage and type
// checks walk.
import { escapePointer } from './logic/json-logic.js';
import type { Guard, Policy, Transition, Transitions } from './schema.types.js';
import type { JsonObject } from './types.js';

export function transitionList(value: Transitions): Transition[] {
  return typeof value === 'string' ? [{ target: value }] : Array.isArray(value) ? value : [value];
}

/** A guard as JSON-logic: a named rule becomes `{rule: name}`. */
export function guardLogic(guard: Guard): unknown {
  if (typeof guard === 'string') return { rule: guard };
  const g = guard as JsonObject;
  if (g && typeof g === 'object' && !Array.isArray(g) && g['type'] === 'rule') {
    return { rule: (g['params'] as { rule: string }).rule };
  }
  return guard;
}

/** Every guard of the machine with its pointer. */
export function guards(policy: Policy): { logic: unknown; at: string; rule?: string }[] {
  const out: { logic: unknown; at: string; rule?: string }[] = [];
  for (const [state, node] of Object.entries(policy.machine.states)) {
    const base = `/machine/states/${escapePointer(state)}`;
    const lists: [string, Transitions][] = [
      ...Object.entries(node.on ?? {}).map(([e, t]): [string, Transitions] => [`on/${e}`, t]),
      ...Object.entries(node.after ?? {}).map(([d, t]): [string, Transitions] => [`after/${d}`, t]),
      ...(node.always === undefined ? [] : [['always', node.always] as [string, Transitions]]),
    ];
    for (const [where, value] of lists) {
      const list = transitionList(value);
      list.forEach((t, i) => {
        if (t.guard === undefined) return;
        const logic = guardLogic(t.guard);
        const named = (logic as JsonObject)?.['rule'];
        const at = `${base}/${where}${Array.isArray(value) ? `/${i}` : ''}/guard`;
        out.push(typeof named === 'string' ? { logic, at, rule: named } : { logic, at });
      });
    }
  }
  return out;
}
