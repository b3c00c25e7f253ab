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

export function bulkRowRefusal(
  error: BulkRowError,
  i18n: Pick<I18n, 't' | 'lang'>,
  about: { assignee: string; words: PoolWords; timeZone?: string },
): string {
  // In English the server's text, as a single refusal reads (refusalWords).
  if (i18n.lang === 'en') return error.message;
  const details = (error.details ?? {}) as Record<string, unknown>;
  const num = (key: string) => (typeof details[key] === 'number' ? details[key] : '?');
  const vars = { ...about.words, user: about.assignee };
  const until = error.until ?? (typeof details['until'] === 'string' ? details['until'] : '');
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
