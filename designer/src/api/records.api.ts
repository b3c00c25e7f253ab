// Records of a pool: lists, one record with its timers and allowed events, its history, and the
// ownership moves (claim, claim-next, assign, bulk assign, release, move) and other events.
import type {
  AssignBulkReply,
  HistoryEntry,
  PoolRecord,
  RecordDetail,
  RecordList,
  RecordListQuery,
  HistoryList,
  MoveReply,
  ReleaseBulkReply,
} from './api.types.js';
import { api, apiIfChanged } from './client.js';

/**
 * A record's id cut short where it has no title: its last 8 hex digits. Ids are UUIDv7, whose first
 * digits are the time they were made, so records made together share them; the last ones are random.
 */
export function shortRecordId(id: string): string {
  return id.slice(-8);
}

// Types generated from schemas/ (api.types.ts): a list item, a record with its events, a history row.
export type { HistoryEntry, PoolRecord, RecordDetail, RecordList };
export type RecordTimer = RecordDetail['timers'][number];
export type ListQuery = RecordListQuery & { view: NonNullable<RecordListQuery['view']> };
export type BulkAssignResult = AssignBulkReply;
export type BulkReleaseResult = ReleaseBulkReply;

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}`;
const one = (pool: string, id: string) => `${base(pool)}/records/${encodeURIComponent(id)}`;

const listPath = (pool: string, query: ListQuery): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return `${base(pool)}/records?${params.toString()}`;
};

export function listRecords(pool: string, query: ListQuery): Promise<RecordList> {
  return api('GET', listPath(pool, query));
}

/** A list page unless it is still the one `etag` names (then null): what live lists poll with. */
export function listRecordsIfChanged(
  pool: string,
  query: ListQuery,
  etag: string | null,
): Promise<{ body: RecordList; etag: string | null } | null> {
  return apiIfChanged(listPath(pool, query), etag);
}

export function getRecord(pool: string, id: string): Promise<RecordDetail> {
  return api('GET', one(pool, id));
}

/** Steps of one record's history the designer reads at most: 10 pages of the API's largest. */
export const HISTORY_MAX = 5000;
const HISTORY_PAGE = 500;

/** The latest steps of a record's history, oldest of them first; `more` when older steps were not read. */
export interface History {
  steps: HistoryEntry[];
  more: boolean;
}

/**
 * Reads a record's latest `max` steps (at most HISTORY_MAX), newest first page by page (the API pages
 * it), and gives them in the order they happened.
 */
export async function getHistory(pool: string, id: string, max = HISTORY_MAX): Promise<History> {
  const newest: HistoryEntry[] = [];
  const want = Math.min(max, HISTORY_MAX);
  let cursor: string | null = null;
  do {
    const limit = Math.min(HISTORY_PAGE, want - newest.length);
    const params = new URLSearchParams({ order: 'desc', limit: String(limit) });
    if (cursor) params.set('cursor', cursor);
    const page: HistoryList = await api('GET', `${one(pool, id)}/history?${params.toString()}`);
    newest.push(...page.items);
    cursor = page.nextCursor ?? null;
  } while (cursor && newest.length < want);
  return { steps: newest.reverse(), more: cursor !== null };
}

export function claim(pool: string, id: string): Promise<RecordDetail> {
  return api('POST', `${one(pool, id)}/claim`);
}

export function claimNext(pool: string): Promise<RecordDetail> {
  return api('POST', `${base(pool)}/claim-next`);
}

export function assign(pool: string, id: string, userId: string): Promise<RecordDetail> {
  return api('POST', `${one(pool, id)}/assign`, { userId });
}

export function assignBulk(
  pool: string,
  recordIds: string[],
  userId: string,
): Promise<BulkAssignResult> {
  return api('POST', `${base(pool)}/assign-bulk`, { recordIds, userId });
}

/** Releases records to the pool with one reason (managers): one result per record. */
export function releaseBulk(
  pool: string,
  recordIds: string[],
  reason: string,
): Promise<BulkReleaseResult> {
  return api('POST', `${base(pool)}/release-bulk`, { recordIds, reason });
}

export function sendEvent(
  pool: string,
  id: string,
  type: string,
  payload?: Record<string, unknown>,
): Promise<RecordDetail> {
  return api(
    'POST',
    `${one(pool, id)}/events`,
    payload === undefined ? { type } : { type, payload },
  );
}

/** A record of the pool's policy that has one of a form's unique values (查重); ownerId null: pooled. */
export interface DuplicateHolder {
  field: string;
  recordId: string;
  pool: string;
  ownerId: string | null;
}

/**
 * The records that have `data`'s unique values, other than `recordId` (an edit's own): a form's check
 * before it creates or edits; the write itself still decides (409 POOL_ERR_DUPLICATE).
 */
export function findDuplicates(
  pool: string,
  data: Record<string, unknown>,
  recordId?: string,
): Promise<{ items: DuplicateHolder[] }> {
  return api('POST', `${base(pool)}/duplicates`, recordId ? { data, recordId } : { data });
}

/** A new record with `data`, owned by `ownerId` (a member's own, or a manager's choice) or in the pool (null). */
export function createRecord(
  pool: string,
  data: Record<string, unknown>,
  ownerId: string | null,
): Promise<RecordDetail> {
  return api('POST', `${base(pool)}/records`, { data, ownerId });
}

/**
 * Gives fields new values (null removes one); the owner's or a manager's. `base`: the values the editor
 * saw of those fields (a field changed since is a 409 POOL_ERR_CONFLICT).
 */
export function editRecord(
  pool: string,
  id: string,
  data: Record<string, unknown>,
  base?: Record<string, unknown>,
): Promise<RecordDetail> {
  return api('PATCH', `${one(pool, id)}`, base === undefined ? { data } : { data, base });
}

export function moveRecord(pool: string, id: string, to: string): Promise<MoveReply> {
  return api('POST', `${one(pool, id)}/move`, { pool: to });
}
