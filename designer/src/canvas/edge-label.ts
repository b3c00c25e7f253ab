// Human labels for transitions: the event name, or the timer with its delay in months/days/hours.
import type { Delay, Policy } from '@poolflow/engine';
import { delayName } from '../i18n/editor-messages.js';
import type { Lang } from '../i18n/messages.js';
import { listTransitions, type TransitionKind } from './transition-ref.js';

const UNITS: Record<Lang, Record<'months' | 'days' | 'hours' | 'minutes', string>> = {
  en: { months: 'mo', days: 'd', hours: 'h', minutes: 'min' },
  zh: { months: '个月', days: '天', hours: '小时', minutes: '分钟' },
};

/** "30d", "4h (business)", "until …": a short text for a named delay; `reference` names another. */
export function formatDelay(
  delay: Delay | undefined,
  lang: Lang,
  reference: (name: string) => string = (name) => name,
): string {
  if (!delay) return '?';
  const parts: string[] = [];
  for (const unit of ['months', 'days', 'hours', 'minutes'] as const) {
    const value = delay[unit];
    if (value === undefined) continue;
    const n = typeof value === 'number' ? String(value) : 'ƒ';
    parts.push(lang === 'zh' ? `${n} ${UNITS.zh[unit]}` : `${n}${UNITS.en[unit]}`);
  }
  if (delay.ms !== undefined) parts.push(typeof delay.ms === 'number' ? `${delay.ms}ms` : 'ƒ ms');
  if (delay.until !== undefined) parts.push(lang === 'zh' ? '到期日' : 'until date');
  if (delay.calendar !== undefined) parts.push(lang === 'zh' ? '(工作时间)' : '(business)');
  const relative = delay.before ?? delay.after;
  if (relative !== undefined) {
    const amount = parts.join(' ') || '0';
    const before = delay.before !== undefined;
    const ref = reference(relative);
    // A Latin name keeps a space before 前/后; Chinese words join it directly.
    if (lang === 'zh')
      return `${ref}${/\w$/.test(ref) ? ' ' : ''}${before ? '前' : '后'} ${amount}`;
    return `${amount} ${before ? 'before' : 'after'} ${reference(relative)}`;
  }
  return parts.join(' ') || '?';
}

/** Localized label of an event: its zh label in Chinese, else the event type itself. */
export function eventLabel(policy: Policy, event: string, lang: Lang): string {
  const label = policy.events?.[event]?.label;
  if (lang === 'zh' && label?.zh) return label.zh;
  return event;
}

/** The state a timer of `state` leads to, when it moves the record. */
function timerTarget(policy: Policy, state: string | undefined, delay: string): string | undefined {
  const after = state === undefined ? undefined : policy.machine.states[state]?.after?.[delay];
  const first = listTransitions(after)[0];
  return first?.target !== undefined && first.target !== state ? first.target : undefined;
}

/**
 * A timer in words. English keeps the delay's name ("remind · 7d before release"); Chinese gives a
 * known name and says when the timer fires, naming a referenced timer by where it leads
 * ("提醒 · 转入公海前 7 天"): a policy's delay identifiers are English.
 */
export function timerLabel(
  policy: Policy,
  state: string | undefined,
  delay: string,
  lang: Lang,
): string {
  const describe = (name: string, depth: number): string => {
    const target = timerTarget(policy, state, name);
    if (depth > 0 && target !== undefined) {
      const label = policy.machine.states[target]?.meta?.label;
      return `转入${label?.zh ?? label?.en ?? target}`;
    }
    // References are bounded: the validator refuses cycles, this guards a broken draft.
    const ref = (other: string) => (depth < 3 ? describe(other, depth + 1) : other);
    return formatDelay(policy.delays?.[name], 'zh', ref);
  };
  if (lang === 'zh') {
    const name = delayName(delay, lang);
    return name ? `${name} · ${describe(delay, 0)}` : describe(delay, 0);
  }
  return `${delay} · ${formatDelay(policy.delays?.[delay], lang)}`;
}

export function transitionLabel(
  policy: Policy,
  kind: TransitionKind,
  key: string,
  lang: Lang,
  state?: string,
): string {
  if (kind === 'on') return eventLabel(policy, key, lang);
  if (kind === 'after') return `◷ ${timerLabel(policy, state, key, lang)}`;
  return lang === 'zh' ? '立即' : 'always';
}

/** Short text of a guard for the edge label: a rule name or "ƒ" for inline logic. */
export function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && (guard as { type?: unknown }).type === 'rule') {
    return (guard as { params: { rule: string } }).params.rule;
  }
  return 'ƒ';
}

/** Pixels of one character at the label's 11px font: CJK glyphs are square, Latin about half. */
function charWidth(ch: string, mono: boolean): number {
  if (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch)) return 11.5;
  return mono ? 7 : 6.6;
}

/**
 * The box a label is drawn in (its text, the guard in brackets, padding and border), slightly
 * generous so the browser's text always fits: ELK spaces edges by it and the canvas draws it so.
 */
export function labelSize(label: string, guard?: string): { width: number; height: number } {
  let width = 14;
  for (const ch of label) width += charWidth(ch, false);
  if (guard !== undefined) {
    width += 4;
    for (const ch of `[${guard}]`) width += charWidth(ch, true);
  }
  return { width: Math.ceil(width), height: 20 };
}
