// The one read an event needs, in one round trip: the record row, the clock, the pool's time zone and,
// for a claim, the claimant's counts with the `seq` of their claimant row (checked again by the write).
import { createHash } from 'node:crypto';
import type { ClaimantStats, Integrity } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { RecordRow } from '../db/rows.js';
import type { Clock } from './clock.js';
import { integrityOf, integritySql } from './integrity.js';

/** A claimant's counts and the claimant row's `seq` they were read with (0 before their first claim). */
export interface ClaimantRead {
  userId: string;
  stats: ClaimantStats;
  seq: number;
}

export interface EventRead {
  row: RecordRow;
  /** The clock's time, read in the same statement (the event is applied at it). */
  now: number;
  timeZone: string;
  /** Present when the read was asked for a claimant's counts. */
  claimant?: ClaimantRead;
  /** The actor's integrity record, when the read was asked for it (a policy whose rules read it). */
  integrity?: Integrity;
}

interface ReadRow extends RecordRow {
  now: Date;
  time_zone: string;
  claimant_seq?: string | number;
  owned?: number;
  today?: number;
  integrity?: unknown;
}

/**
 * A claimant's columns for the record `r` of pool `p` at time `k.now`, all read in one snapshot. "Today"
 * is the pool's local day: a Beijing pool's day turns at 16:00 UTC, not at 00:00. Claims bump the
 * claimant row's `seq` in the statement that writes them, so a claim committed after this snapshot makes
 * the write of a step based on these counts fail instead of passing a limit twice.
 */
const claimantColumns = (user: string): string => {
  // Only for a row that names a claimant: CASE does not run the counts otherwise.
  const of = (sql: string) => `CASE WHEN ${user} IS NULL THEN NULL ELSE (${sql}) END`;
  return `,
  ${of(`COALESCE((SELECT c.seq FROM claimants c WHERE c.pool_key = r.pool_key AND c.user_id = ${user}), 0)`)}
    AS claimant_seq,
  ${of(`SELECT count(*) FROM records o
    WHERE o.pool_key = r.pool_key AND o.owner_id = ${user} AND NOT o.done
      AND NOT o.limit_free`)}::int AS owned,
  ${of(`SELECT count(*) FROM claims c WHERE c.user_id = ${user} AND c.pool_key = r.pool_key
    AND c.at >= date_trunc('day', k.now AT TIME ZONE p.time_zone) AT TIME ZONE p.time_zone
    AND c.at < (date_trunc('day', k.now AT TIME ZONE p.time_zone) + interval '1 day')
      AT TIME ZONE p.time_zone`)}::int AS today`;
};

const statements = new Map<string, { text: string; name: string }>();
/**
 * The read's text and its prepared statement's name, built once per clock and lock: a connection
 * refuses one name for two texts, and a clock's SQL may name its time (the demo's seed clock moves day
 * by day), so the name follows the text.
 */
function statement(clock: Clock, lock: boolean): { text: string; name: string } {
  const key = `${lock ? 'L' : 'R'}${clock.sql}`;
  let found = statements.get(key);
  if (found === undefined) {
    if (statements.size >= 100) statements.clear();
    const text = byKeys(clock, lock);
    found = {
      text,
      name: `poolflow_read2_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`,
    };
    statements.set(key, found);
  }
  return found;
}

/** The records asked for (one row each, by position `i`), with the clock read once for all of them. */
const byKeys = (clock: Clock, lock: boolean): string =>
  `SELECT q.i, r.*, k.now, p.time_zone${claimantColumns('q.claimant')},
     CASE WHEN q.actor IS NULL THEN NULL ELSE ${integritySql('q.actor', 'k.now')} END AS integrity
   FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
     WITH ORDINALITY AS q(id, pool, claimant, actor, i)
   JOIN records r ON r.id = q.id AND r.pool_key = q.pool
   JOIN pools p ON p.key = r.pool_key
   CROSS JOIN (SELECT ${clock.sql} AS now) k${lock ? ' FOR UPDATE OF r' : ''}`;

