// The runtime's refusal in the user's language: English keeps the server's text; Chinese words it by
// its code, and each field it names by the detail's problem code and params (the Problems panel's words).
import { PROBLEM_CODES, type Policy, type Problem, type ProblemCode } from '@poolflow/engine';
import { formatSize } from '../i18n/format-size.js';
import type { I18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { problemText, type FieldNamer } from '../inspector/problem-text.js';
import { ApiError } from './client.js';

type Words = Pick<I18n, 't' | 'lang'>;

/** What names in a refusal read as: a draft's states and events, pools and users by their names. */
export interface RefusalNames {
  policy?: Policy;
  poolName?: (key: string) => string;
  userName?: (id: string) => string;
  /** A state of the pool's policy by its label (a list's state filter). */
  stateName?: (state: string) => string;
  /** A record's field by its title (an import row's `/data/industry`), where the form's words do not. */
  field?: FieldNamer;
}

/** One item of a 400's details: `{path, message}`, with the problem's `code` and `params` when known. */
export interface RefusalDetail {
  path?: unknown;
  code?: unknown;
  message?: unknown;
  params?: unknown;
}

/** A refusal's text by its POOL_ERR_* code; a code not here is named in errOther. */
const BY_CODE: Record<string, MessageKey> = {
  POOL_ERR_UNAUTHENTICATED: 'errUnauthenticated',
  POOL_ERR_FORBIDDEN: 'errForbidden',
  POOL_ERR_NOT_FOUND: 'errNotFound',
  POOL_ERR_TOO_LARGE: 'errTooLarge',
  POOL_ERR_RATE_LIMITED: 'errRateLimited',
  POOL_ERR_CONFLICT: 'errConflict',
  POOL_ERR_IDEMPOTENCY_MISMATCH: 'errIdempotency',
  POOL_ERR_IDEMPOTENCY_IN_PROGRESS: 'errConflict',
  POOL_ERR_INVALID_PAYLOAD: 'errInvalid',
  POOL_ERR_INVALID_POLICY: 'errInvalid',
  POOL_ERR_INTERNAL: 'errInternal',
  // The dry run's problems at the start of a rollout: the dialog's preview words each of them.
  POOL_ERR_UPGRADE_REFUSED: 'errUpgradeRefused',
  // A unique field's value (查重) another record holds: the record dialogs name that record.
  POOL_ERR_DUPLICATE: 'errDuplicate',
  // The client's own code for a reply without the runtime's error shape.
  POOL_ERR_HTTP: 'errUnreachable',
};

/**
 * A detail's own code, for the runtime's checks that are not policy problems: why a routing rule may
 * not send records to its pool (move-target.ts), and the administration's refusals (RuntimeError.invalid).
 */
const DETAIL_CODE: Record<string, MessageKey> = {
  'same-pool': 'errSamePool',
  'unknown-pool': 'errUnknownPool',
  'other-department': 'errOtherDepartment',
  'other-policy': 'errOtherPolicy',
  'key-taken': 'errKeyTaken',
  'unknown-user': 'errUnknownUser',
  'no-version': 'errNoVersion',
  'time-zone-invalid': 'errTimeZone',
  'department-required': 'errDepartmentRequired',
  'wrong-password': 'errWrongPassword',
  'self-disable': 'errSelfDisable',
  'self-unadmin': 'errSelfUnadmin',
  'not-member': 'errNotMember',
  'user-disabled': 'errUserDisabled',
  'unknown-department': 'errUnknownDepartment',
  'blank-reason': 'errBlankReason',
  'member-repeated': 'errMemberRepeated',
  // An import row's own problems (import-rows.ts, import.service.ts).
  'cell-count': 'errCellCount',
  'unnamed-column': 'errUnnamedColumn',
  'not-json': 'errNotJson',
  'not-object': 'errNotObject',
  'data-required': 'errDataRequired',
  'nul-character': 'errNulCharacter',
  'unpaired-surrogate': 'errUnpairedSurrogate',
  'owner-ambiguous': 'errOwnerAmbiguous',
  'not-written': 'errNotWritten',
  'start-failed': 'errStartFailed',
  // A unique field's value another record holds, or an earlier line of the file (查重).
  duplicate: 'errDuplicateRecord',
  'duplicate-row': 'errDuplicateRow',
  POOL_ERR_NOT_ADMITTED: 'errNotAdmitted',
  POOL_ERR_RULE_BUDGET: 'errRuleBudget',
  POOL_ERR_INVALID_DELAY: 'errInvalidDelay',
  // A rollout's version, a policy's draft id and forced publish.
  'version-current': 'errVersionCurrent',
  'version-older': 'errVersionOlder',
  'id-mismatch': 'errIdMismatch',
  'force-message': 'errForceMessage',
  // A body's content type (an import's, or a JSON route's) and a body over the limit.
  'content-type': 'errContentType',
  'too-large': 'errBodyTooLarge',
  // An import's body and CSV header.
  'body-incomplete': 'errBodyIncomplete',
  'content-length': 'errContentLength',
  // An import past its bounds (413): rows, a CSV cell, an NDJSON line.
  'too-many-rows': 'errTooManyRows',
  'cell-too-long': 'errCellTooLong',
  'line-too-long': 'errLineTooLong',
  'column-repeated': 'errColumnRepeated',
  'unknown-column': 'errUnknownColumn',
  'column-ambiguous': 'errColumnAmbiguous',
  // A request's form: the input guard, Idempotency-Key, a list's cursor and filters, a stats range.
  'body-not-json': 'errBodyNotJson',
  'forbidden-key': 'errForbiddenKey',
  'not-finite': 'errNotFinite',
  'key-length': 'errKeyLength',
  'bad-cursor': 'errBadCursor',
  'owner-needs-all': 'errOwnerNeedsAll',
  'too-many-filters': 'errTooManyFilters',
  'not-filterable': 'errNotFilterable',
  'field-masked': 'errFieldMasked',
  'value-not-allowed': 'errValueNotAllowed',
  'range-floor': 'errRangeFloor',
  'from-not-before-to': 'errFromNotBeforeTo',
  'range-too-long': 'errRangeTooLong',
  // A list's state filter, a stats breakdown, an event the pool's policy does not have.
  'state-not-in-policy': 'errStateNotInPolicy',
  'unknown-event': 'errUnknownEvent',
  'not-breakdown-field': 'errNotBreakdownField',
};

/**
 * A detail code's words, where its params call for other ones: a request with no Content-Type at all,
 * and a body that is not JSON where the parser said at which character.
 */
function ownWords(code: string, params: Record<string, unknown>): MessageKey | undefined {
  if (code === 'content-type' && params['value'] === '') return 'errContentTypeMissing';
  if (code === 'body-not-json' && typeof params['character'] === 'number')
    return 'errBodyNotJsonAt';
  return Object.hasOwn(DETAIL_CODE, code) ? DETAIL_CODE[code] : undefined;
}

/** A detail the client words by its own code (DETAIL_CODE): a 413's or 415's too (a body's refusal). */
const hasOwnCode = (detail: RefusalDetail): boolean =>
  typeof detail.code === 'string' && ownWords(detail.code, {}) !== undefined;

const isProblemCode = (code: unknown): code is ProblemCode =>
  (PROBLEM_CODES as readonly unknown[]).includes(code);

/**
 * Where a detail points inside what was sent: `/body/rules/2/pool` is `/rules/2/pool`, a draft's
 * `/body/document/machine/…` (or a policy problem's `/document/…`) is the policy's `/machine/…`.
 */
function innerPath(path: string): string {
  return path
    .replace(/^\/(?:body|querystring|params|headers)(?=\/|$)/, '')
    .replace(/^\/(?:routing|document)(?=\/|$)/, '');
}

/** One detail in Chinese: by its problem code, else the field it names and that it is not right. */
export function detailZh(detail: RefusalDetail, { t }: Words, names: RefusalNames = {}): string {
  const path = innerPath(typeof detail.path === 'string' ? detail.path : '');
  const params =
    detail.params !== null && typeof detail.params === 'object'
      ? (detail.params as Record<string, unknown>)
      : {};
  const own = typeof detail.code === 'string' ? ownWords(detail.code, params) : undefined;
  if (own) {
    // A text in both languages (an admission rule's message) is read in Chinese where it has it; a
    // list (the values a filter allows) as one.
    const name = (key: string): string => {
      const value = params[key];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      if (Array.isArray(value)) return value.map(String).join(t('errListSeparator'));
      const text = (value ?? {}) as { en?: unknown; zh?: unknown };
      if (typeof text.zh === 'string' && text.zh.trim()) return text.zh;
      return typeof text.en === 'string' ? text.en : '';
    };
    const pool = name('pool');
    const user = name('user');
    // A state filter's state, and the states of the pool's policy, by their labels where known.
    const state = (key: string) => (key && names.stateName?.(key)) || key;
    const states = params['states'];
    return t(own, {
      ...Object.fromEntries(Object.keys(params).map((key) => [key, name(key)])),
      // A field the namer does not know by its path as a reader says it: `/data/score` is data.score.
      field: names.field?.(path) ?? path.replace(/^\//, '').replaceAll('/', '.'),
      pool: names.poolName?.(pool) ?? pool,
      policy: name('policy'),
      expected: name('expected'),
      value: name('value'),
      user: (user && names.userName?.(user)) || user,
      version: name('version'),
      zone: name('zone'),
      state: state(name('state')),
      // A body's limit in bytes, as a size people read.
      size: typeof params['limit'] === 'number' ? formatSize(params['limit']) : name('limit'),
      states: Array.isArray(states)
        ? states.map((s) => state(String(s))).join(t('errListSeparator'))
        : name('states'),
    });
  }
  // No code (a check with English words only): Ajv's "other" keyword names the field in the words
  // of the form, "名称的值不符合要求". The English message is not read in Chinese.
  const problem: Problem = isProblemCode(detail.code)
    ? { path, code: detail.code, message: '', params }
    : { path, code: 'schema', message: '', params: { keyword: 'other' } };
  return problemText(problem, names.policy, 'zh', names.field);
}

/** Detail codes whose server English names ids (a record's, a pool's key): worded here in English too. */
const WORDED_IN_ENGLISH = new Set(['duplicate', 'duplicate-row']);

/** One detail in the user's language: in Chinese as detailZh words it; in English the server's text. */
export function detailWords(detail: RefusalDetail, i18n: Words, names: RefusalNames = {}): string {
  const ours = typeof detail.code === 'string' && WORDED_IN_ENGLISH.has(detail.code);
  if (i18n.lang === 'zh' || ours) return detailZh(detail, i18n, names);
  return typeof detail.message === 'string' ? detail.message : '';
}

/**
 * What the user reads of a failed request: in English the server's message as it was; in Chinese the
 * details of a 400 each in words (or of a 413 or 415 whose details all have a code of their own, as a
 * body over the limit), else the code's text.
 */
export function refusalWords(error: unknown, i18n: Words, names: RefusalNames = {}): string {
  if (i18n.lang === 'en') return String((error as Error)?.message ?? error);
  // Not the runtime's reply: no connection, or a reply that was not JSON (a proxy's error page).
  if (!(error instanceof ApiError)) return i18n.t('errUnreachable');
  const details = Array.isArray(error.details) ? (error.details as RefusalDetail[]) : [];
  const body = (error.status === 413 || error.status === 415) && details.every(hasOwnCode);
  if (details.length > 0 && (error.status === 400 || body)) {
    return details.map((d) => detailZh(d, i18n, names)).join(i18n.t('errFieldList'));
  }
  const key = BY_CODE[error.code];
  return key ? i18n.t(key) : i18n.t('errOther', { code: error.code });
}
