// The one set-based write statement and the row sets it reads: records, timers, history, claims,
// notifications and outbox in one round trip (record-writer.ts fills the sets).
import { names, rowSource, type Column } from './row-set.js';

// The statement's row sets (see row-set.ts for how they travel).
export const RECORD: Column[] = [
  ['id', 'uuid'],
  ['pool_key', 'text'],
  ['policy_id', 'text'],
  ['policy_version', 'int'],
  ['prev_seq', 'int'],
  ['seq', 'int'],
  ['state', 'text'],
  ['owner_id', 'text'],
  ['pooled', 'boolean'],
  ['done', 'boolean'],
  ['limit_free', 'boolean'],
  ['tags', 'jsonb'],
  ['score', 'float8'],
  ['data', 'jsonb'],
  ['snapshot', 'json'],
  ['search', 'text'],
  ['at', 'timestamptz'],
  // The pool a moveToPool effect sends the record to (one the writer found eligible, move-target.ts;
  // applied when that pool still exists), or NULL.
  ['move_to', 'text'],
];
/**
 * An updated record keeps its pool and policy (not sent); its version is the snapshot's (an upgrade
 * moves it). `claimant`: the user whose claim this is; the record is written only if their claimant
 * row moved on in this statement (CLAIMANT below).
 */
export const RECORD_UPDATE: Column[] = [
  ...RECORD.filter(([name]) => !['pool_key', 'policy_id'].includes(name)),
  ['claimant', 'text'],
];
/** A claim's claimant and the `seq` their claimant row had when their counts were read. */
export const CLAIMANT: Column[] = [
  ['pool_key', 'text'],
  ['user_id', 'text'],
  ['expected', 'int8'],
];
export const TIMER: Column[] = [
  ['record_id', 'uuid'],
  ['timer_key', 'text'],
  ['due_at', 'timestamptz'],
  ['event', 'jsonb'],
];
export const HISTORY: Column[] = [
  ['record_id', 'uuid'],
  ['pool_key', 'text'],
  ['seq', 'int'],
  ['at', 'timestamptz'],
  ['actor_id', 'text'],
  ['event_type', 'text'],
  ['payload', 'jsonb'],
  ['from_state', 'text'],
  ['to_state', 'text'],
  ['owner_from', 'text'],
  ['owner_to', 'text'],
  ['tags', 'jsonb'],
  ['reason', 'text'],
];
export const CLAIM: Column[] = [
  ['user_id', 'text'],
  ['pool_key', 'text'],
  ['record_id', 'uuid'],
  ['at', 'timestamptz'],
];
export const NOTIFICATION: Column[] = [
  ['user_id', 'text'],
  ['record_id', 'uuid'],
  ['pool_key', 'text'],
  ['kind', 'text'],
  ['message', 'jsonb'],
  ['effect_key', 'text'],
  ['created_at', 'timestamptz'],
];
// A notification to a group of the record's pool (notify's `audience`), expanded to users by the statement.
export const GROUP_NOTIFICATION: Column[] = [
  ['record_id', 'uuid'],
  ['pool_key', 'text'],
  ['kind', 'text'],
  ['message', 'jsonb'],
  ['effect_key', 'text'],
  ['created_at', 'timestamptz'],
  ['audience', 'text'],
  ['attribute', 'text'],
  ['equals', 'jsonb'],
];
/** An event the policy's `audit` sampled or forced (engine/src/audit.ts): the managers' audit queue. */
export const AUDIT: Column[] = [
  ['id', 'uuid'],
  ['pool_key', 'text'],
  ['record_id', 'uuid'],
  ['seq', 'int'],
  ['event_type', 'text'],
  ['actor_id', 'text'],
  ['payload', 'jsonb'],
  ['at', 'timestamptz'],
  ['reason', 'text'],
  ['timers_before', 'jsonb'],
  ['timers_after', 'jsonb'],
  ['entered_before', 'timestamptz'],
  ['entered_after', 'timestamptz'],
];
export const OUTBOX: Column[] = [
  ['effect_key', 'text'],
  ['record_id', 'uuid'],
  ['type', 'text'],
  ['effect', 'jsonb'],
  ['next_attempt_at', 'timestamptz'],
];

/** Inserts a row set; the sub-statement is cheap when the set is empty. */
const insertFrom = (table: string, columns: Column[], suffix = ''): string =>
  `INSERT INTO ${table} (${names(columns)}) SELECT ${names(columns)} FROM ${rowSource(columns)} ${suffix}`;

// Every write is conditional, so a writer need not lock anything: a record is updated only if its `seq`
// is the one its step started from (optimistic; a sweep's locked rows always are), and a claim only if
// its claimant's row still has the `seq` read with the claimant's counts (every claim bumps it, so two
// claims cannot both pass a limit). Whatever else a record's step writes (timers, history, claims,
// notifications, outbox) is written only for the records in `ok`: a record that lost its race writes
// nothing, and the caller steps it again from the new row.
// The sub-statements touch disjoint rows (a CTE may not change one row twice): created and updated
// records differ; timers of pending keys are upserted, timers of keys no longer pending are deleted.
// Timers reference records changed in the same statement: their foreign key is checked at its end. A
// failed timer (timer-failures.ts) waits in `due_at` with its own due time in `timer_due_at`: it stays
// failed while the snapshot holds the same timer, and is new (healthy) once armed at another time.
const movedTo = (current: string): string =>
  `CASE WHEN v.move_to IS NOT NULL AND EXISTS (SELECT 1 FROM pools WHERE key = v.move_to)
    THEN v.move_to ELSE ${current} END`;
