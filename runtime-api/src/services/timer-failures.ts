// Failed timers: a timer whose step throws (or that loops) is marked failed with its error and retried
// with backoff; admins list them and retry them. See migration 004_timer_failures for the columns.
import { EngineError } from '@poolflow/engine';
import type { Knex } from 'knex';
import { RowSet, rowSource, type Column } from './row-set.js';

/** Wait before the n-th retry (n = failed attempts so far): 1 min, 5 min, 30 min, 2 h, 12 h. */
export const RETRY_AFTER_MS = [60_000, 300_000, 1_800_000, 7_200_000, 43_200_000];
/** Failed attempts after which a timer is parked: it waits for an admin's retry. */
export const MAX_ATTEMPTS = 6;
/** Timer firings one record may take in one sweep pass before it is parked as a loop. */
export const DEFAULT_STEP_CAP = 100;
/** Longest error message kept (a database error may quote a whole value). */
const MAX_MESSAGE = 500;

export interface TimerError {
  /** The POOL_ERR_* code of an engine error, POOL_ERR_TIMER_LOOP, or the error's class name. */
  code: string;
  message: string;
}

export const errorOf = (e: unknown): TimerError => {
  const code = e instanceof EngineError ? e.code : e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  return { code, message: message.slice(0, MAX_MESSAGE) };
};

export const loopError = (cap: number): TimerError => ({
  code: 'POOL_ERR_TIMER_LOOP',
  message: `timer loop: record took more than ${cap} steps in one sweep`,
});

/** A timer to mark failed; `park` skips the backoff (a loop would only loop again). */
export interface TimerFailure {
  record_id: string;
  timer_key: string;
  error: TimerError;
  park: boolean;
}

export interface MarkedFailure {
  record_id: string;
  timer_key: string;
  attempts: number;
  /** Epoch ms of the next try, or null once parked. */
  retry_ms: number | null;
}

const FAILED: Column[] = [
  ['record_id', 'uuid'],
  ['timer_key', 'text'],
  ['error', 'jsonb'],
  ['park', 'boolean'],
];

// `due_at` becomes the retry time, so the sweep's DUE query skips the timer until then; the timer's own
// due time moves to `timer_due_at` (kept from the first failure on).
const MARK = `UPDATE timers t SET attempts = t.attempts + 1, failed_at = to_timestamp(?::float8 / 1000),
    error = v.error, timer_due_at = COALESCE(t.timer_due_at, t.due_at),
    due_at = CASE WHEN v.park OR t.attempts + 1 >= ${MAX_ATTEMPTS} THEN 'infinity'::timestamptz
      ELSE to_timestamp(?::float8 / 1000)
        + (ARRAY[${RETRY_AFTER_MS.join(', ')}]::float8[])[LEAST(t.attempts + 1, ${RETRY_AFTER_MS.length})]
        * interval '1 millisecond' END
  FROM ${rowSource(FAILED)}
  WHERE t.record_id = v.record_id AND t.timer_key = v.timer_key
  RETURNING t.record_id, t.timer_key, t.attempts,
    (CASE WHEN t.due_at = 'infinity' THEN NULL ELSE extract(epoch FROM t.due_at) * 1000 END)::float8 AS retry_ms`;

/** Marks timers failed at `now` (their records are locked by the caller's sweep). */
export async function markFailed(
  trx: Knex.Transaction,
  failures: TimerFailure[],
  now: number,
): Promise<MarkedFailure[]> {
  if (failures.length === 0) return [];
  const set = new RowSet(FAILED);
  for (const f of failures) set.push({ ...f });
  const { rows } = await trx.raw<{ rows: MarkedFailure[] }>(MARK, [now, now, ...set.bindings()]);
  return rows;
}

/**
 * Timers that fired after failing and were armed again at the same due time (so the writer's upsert left
 * the row alone): they are healthy again.
 */
