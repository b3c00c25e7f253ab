// A pending or fired timer's delay in words, in the record page, the timeline, audits and failed timers.
import type { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import type { PoolWords } from './claim-refusal.js';

/** The delays of the templates (CRM, HR, service), named for people; a policy names them by id only. */
const TIMER_NAMES: Record<string, MessageKey> = {
  release: 'timerRelease',
  remind: 'timerRemind',
  escalate: 'timerEscalate',
  nurtureEnd: 'timerNurtureEnd',
  reengage: 'timerReengage',
  firstResponse: 'timerFirstResponse',
  slaWarning: 'timerSlaWarning',
  autoClose: 'timerAutoClose',
};

/** A timer's delay in words: the templates' delays by name ("Back to the talent pool"), else its id. */
export function timerLabel(
  delay: string,
  t: ReturnType<typeof useI18n>['t'],
  words: PoolWords,
): string {
  const key = Object.hasOwn(TIMER_NAMES, delay) ? TIMER_NAMES[delay] : undefined;
  return key ? t(key, words) : delay;
}
