// Human labels for transitions: the event name, or the timer with its delay in months/days/hours.
import type { Delay, Policy } from '@poolflow/engine';
import type { Lang } from '../i18n/messages.js';
import type { TransitionKind } from './transition-ref.js';

const UNITS: Record<Lang, Record<'months' | 'days' | 'hours' | 'minutes', string>> = {
  en: { months: 'mo', days: 'd', hours: 'h', minutes: 'min' },
  zh: { months: '个月', days: '天', hours: '小时', minutes: '分钟' },
};

/** "30d", "4h (business)", "until …": a short text for a named delay. */
export function formatDelay(delay: Delay | undefined, lang: Lang): string {
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
  const reference = delay.before ?? delay.after;
  if (reference !== undefined) {
    const amount = parts.join(' ') || '0';
    const before = delay.before !== undefined;
    if (lang === 'zh') return `${reference} ${before ? '前' : '后'} ${amount}`;
    return `${amount} ${before ? 'before' : 'after'} ${reference}`;
  }
  return parts.join(' ') || '?';
}

/** Localized label of an event: its zh label in Chinese, else the event type itself. */
export function eventLabel(policy: Policy, event: string, lang: Lang): string {
  const label = policy.events?.[event]?.label;
  if (lang === 'zh' && label?.zh) return label.zh;
  return event;
}

export function transitionLabel(
  policy: Policy,
  kind: TransitionKind,
  key: string,
  lang: Lang,
): string {
  if (kind === 'on') return eventLabel(policy, key, lang);
  if (kind === 'after') return `◷ ${key} · ${formatDelay(policy.delays?.[key], lang)}`;
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