const written = (column: string): string => `${column} IN (SELECT id FROM ok)`;

export const WRITE = `WITH
  claimant AS (
    INSERT INTO claimants (pool_key, user_id, seq)
    SELECT pool_key, user_id, expected + 1 FROM ${rowSource(CLAIMANT)}
    ON CONFLICT (pool_key, user_id) DO UPDATE SET seq = claimants.seq + 1
    WHERE claimants.seq = excluded.seq - 1
    RETURNING pool_key, user_id),
  created AS (
    INSERT INTO records (id, pool_key, policy_id, policy_version, state, owner_id, pooled, done, limit_free,
      tags, score, data, snapshot, seq, search, created_at, updated_at)
    SELECT id, ${movedTo('v.pool_key')}, policy_id, policy_version, state, owner_id, pooled, done, limit_free,
      tags, score, data, snapshot, seq, search, at, at FROM ${rowSource(RECORD)}
    RETURNING id),
  updated AS (
    UPDATE records r SET pool_key = ${movedTo('r.pool_key')}, policy_version = v.policy_version,
      state = v.state, owner_id = v.owner_id, pooled = v.pooled, done = v.done,
      limit_free = v.limit_free, tags = v.tags,
      score = v.score, data = COALESCE(v.data, r.data), snapshot = v.snapshot, seq = v.seq,
      search = COALESCE(v.search, r.search), updated_at = v.at
    FROM ${rowSource(RECORD_UPDATE)}
    WHERE r.id = v.id AND r.seq = v.prev_seq
      AND (v.claimant IS NULL
        OR EXISTS (SELECT 1 FROM claimant c WHERE c.user_id = v.claimant AND c.pool_key = r.pool_key))
    RETURNING r.id),
  ok AS (SELECT id FROM created UNION ALL SELECT id FROM updated),
  pending AS (SELECT * FROM ${rowSource(TIMER)} WHERE ${written('v.record_id')}),
  dropped AS (
    DELETE FROM timers t WHERE t.record_id = ANY(?::uuid[]) AND ${written('t.record_id')}
      AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.record_id = t.record_id AND p.timer_key = t.timer_key)),
  scheduled AS (
    INSERT INTO timers (record_id, timer_key, due_at, event)
    SELECT record_id, timer_key, due_at, event FROM pending
    ON CONFLICT (record_id, timer_key) DO UPDATE SET due_at = excluded.due_at, event = excluded.event,
      attempts = 0, failed_at = NULL, error = NULL, timer_due_at = NULL
    WHERE COALESCE(timers.timer_due_at, timers.due_at) <> excluded.due_at),
  history AS (${insertFrom('history', HISTORY, `WHERE ${written('v.record_id')}`)}),
  claims AS (${insertFrom('claims', CLAIM, `WHERE ${written('v.record_id')}`)}),
  -- In time order, so the ids the bell lists by (newest first) follow it when one pass fires a record's
  -- timers one after another (a hash semi-join hands the rows of one record back in reverse).
  notifications AS (${insertFrom('notifications', NOTIFICATION, `WHERE ${written('v.record_id')} ORDER BY v.created_at ON CONFLICT (effect_key) DO NOTHING`)}),
  grouped AS (SELECT * FROM ${rowSource(GROUP_NOTIFICATION)} WHERE ${written('v.record_id')}),
  group_notifications AS (
    INSERT INTO notifications (${names(NOTIFICATION)})
    SELECT r.user_id, v.record_id, v.pool_key, v.kind, v.message, v.effect_key || ':' || r.user_id,
      v.created_at
    FROM grouped v
    JOIN LATERAL (
      SELECT m.user_id FROM pool_members m
      JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL
      WHERE m.pool_key = v.pool_key AND CASE v.audience
        WHEN 'poolMembers' THEN true
        WHEN 'poolManagers' THEN m.role IN ('admin', 'manager') OR u.roles @> '["manager"]'::jsonb
        WHEN 'attribute' THEN (u.attributes -> v.attribute) = v.equals
        ELSE false END
      UNION
      -- Department admins need not be members of the pool.
      SELECT u.id FROM pools p
      JOIN users u ON u.department_id = p.department_id AND u.disabled_at IS NULL
      WHERE v.audience = 'departmentAdmins' AND p.key = v.pool_key
        AND u.roles @> '["departmentAdmin"]'::jsonb
    ) r ON true
    ON CONFLICT (effect_key) DO NOTHING),
  outbox AS (${insertFrom('outbox', OUTBOX, `WHERE ${written('v.record_id')} ON CONFLICT (effect_key) DO NOTHING`)}),
  audits AS (${insertFrom('audits', AUDIT, `WHERE ${written('v.record_id')} ON CONFLICT (record_id, seq) DO NOTHING`)})
SELECT (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM updated)::int AS updated,
  (SELECT COALESCE(array_agg(id::text), '{}') FROM ok) AS written`;