function eventRead(found: ReadRow | undefined, claimantId?: string): EventRead | null {
  if (!found) return null;
  const { now, time_zone, claimant_seq, owned, today, integrity, ...row } = found;
  return {
    row,
    now: now.getTime(),
    timeZone: time_zone,
    ...(integrity !== undefined && integrity !== null ? { integrity: integrityOf(integrity) } : {}),
    ...(claimantId !== undefined
      ? {
          claimant: {
            userId: claimantId,
            seq: Number(claimant_seq ?? 0),
            stats: { owned: owned ?? 0, claimsToday: today ?? 0 },
          },
        }
      : {}),
  };
}

/**
 * An array parameter that holds NULLs (pg sends it as an array literal, NULLs included): knex's binding
 * type lists arrays of strings only.
 */
const withNulls = (values: (string | null)[]): Knex.RawBinding => values as string[];

/** A record an event is for, and whose claimant counts to read with it (a claim's). */
export interface RecordKey {
  poolKey: string;
  recordId: string;
  claimantId?: string | undefined;
  /** The actor whose integrity record to read with it (user.integrity; only where rules read it). */
  actorId?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads records for events in one statement, one answer per key (null: no such record in that pool);
 * `lock` takes their row locks (inside a transaction).
 */
export async function readRecords(
  db: Knex | Knex.Transaction,
  clock: Clock,
  keys: RecordKey[],
  lock = false,
): Promise<(EventRead | null)[]> {
  // An id that is not a uuid is no record (and must not fail the others' statement).
  const asked = keys.map((k) => (UUID.test(k.recordId) ? k.recordId : null));
  const { text, name } = statement(clock, lock);
  const { rows } = await db
    .raw<{ rows: (ReadRow & { i: number | string })[] }>(
      text,
      // Each array is one parameter.
      [
        withNulls(asked),
        keys.map((k) => k.poolKey),
        withNulls(keys.map((k) => k.claimantId ?? null)),
        withNulls(keys.map((k) => k.actorId ?? null)),
      ],
    )
    // Named (prepared once per connection): parsing and planning it cost more than running it.
    .options({ name });
  const found = new Map(rows.map((r) => [Number(r.i), r]));
  return keys.map((k, i) => {
    const row: (Partial<Pick<ReadRow & { i: unknown }, 'i'>> & ReadRow) | undefined = found.get(
      i + 1,
    );
    if (row) delete row.i;
    return eventRead(row, k.claimantId);
  });
}

/**
 * The best pooled records of a pool by score (as claim-next takes them), at most `limit`, but for those in
 * `passed`, each with the clock's time. Nothing is locked: the write checks each record's `seq`.
 */
export async function readPooled(
  db: Knex,
  clock: Clock,
  poolKey: string,
  limit: number,
  passed: string[],
): Promise<EventRead[]> {
  const { rows } = await db.raw<{ rows: ReadRow[] }>(
    `SELECT r.*, k.now, p.time_zone
     FROM records r
     JOIN pools p ON p.key = r.pool_key
     CROSS JOIN (SELECT ${clock.sql} AS now) k
     WHERE r.pool_key = ? AND r.pooled AND r.id <> ALL(CAST(? AS uuid[]))
     ORDER BY r.score DESC, r.id LIMIT ?`,
    [poolKey, passed, limit],
  );
  return rows.map((r) => eventRead(r) as EventRead);
}

/** Users' claimant counts in a pool at a time already read, in one statement (same order as `users`). */
export async function readClaimants(
  db: Knex | Knex.Transaction,
  poolKey: string,
  users: string[],
  now: number,
): Promise<ClaimantRead[]> {
  // The same columns, over the pool's row alone (`r` stands in for a record of the pool).
  const { rows } = await db.raw<{ rows: (Partial<ReadRow> & { user_id: string })[] }>(
    `SELECT u.user_id${claimantColumns('u.user_id')}
     FROM unnest(CAST(? AS text[])) AS u(user_id)
     CROSS JOIN (SELECT CAST(? AS text) AS pool_key) r
     JOIN pools p ON p.key = r.pool_key
     CROSS JOIN (SELECT to_timestamp(CAST(? AS float8) / 1000) AS now) k`,
    [users, poolKey, now],
  );
  const byUser = new Map(rows.map((r) => [r.user_id, r]));
  return users.flatMap((userId) => {
    const found = byUser.get(userId);
    if (!found) return []; // no such pool
    return [
      {
        userId,
        seq: Number(found.claimant_seq ?? 0),
        stats: { owned: found.owned ?? 0, claimsToday: found.today ?? 0 },
      },
    ];
  });
}
