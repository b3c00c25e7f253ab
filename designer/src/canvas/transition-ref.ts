// Addresses one transition of a policy (state, on/after/always, key, branch) and reads/writes it.
import type { Policy, StateNode, Transition } from '@poolflow/engine';

/** A transitions value as the schema allows it: a target, one transition or guarded branches. */
export type Transitions = NonNullable<StateNode['always']>;

export type TransitionKind = 'on' | 'after' | 'always';

export interface TransitionRef {
  source: string;
  kind: TransitionKind;
  /** Event type for `on`, delay name for `after`, '' for `always`. */
  key: string;
  /** Branch index in the transition list (guarded alternatives). */
  index: number;
}

export function transitionId(ref: TransitionRef): string {
  return `${ref.source}:${ref.kind}:${ref.key}:${ref.index}`;
}

export function parseTransitionId(id: string): TransitionRef | null {
  const m = /^([^:]+):(on|after|always):([^:]*):(\d+)$/.exec(id);
  if (!m) return null;
  return {
    source: m[1],
    kind: m[2] as TransitionKind,
    key: m[3],
    index: Number(m[4]),
  };
}

/** A transitions value (string, object or array) as a list of transition objects. */
export function listTransitions(value: Transitions | undefined): Transition[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [{ target: value }];
  if (Array.isArray(value)) return value.map((t) => ({ ...t }));
  return [{ ...value }];
}

/** The shortest equivalent value for a list: undefined, a target string, one object or an array. */
export function packTransitions(list: Transition[]): Transitions | undefined {
  if (list.length === 0) return undefined;
  if (list.length > 1) return list;
  const only = list[0];
  const keys = Object.keys(only);
  if (keys.length === 1 && keys[0] === 'target' && typeof only.target === 'string') {
    return only.target;
  }
  return only;
}

/** Every (key, transitions) group of a state, in document order: on, after, always. */
export function transitionGroups(
  node: StateNode,
): { kind: TransitionKind; key: string; list: Transition[] }[] {
  const groups: { kind: TransitionKind; key: string; list: Transition[] }[] = [];
  for (const [key, value] of Object.entries(node.on ?? {})) {
    groups.push({ kind: 'on', key, list: listTransitions(value) });
  }
  for (const [key, value] of Object.entries(node.after ?? {})) {
    groups.push({ kind: 'after', key, list: listTransitions(value) });
  }
  if (node.always !== undefined) {
    groups.push({ kind: 'always', key: '', list: listTransitions(node.always) });
  }
  return groups;
}

/** A state node without its transitions (they are edited and compared on their own). */
export function withoutTransitions(node: StateNode): StateNode {
  const rest: StateNode = { ...node };
  delete rest.on;
  delete rest.after;
  delete rest.always;
  return rest;
}

export function getTransition(policy: Policy, ref: TransitionRef): Transition | undefined {
  const node = policy.machine.states[ref.source];
  if (!node) return undefined;
  const value = ref.kind === 'always' ? node.always : node[ref.kind]?.[ref.key];
  return listTransitions(value)[ref.index];
}

/** Reads the transition list at (kind, key) of a state node. */
export function readGroup(node: StateNode, kind: TransitionKind, key: string): Transition[] {
  return listTransitions(kind === 'always' ? node.always : node[kind]?.[key]);
}

/** Writes the transition list at (kind, key) of a state node in place; an empty list removes it. */
export function writeGroup(
  node: StateNode,
  kind: TransitionKind,
  key: string,
  list: Transition[],
): void {
  const packed = packTransitions(list);
  if (kind === 'always') {
    if (packed === undefined) delete node.always;
    else node.always = packed;
    return;
  }
  const map = { ...(node[kind] ?? {}) };
  if (packed === undefined) delete map[key];
  else map[key] = packed;
  if (Object.keys(map).length === 0) delete node[kind];
  else node[kind] = map;
}
