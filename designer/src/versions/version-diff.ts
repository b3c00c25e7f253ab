// Differences between two policy versions: states, transitions, rules and settings sections.
import type { Policy } from '@poolflow/engine';
import { transitionGroups, transitionId, withoutTransitions } from '../canvas/transition-ref.js';
import { sameJson } from '../rules/logic-query.js';

export interface DiffItem {
  /** Stable key: a state or rule name, a transition id, a settings section. */
  key: string;
  /** What a reader sees, e.g. "owned —FOLLOW_UP→ owned". */
  title: string;
  change: 'added' | 'removed' | 'changed';
  /** For changes: the fields that differ (target, guard, actions, label, ...). */
  fields?: string[];
}

export interface PolicyDiff {
  states: DiffItem[];
  transitions: DiffItem[];
  rules: DiffItem[];
  settings: DiffItem[];
}

const SETTINGS = [
  'name',
  'description',
  'entity',
  'context',
  'events',
  'delays',
  'calendars',
  'claim',
  'score',
] as const;

function changedFields(a: object, b: object): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    .sort();
}

function diffMaps<T>(
  before: Record<string, T>,
  after: Record<string, T>,
  title: (key: string, value: T) => string,
  fields?: (a: T, b: T) => string[],
): DiffItem[] {
  const items: DiffItem[] = [];
  for (const [key, value] of Object.entries(before)) {
    if (!(key in after)) items.push({ key, title: title(key, value), change: 'removed' });
  }
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (!(key in before)) items.push({ key, title: title(key, value), change: 'added' });
    else if (!sameJson(old, value)) {
      const item: DiffItem = { key, title: title(key, value), change: 'changed' };
      if (fields) item.fields = fields(old, value);
      items.push(item);
    }
  }
  return items;
}

interface FlatTransition {
  source: string;
  label: string;
  target: string;
  body: object;
}

function flatTransitions(policy: Policy): Record<string, FlatTransition> {
  const out: Record<string, FlatTransition> = {};
  for (const [source, node] of Object.entries(policy.machine.states)) {
    for (const { kind, key, list } of transitionGroups(node)) {
      list.forEach((t, index) => {
        const label = kind === 'on' ? key : kind === 'after' ? `after ${key}` : 'always';
        out[transitionId({ source, kind, key, index })] = {
          source,
          label: list.length > 1 ? `${label} #${index + 1}` : label,
          target: t.target ?? '(stay)',
          body: t,
        };
      });
    }
  }
  return out;
}

export function diffPolicies(before: Policy, after: Policy): PolicyDiff {
  const stateBodies = (p: Policy) =>
    Object.fromEntries(
      Object.entries(p.machine.states).map(([k, v]) => [k, withoutTransitions(v)]),
    );
  const states = diffMaps(stateBodies(before), stateBodies(after), (k) => k, changedFields);
  if (before.machine.initial !== after.machine.initial) {
    states.push({
      key: 'machine.initial',
      title: `initial: ${before.machine.initial} → ${after.machine.initial}`,
      change: 'changed',
    });
  }
  const transitions = diffMaps(
    flatTransitions(before),
    flatTransitions(after),
    (_k, t) => `${t.source} —${t.label}→ ${t.target}`,
    (a, b) => changedFields(a.body, b.body),
  );
  const rules = diffMaps(before.rules ?? {}, after.rules ?? {}, (k) => k);
  const pick = (p: Policy) =>
    Object.fromEntries(SETTINGS.filter((k) => p[k] !== undefined).map((k) => [k, p[k] as unknown]));
  const settings = diffMaps(
    pick(before),
    pick(after),
    (k) => k,
    (a, b) => (a && b && typeof a === 'object' && typeof b === 'object' ? changedFields(a, b) : []),
  );
  return { states, transitions, rules, settings };
}

export function isEmptyDiff(diff: PolicyDiff): boolean {
  return (
    diff.states.length + diff.transitions.length + diff.rules.length + diff.settings.length === 0
  );
}
