// What the editor has selected, and how a validation problem's JSON pointer maps onto it.
import type { Policy } from '@poolflow/engine';
import { getTransition, transitionId, type TransitionRef } from './transition-ref.js';

export type SettingsSection =
  'general' | 'entity' | 'events' | 'delays' | 'calendars' | 'rules' | 'claim' | 'score';

export type Selection =
  | { kind: 'state'; name: string }
  | { kind: 'transition'; id: string }
  | { kind: 'settings'; section: SettingsSection };

const SECTIONS: Record<string, SettingsSection> = {
  id: 'general',
  version: 'general',
  name: 'general',
  description: 'general',
  entity: 'entity',
  context: 'entity',
  events: 'events',
  delays: 'delays',
  calendars: 'calendars',
  rules: 'rules',
  claim: 'claim',
  score: 'score',
};

export function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The node, edge or settings section a problem at `pointer` is about. */
export function selectionForPointer(policy: Policy, pointer: string): Selection {
  const parts = pointer.split('/').slice(1).map(unescapePointer);
  if (parts[0] === 'machine') {
    if (parts[1] === 'initial' && policy.machine.initial in policy.machine.states) {
      return { kind: 'state', name: policy.machine.initial };
    }
    const name = parts[2];
    if (parts[1] === 'states' && name !== undefined && name in policy.machine.states) {
      const kind = parts[3];
      if (kind === 'on' || kind === 'after' || kind === 'always') {
        const key = kind === 'always' ? '' : (parts[4] ?? '');
        const indexPart = kind === 'always' ? parts[4] : parts[5];
        const index = indexPart !== undefined && /^\d+$/.test(indexPart) ? Number(indexPart) : 0;
        const ref: TransitionRef = { source: name, kind, key, index };
        if (getTransition(policy, ref)) return { kind: 'transition', id: transitionId(ref) };
      }
      return { kind: 'state', name };
    }
    return { kind: 'settings', section: 'general' };
  }
  return { kind: 'settings', section: SECTIONS[parts[0] ?? ''] ?? 'general' };
}

/** How many problems each state has, and which transitions have any: for marking the canvas. */
export function problemTargets(
  policy: Policy,
  problems: { path: string }[],
): { states: Map<string, number>; edges: Set<string> } {
  const states = new Map<string, number>();
  const edges = new Set<string>();
  for (const problem of problems) {
    const target = selectionForPointer(policy, problem.path);
    if (target.kind === 'state') states.set(target.name, (states.get(target.name) ?? 0) + 1);
    if (target.kind === 'transition') edges.add(target.id);
  }
  return { states, edges };
}
