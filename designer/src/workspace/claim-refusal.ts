// A refused move in plain words: which limit, until when, or why this record is not for this user.
import { ApiError } from '../api/client.js';
import { refusalWords, type RefusalNames } from '../api/refusal-words.js';
import type { PoolPolicy, PoolRecord } from '../api/api.types.js';
import type { I18n } from '../i18n/i18n.js';
import { valueLabel } from './field-labels.js';
import { formatDateTime } from './format.js';

/** A label inside an English sentence: "Take" is "take"; an acronym or a Chinese word stays. */
const inSentence = (word: string) =>
  /^[A-Z]{2}/.test(word) ? word : word.charAt(0).toLowerCase() + word.slice(1);

/**
 * The pool's own words, for buttons and messages (`t(key, words)`): for a claim, the label its
 * policy gives the CLAIM event (a service queue "Take"s a ticket), else Claim / 领取; for itself,
 * its `poolWord` (the talent pool, 人才库), else Pool / 公海. `claimVerb` and `pool` are the words
 * inside an English sentence ("may take it", "in the talent pool"); `poolTitle` starts a title.
 */
export type PoolWords = {
  claim: string;
  claimVerb: string;
  /** Set when the pool has a word of its own: "3 claims left" then reads "3 left to take" (`…Own` texts). */
  own?: 'Own';
  poolTitle: string;
  pool: string;
};

export function poolWords(
  policy: Pick<PoolPolicy, 'events' | 'poolWord'> | undefined,
  i18n: Pick<I18n, 't' | 'lang'>,
): PoolWords {
  const ownWord = (label: { en: string; zh?: string | undefined } | undefined) =>
    (i18n.lang === 'zh' ? label?.zh : label?.en)?.trim();
  const claim = ownWord(policy?.events['CLAIM']?.label) || i18n.t('claimAction');
  const poolTitle = ownWord(policy?.poolWord) || i18n.t('pool');
  return {
    claim,
    claimVerb: inSentence(claim),
    ...(claim === i18n.t('claimAction') ? {} : { own: 'Own' }),
    poolTitle,
    pool: inSentence(poolTitle),
  };
}

export interface Refusal {
  code: string;
  text: string;
  /** The end of a cooldown, as an ISO date. */
  until?: string;
}

export function refusalOf(
  error: unknown,
  i18n: Pick<I18n, 't' | 'lang'>,
  about: {
    tags?: string[];
    claimNext?: boolean;
    timeZone?: string;
    words?: PoolWords;
    /** Users and pools by their names in the refusals worded by code (a disabled assignee). */
    names?: RefusalNames;
  } = {},
): Refusal {
  const { lang } = i18n;
  const words = about.words ?? poolWords(undefined, i18n);
  const t: typeof i18n.t = (key, vars) => i18n.t(key, { ...words, ...vars });
  // A refusal without words of its own here (no reply, or a code below has none) reads as
  // refusalWords says it: the server's text in English, in Chinese by its code.
  if (!(error instanceof ApiError)) return { code: 'ERROR', text: refusalWords(error, i18n) };
  const details = (error.details ?? {}) as Record<string, unknown>;
  const num = (key: string): number | string => {
    const value = details[key];
    return typeof value === 'number' ? value : '?';
  };
  switch (error.code) {
    case 'POOL_ERR_TAKEN':
      return { code: error.code, text: t('refusedTaken') };
    case 'POOL_ERR_CLAIM_LIMIT':
      return {
        code: error.code,
        text: t('refusedClaimLimit', { owned: num('owned'), limit: num('limit') }),
      };
    case 'POOL_ERR_DAILY_LIMIT':
      return {
        code: error.code,
        text: t(words.own ? 'refusedDailyLimitOwn' : 'refusedDailyLimit', { limit: num('limit') }),
      };
    case 'POOL_ERR_COOLDOWN': {
      const until = typeof details['until'] === 'string' ? details['until'] : undefined;
      const date = until ? formatDateTime(until, lang, about.timeZone) : '?';
      return {
        code: error.code,
        text: t('refusedCooldown', { date }),
        ...(until ? { until } : {}),
      };
    }
    case 'POOL_ERR_CONTACT_LIMIT': {
      const until = typeof details['until'] === 'string' ? details['until'] : undefined;
      const channel = typeof details['channel'] === 'string' ? details['channel'] : '';
      return {
        code: error.code,
        text: t('refusedContactLimit', {
          channel: valueLabel(channel, lang),
          date: until ? formatDateTime(until, lang, about.timeZone) : '?',
        }),
        ...(until ? { until } : {}),
      };
    }
    case 'POOL_ERR_NOT_ELIGIBLE': {
      const tags = [...(about.tags ?? []), ...((details['tags'] as string[] | undefined) ?? [])];
      return {
        code: error.code,
        text: t(tags.includes('hard') ? 'refusedHard' : 'refusedNotEligible'),
      };
    }
    case 'POOL_ERR_NOT_FOUND':
      return {
        code: error.code,
        text: about.claimNext ? t('refusedNothingToClaim') : refusalWords(error, i18n, about.names),
      };
    case 'POOL_ERR_EVENT_NOT_ALLOWED':
      return { code: error.code, text: t('refusedNotAllowed') };
    case 'POOL_ERR_FORBIDDEN':
      return { code: error.code, text: t('refusedForbidden') };
    default:
      return { code: error.code, text: refusalWords(error, i18n, about.names) };
  }
}

/**
 * Why the list says the caller may not claim a record (its `canClaim`), in the words of the refusal a
 * click would get; null when they may. Dates in the pool's time zone.
 */
export function blockedClaim(
  record: Pick<PoolRecord, 'canClaim' | 'tags'>,
  i18n: Pick<I18n, 't' | 'lang'>,
  pool: {
    timeZone?: string;
    claim?: PoolPolicy['claim'];
    ownedCapacity?: number | null;
    words?: PoolWords;
  },
): Refusal | null {
  const can = record.canClaim;
  if (can === undefined || can === true) return null;
  const limit = can.code === 'POOL_ERR_DAILY_LIMIT' ? pool.claim?.maxPerDay : pool.claim?.maxOwned;
  const owned =
    limit !== undefined && typeof pool.ownedCapacity === 'number'
      ? limit - pool.ownedCapacity
      : undefined;
  const details = { ...can, ...(limit !== undefined ? { limit } : {}), owned };
  return refusalOf(new ApiError(409, can.code, can.code, details), i18n, {
    tags: record.tags,
    ...(pool.timeZone ? { timeZone: pool.timeZone } : {}),
    ...(pool.words ? { words: pool.words } : {}),
  });
}
