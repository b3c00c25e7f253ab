// Differences between two policy versions: states, transitions, rules and settings sections.
import type { Policy } from '@poolflow/engine';
import { transitionLabel } from '../canvas/edge-label.js';
import { stateLabel } from '../canvas/policy-graph.js';
import { transitionGroups, transitionId, withoutTransitions } from '../canvas/transition-ref.js';
import { delayName } from '../i18n/editor-messages.js';
import type { Lang } from '../i18n/messages.js';
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

/** Chinese names of the fields a change lists (a state's or a transition's, a setting's). */
const FIELDS_ZH: Record<string, string> = {
  target: '目标状态',
  guard: '条件',
  actions: '动作',
  reenter: '重新进入',
  description: '说明',
  meta: '显示名与属性',
  entry: '进入动作',
  exit: '离开动作',
  type: '类型',
  schema: '字段',
  titleField: '标题字段',
  maskedInPool: '隐藏字段',
  uniqueFields: '查重字段',
  maxOwned: '最多持有数',
  maxPerDay: '每日最多领取',
  previousOwnerCooldownDays: '原负责人冷却期',
  eligible: '领取资格',
};

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

/** Settings sections by name in Chinese (English keeps the document's key). */
const SETTINGS_ZH: Record<string, string> = {
  name: '名称',
  description: '说明',
  entity: '记录字段',
  context: '实例字段',
  events: '事件',
  delays: '时长',
  calendars: '工作日历',
  claim: '领取规则',
  score: '优先级评分',
};

function flatTransitions(policy: Policy, lang: Lang): Record<string, FlatTransition> {
  const out: Record<string, FlatTransition> = {};
  const zh = lang === 'zh';
  const state = (name: string) => (zh ? stateLabel(policy, name, lang) : name);
  for (const [source, node] of Object.entries(policy.machine.states)) {
    for (const { kind, key, list } of transitionGroups(node)) {
      list.forEach((t, index) => {
        // A timer by its name only: its duration in the title would make it differ on every edit.
        const label = zh
          ? kind === 'after'
            ? `◷ ${delayName(key, lang) ?? key}`
            : transitionLabel(policy, kind, key, lang, source)
          : kind === 'on'
            ? key
            : kind === 'after'
              ? `after ${key}`
              : 'always';
        out[transitionId({ source, kind, key, index })] = {
          source: state(source),
          label: list.length > 1 ? `${label} #${index + 1}` : label,
          target: t.target ? state(t.target) : zh ? '（原状态）' : '(stay)',
          body: t,
        };
      });
    }
  }
  return out;
}

/** What changed between two documents; in Chinese, states and timers are named by their labels. */
export function diffPolicies(before: Policy, after: Policy, lang: Lang = 'en'): PolicyDiff {
  const zh = lang === 'zh';
  const stateName = (k: string) =>
    zh ? stateLabel(k in after.machine.states ? after : before, k, lang) : k;
  const stateBodies = (p: Policy) =>
    Object.fromEntries(
      Object.entries(p.machine.states).map(([k, v]) => [k, withoutTransitions(v)]),
    );
  const states = diffMaps(stateBodies(before), stateBodies(after), stateName, changedFields);
  if (before.machine.initial !== after.machine.initial) {
    states.push({
      key: 'machine.initial',
      title: `${zh ? '初始状态：' : 'initial: '}${stateName(before.machine.initial)} → ${stateName(after.machine.initial)}`,
      change: 'changed',
    });
  }
  const transitions = diffMaps(
    flatTransitions(before, lang),
    flatTransitions(after, lang),
    (_k, t) => `${t.source} —${t.label}→ ${t.target}`,
    (a, b) => changedFields(a.body, b.body),
  );
  const rules = diffMaps(before.rules ?? {}, after.rules ?? {}, (k) => k);
  const pick = (p: Policy) =>
    Object.fromEntries(SETTINGS.filter((k) => p[k] !== undefined).map((k) => [k, p[k] as unknown]));
  const settings = diffMaps(
    pick(before),
    pick(after),
    (k) => (zh ? (SETTINGS_ZH[k] ?? k) : k),
    (a, b) => (a && b && typeof a === 'object' && typeof b === 'object' ? changedFields(a, b) : []),
  );
  // In Chinese the changed fields read as words ("guard, target" stayed English).
  if (zh) {
    for (const item of [...states, ...transitions, ...settings]) {
      if (item.fields) item.fields = item.fields.map((f) => FIELDS_ZH[f] ?? f);
    }
  }
  return { states, transitions, rules, settings };
}

export function isEmptyDiff(diff: PolicyDiff): boolean {
  return (
    diff.states.length + diff.transitions.length + diff.rules.length + diff.settings.length === 0
  );
}
