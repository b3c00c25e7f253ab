// Why a bulk assignment refused a record, in the user's words: a claim rule as it applies to the
// assignee (not to the manager who assigns), any other refusal as a single request's would read.
import { httpStatusOf, type PoolErrorCode } from '@poolflow/engine';
import { ApiError } from '../api/client.js';
import type { BulkAssignResult } from '../api/records.api.js';
import type { I18n } from '../i18n/i18n.js';
import { refusalOf, type PoolWords } from './claim-refusal.js';
import { formatDateTime } from './format.js';

/** A refused record's `error` in the bulk reply: the refusal's code, message and details. */
export type BulkRowError = NonNullable<BulkAssignResult['results'][number]['error']>;

type Words = Pick<I18n, 't' | 'lang'>;
type About = {
  assignee: string;
  words: PoolWords;
  timeZone?: string;
  /** A state's label, for records refused because of their state. */
  stateLabel?: (state: string) => string;
};

/**
 * Why the records were refused, for the bulk bar's notice. English gives the first record's reason: a
 * claim rule in the designer's words about the assignee, any other as the server said it. Chinese gives each kind of refusal once, with how many records it refused; the
 * cooldowns (each record's own end) as one sentence with the first of them to end.
 */
export function bulkRefusals(errors: BulkRowError[], i18n: Words, about: About): string {
  const first = errors[0];
  if (!first) return '';
  // Records their state keeps (a won deal is not released): how many in which state, in any language.
  const byState = inStates(errors, about, i18n.lang);
  if (byState !== null) return i18n.t('bulkNotInState', { states: byState });
  // A claim rule in the designer's words (a date in the pool's time zone, not the server's ISO time).
  if (i18n.lang === 'en')
    return ASSIGNEE_RULES.has(first.code) ? bulkRowRefusal(first, i18n, about) : first.message;
  const kinds = new Map<string, BulkRowError[]>();
  for (const error of errors) {
    const kind = error.code === COOLDOWN ? COOLDOWN : bulkRowRefusal(error, i18n, about);
    kinds.set(kind, [...(kinds.get(kind) ?? []), error]);
  }
  return [...kinds]
    .map(([kind, group]) => {
      const [one] = group;
      if (group.length === 1 && one)
        return kind === COOLDOWN ? bulkRowRefusal(one, i18n, about) : kind;
      if (kind !== COOLDOWN)
        return i18n.t('bulkRefusedCount', { count: group.length, reason: kind });
      const soonest =
        group
          .map(untilOf)
          .filter((u) => u !== '')
          .sort()[0] ?? '';
      return i18n.t('errAssigneeCooldownMany', {
        ...about.words,
        user: about.assignee,
        count: group.length,
        date: soonest ? formatDateTime(soonest, i18n.lang, about.timeZone) : '?',
      });
    })
    .join(i18n.t('errFieldList'));
}

const COOLDOWN = 'POOL_ERR_COOLDOWN';

/** The claim rules an assignment is checked by, as they apply to the assignee. */
const ASSIGNEE_RULES: ReadonlySet<string> = new Set([
  'POOL_ERR_CLAIM_LIMIT',
  'POOL_ERR_DAILY_LIMIT',
  COOLDOWN,
  'POOL_ERR_NOT_ELIGIBLE',
]);

/**
 * Why the assignment of one record was refused by a claim rule, about the assignee (a bulk
 * assignment's words for its one record), or null for any other refusal: it reads as the request's.
 */
export function assigneeRefusal(error: unknown, i18n: Words, about: About): string | null {
  if (!(error instanceof ApiError) || !ASSIGNEE_RULES.has(error.code)) return null;
  const { code, message, details } = error;
  return bulkRowRefusal({ code, message, details } as BulkRowError, i18n, about);
}

/**
 * "6 Won, 4 Lost" (成交 6 条、输单 4 条) when every refusal is an event the record's state does not take
 * (its details name the state), else null.
 */
function inStates(errors: BulkRowError[], about: About, lang: Words['lang']): string | null {
  const counts = new Map<string, number>();
  for (const error of errors) {
    const state = (error.details as { state?: unknown } | undefined)?.state;
    if (error.code !== 'POOL_ERR_EVENT_NOT_ALLOWED' || typeof state !== 'string') return null;
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([state, count]) => {
      const label = about.stateLabel?.(state) ?? state;
      return lang === 'zh' ? `${label} ${count} 条` : `${count} ${label}`;
    })
    .join(lang === 'zh' ? '、' : ', ');
}

/** When a refusal ends (a cooldown's `until`), or ''. */
function untilOf(error: BulkRowError): string {
  const details = (error.details ?? {}) as Record<string, unknown>;
  return error.until ?? (typeof details['until'] === 'string' ? details['until'] : '');
}

/** One refused record in the user's words. */
function bulkRowRefusal(error: BulkRowError, i18n: Words, about: About): string {
  const details = (error.details ?? {}) as Record<string, unknown>;
  const num = (key: string) => (typeof details[key] === 'number' ? details[key] : '?');
  const vars = { ...about.words, user: about.assignee };
  const until = untilOf(error);
  const tags = Array.isArray(details['tags']) ? (details['tags'] as unknown[]) : [];
  switch (error.code) {
    case 'POOL_ERR_CLAIM_LIMIT':
      return i18n.t('errAssigneeClaimLimit', { ...vars, owned: num('owned'), limit: num('limit') });
    case 'POOL_ERR_DAILY_LIMIT':
      return i18n.t('errAssigneeDailyLimit', { ...vars, limit: num('limit') });
    case 'POOL_ERR_COOLDOWN':
      return i18n.t('errAssigneeCooldown', {
        ...vars,
        date: until ? formatDateTime(until, i18n.lang, about.timeZone) : '?',
      });
    case 'POOL_ERR_NOT_ELIGIBLE':
      // A hard record's words name no one; any other rule's would say "you".
      if (!tags.includes('hard')) return i18n.t('errAssigneeNotEligible', vars);
  }
  // Taken, not allowed in its state, gone, a 400's details: as the same refusal of one record reads.
  const status = httpStatusOf[error.code as PoolErrorCode] ?? 400;
  return refusalOf(new ApiError(status, error.code, error.message, error.details), i18n, {
    words: about.words,
    ...(about.timeZone ? { timeZone: about.timeZone } : {}),
  }).text;
}