export async function clearRecovered(
  trx: Knex.Transaction,
  timers: { record_id: string; timer_key: string }[],
): Promise<void> {
  if (timers.length === 0) return;
  const columns: Column[] = [
    ['record_id', 'uuid'],
    ['timer_key', 'text'],
  ];
  const set = new RowSet(columns);
  for (const t of timers) set.push(t);
  await trx.raw(
    `UPDATE timers t SET due_at = COALESCE(t.timer_due_at, t.due_at), attempts = 0, failed_at = NULL,
       error = NULL, timer_due_at = NULL
     FROM ${rowSource(columns)}
     WHERE t.record_id = v.record_id AND t.timer_key = v.timer_key AND t.failed_at IS NOT NULL`,
    set.bindings(),
  );
}

export interface FailedTimer {
  recordId: string;
  poolKey: string;
  timerKey: string;
  dueAt: string;
  attempts: number;
  error: TimerError;
  failedAt: string;
  /** null once parked (after MAX_ATTEMPTS failures, or a loop): only a retry fires it. */
  nextRetryAt: string | null;
}

interface FailedRow {
  record_id: string;
  pool_key: string;
  timer_key: string;
  due_ms: number;
  attempts: number;
  error: TimerError | string;
  failed_ms: number;
  retry_ms: number | null;
}

const FAILED_COLUMNS = `t.record_id, r.pool_key, t.timer_key, t.attempts, t.error,
    (extract(epoch FROM COALESCE(t.timer_due_at, t.due_at)) * 1000)::float8 AS due_ms,
    (extract(epoch FROM t.failed_at) * 1000)::float8 AS failed_ms,
    (CASE WHEN t.due_at = 'infinity' THEN NULL ELSE extract(epoch FROM t.due_at) * 1000 END)::float8 AS retry_ms`;

const iso = (ms: number): string => new Date(ms).toISOString();

const toFailedTimer = (row: FailedRow): FailedTimer => ({
  recordId: row.record_id,
  poolKey: row.pool_key,
  timerKey: row.timer_key,
  dueAt: iso(row.due_ms),
  attempts: row.attempts,
  error: typeof row.error === 'string' ? (JSON.parse(row.error) as TimerError) : row.error,
  failedAt: iso(row.failed_ms),
  nextRetryAt: row.retry_ms === null ? null : iso(row.retry_ms),
});

/** Failed timers, most recent failure first (one pool's, or every pool's). */
export async function listFailed(
  db: Knex,
  options: { pool?: string | undefined; limit: number },
): Promise<FailedTimer[]> {
  const { rows } = await db.raw<{ rows: FailedRow[] }>(
    `SELECT ${FAILED_COLUMNS} FROM timers t JOIN records r ON r.id = t.record_id
     WHERE t.failed_at IS NOT NULL ${options.pool === undefined ? '' : 'AND r.pool_key = ?'}
     ORDER BY t.failed_at DESC, t.record_id, t.timer_key LIMIT ?`,
    options.pool === undefined ? [options.limit] : [options.pool, options.limit],
  );
  return rows.map(toFailedTimer);
}

/**
 * Makes a record's failed timers (or the one named) due at `now`. They stay listed, with their error,
 * until they fire; one more failure of a timer at MAX_ATTEMPTS parks it again.
 */
export async function retryFailed(
  db: Knex,
  now: number,
  recordId: string,
  timerKey: string | undefined,
): Promise<FailedTimer[]> {
  const { rows } = await db.raw<{ rows: FailedRow[] }>(
    `WITH retried AS (
       UPDATE timers SET due_at = to_timestamp(?::float8 / 1000)
       WHERE record_id = ? AND failed_at IS NOT NULL ${timerKey === undefined ? '' : 'AND timer_key = ?'}
       RETURNING *)
     SELECT ${FAILED_COLUMNS} FROM retried t JOIN records r ON r.id = t.record_id
     ORDER BY t.timer_key`,
    timerKey === undefined ? [now, recordId] : [now, recordId, timerKey],
  );
  return rows.map(toFailedTimer);
}
