// The audit queue in the database: pages of a pool's audits, closing one (once), integrity records.
import type { Knex } from 'knex';
import { integrityOf, integritySql } from '../services/integrity.js';
import type { Integrity } from '@poolflow/engine';

export interface AuditRow {
  id: string;
  pool_key: string;
  record_id: string;
  seq: number;
  event_type: string;
  actor_id: string | null;
  payload: unknown;
  at: Date;
  reason: 'sample' | 'force';
  timers_before: Record<string, { dueAt: number; delay: string; state: string }>;
  timers_after: Record<string, { dueAt: number; delay: string; state: string }>;
  /** The state's entry time before and by the event, when it re-entered the state (else NULL). */
  entered_before: Date | null;
  entered_after: Date | null;
  status: 'open' | 'closed';
  verdict: 'confirmed' | 'fake' | null;
  note: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  revoked: boolean | null;
  restored: { timerKey: string; delay?: string; dueAt: number | null }[] | null;
}

/** An audit with what the queue shows beside it: the record's title and state, the rep's name. */
export interface AuditListRow extends AuditRow {
  record_data: Record<string, unknown> | null;
  record_state: string | null;
  actor_name: string | null;
}

/** Where a page starts: after this (time, id) in the page's order. */
export interface AuditCursor {
  at: number;
  id: string;
}

/** Violations listed per rep in the integrity records. */
export const RECENT_VIOLATIONS = 10;

export class AuditRepository {
  constructor(private readonly db: Knex) {}

  /** Audits with what the queue shows beside them: the record's title and state, the rep's name. */
  private listed(db: Knex | Knex.Transaction) {
    return db('audits as a')
      .leftJoin('records as r', 'r.id', 'a.record_id')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .select(
        'a.*',
        'r.data as record_data',
        'r.state as record_state',
        'u.display_name as actor_name',
      );
  }

  /**
   * One page of a pool's audits: open ones oldest first (a queue), closed ones latest decision first;
   * `limit` + 1 rows so the caller knows whether another page follows.
   */
  async page(
    poolKey: string,
    status: 'open' | 'closed',
    limit: number,
    after: AuditCursor | null,
  ): Promise<AuditListRow[]> {
    const open = status === 'open';
    const at = open ? 'a.at' : 'a.decided_at';
    const query = this.listed(this.db)
      .where({ 'a.pool_key': poolKey, 'a.status': status })
      .orderBy([
        { column: at, order: open ? 'asc' : 'desc' },
        { column: 'a.id', order: open ? 'asc' : 'desc' },
      ])
      .limit(limit + 1);
    if (after) {
      void query.whereRaw(`(${at}, a.id) ${open ? '>' : '<'} (?, ?)`, [
        new Date(after.at),
        after.id,
      ]);
    }
    return (await query) as AuditListRow[];
  }

  async one(
    poolKey: string,
    id: string,
    db: Knex | Knex.Transaction = this.db,
  ): Promise<AuditListRow | undefined> {
    const [row] = (await this.listed(db).where({
      'a.pool_key': poolKey,
      'a.id': id,
    })) as AuditListRow[];
    return row;
  }

  /**
   * Closes an open audit with its verdict, or nothing if it is closed (or unknown). On PostgreSQL a
   * concurrent verdict waits for this row's lock and then finds it closed: exactly one verdict wins.
   */
  async close(
    trx: Knex.Transaction,
    poolKey: string,
    id: string,
    verdict: { verdict: 'confirmed' | 'fake'; note: string | null; by: string; at: number },
  ): Promise<AuditRow | undefined> {
    const [row] = (await trx('audits')
      .where({ pool_key: poolKey, id, status: 'open' })
      .update({
        status: 'closed',
        verdict: verdict.verdict,
        note: verdict.note,
        decided_by: verdict.by,
        decided_at: new Date(verdict.at),
      })
      .returning('*')) as AuditRow[];
    return row;
  }

  async recordRevocation(
    trx: Knex.Transaction,
    id: string,
    revoked: boolean,
    restored: AuditRow['restored'],
  ): Promise<void> {
    await trx('audits')
      .where({ id })
      .update({ revoked, restored: JSON.stringify(restored) });
  }

  /** Integrity records of users at `now` (counted over every pool), in the order of `users`. */
  async integrity(users: string[], now: number): Promise<Integrity[]> {
    const { rows } = await this.db.raw<{ rows: { user_id: string; integrity: unknown }[] }>(
      `SELECT u.user_id, ${integritySql('u.user_id', 'to_timestamp(CAST(? AS float8) / 1000)')} AS integrity
       FROM unnest(CAST(? AS text[])) AS u(user_id)`,
      [now, users],
    );
    const byUser = new Map(rows.map((r) => [r.user_id, integrityOf(r.integrity)]));
    return users.map((u) => byUser.get(u) ?? integrityOf(null));
  }

  /** Each user's latest violations (at most RECENT_VIOLATIONS each), latest first. */
  async recentViolations(
    users: string[],
  ): Promise<
    { actor_id: string; id: string; record_id: string; pool_key: string; decided_at: Date }[]
  > {
    const { rows } = await this.db.raw<{
      rows: {
        actor_id: string;
        id: string;
        record_id: string;
        pool_key: string;
        decided_at: Date;
      }[];
    }>(
      `SELECT v.* FROM unnest(CAST(? AS text[])) AS u(user_id)
       CROSS JOIN LATERAL (
         SELECT a.actor_id, a.id, a.record_id, a.pool_key, a.decided_at FROM audits a
         WHERE a.actor_id = u.user_id AND a.verdict = 'fake'
         ORDER BY a.decided_at DESC, a.id DESC LIMIT ?) v`,
      [users, RECENT_VIOLATIONS],
    );
    return rows;
  }
}
