// Records of a pool: lists, one record with its timers and allowed events, its history, and the
// ownership moves (claim, claim-next, assign, bulk assign, release, move) and other events.
import { api } from './client.js';

export interface PoolRecord {
  id: string;
  pool: string;
  policyVersion: number;
  state: string;
  pooled: boolean;
  done: boolean;
  ownerId: string | null;
  tags: string[];
  score: number;
  data: Record<string, unknown>;
  masked: string[];
  seq: number;
  poolEntries: number;
  lastRelease: { at: string; reason: string; byUserId: string | null } | null;
  previousOwnerIds: string[];
  enteredStateAt?: string;
  lastActivityAt?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface RecordTimer {
  key: string;
  delay: string;
  dueAt: string;
}

export interface RecordDetail extends PoolRecord {
  timers: RecordTimer[];
  availableEvents: string[];
}

export interface HistoryEntry {
  seq: number;
  at: string;
  actorId: string | null;
  event: string;
  payload: unknown;
  from: string;
  to: string;
  ownerFrom: string | null;
  ownerTo: string | null;
  tags: string[];
  reason: string | null;
}

export interface ListQuery {
  view: 'pool' | 'mine' | 'all';
  state?: string;
  tag?: string;
  q?: string;
  sort?: 'score' | 'updated';
  limit?: number;
  cursor?: string;
}

export interface BulkAssignResult {
  assigned: number;
  results: { id: string; ok: boolean; error?: { code: string; message: string } }[];
}

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}`;
const one = (pool: string, id: string) => `${base(pool)}/records/${encodeURIComponent(id)}`;

export function listRecords(
  pool: string,
  query: ListQuery,
): Promise<{ items: PoolRecord[]; nextCursor: string | null }> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return api('GET', `${base(pool)}/records?${params.toString()}`);
}

export function getRecord(pool: string, id: string): Promise<RecordDetail> {
  return api('GET', one(pool, id));
}

export async function getHistory(pool: string, id: string): Promise<HistoryEntry[]> {
  return (await api<{ items: HistoryEntry[] }>('GET', `${one(pool, id)}/history`)).items;
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

export function moveRecord(pool: string, id: string, to: string): Promise<{ pool: string }> {
  return api('POST', `${one(pool, id)}/move`, { pool: to });
}
