// The managers' audit queue: pages of a pool's audits, verdicts (a fake one revokes the event's effect on
// the record's timers in the same transaction that closes the audit), and the reps' integrity records.
import { recordTitle, revoke, type Integrity } from '@poolflow/engine';
import type { Knex } from 'knex';
import {
  AuditRepository,
  RECENT_VIOLATIONS,
  type AuditCursor,
  type AuditListRow,
  type AuditRow,
} from '../repositories/audit.repository.js';
import { RuntimeError } from '../runtime.error.js';
import type { Clock } from './clock.js';
import { readRecords } from './event-read.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import type { Metrics } from './metrics.js';
import type { PolicyStore } from './policy-store.js';
import { writeOutcomes } from './record-writer.js';

/** Audits per page: default and most. */
export const AUDIT_PAGE = 50;
export const AUDIT_PAGE_MAX = 200;
/** Members listed in a pool's integrity records. */
export const INTEGRITY_MEMBERS_MAX = 1000;
/** The event type of the history row a fake verdict writes. */
export const AUDIT_EVENT = 'AUDIT';

export interface AuditItem {
  id: string;
  recordId: string;
  recordTitle: string | null;
  recordState: string | null;
  eventType: string;
  seq: number;
  actorId: string | null;
  actorName: string | null;
  payload: unknown;
  at: string;
  reason: 'sample' | 'force';
  status: 'open' | 'closed';
  verdict?: 'confirmed' | 'fake';
  note: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  revoked: boolean | null;
  restoredTimers?: { timerKey: string; delay?: string; dueAt: string | null }[];
}

const iso = (d: Date | number | null): string | null =>
  d === null ? null : new Date(d).toISOString();

function itemOf(row: AuditListRow, titleField?: string): AuditItem {
  return {
    id: row.id,
    recordId: row.record_id,
    recordTitle: row.record_data ? recordTitle(row.record_data, row.record_id, titleField) : null,
    recordState: row.record_state,
    eventType: row.event_type,
    seq: row.seq,
    actorId: row.actor_id,
    actorName: row.actor_name,
    payload: row.payload,
    at: new Date(row.at).toISOString(),
    reason: row.reason,
    status: row.status,
    ...(row.verdict ? { verdict: row.verdict } : {}),
    note: row.note,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    revoked: row.revoked,
    ...(row.restored
      ? { restoredTimers: row.restored.map((t) => ({ ...t, dueAt: iso(t.dueAt) })) }
      : {}),
  };
}

const isTime = (value: unknown): value is number => typeof value === 'number';

function parseCursor(text: string | undefined): AuditCursor | null {
  if (text === undefined) return null;
  const [at, id] = decodeCursor(text, isTime);
  return { at, id };
}

export interface IntegrityItem extends Integrity {
  userId: string;
  username: string | null;
  displayName: string | null;
  recentViolations: { auditId: string; recordId: string; poolKey: string; at: string }[];
}

export class AuditService {
  readonly #audits: AuditRepository;

  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.#audits = new AuditRepository(db);
  }

  async list(
    poolKey: string,
    query: { status?: 'open' | 'closed'; limit?: number; cursor?: string },
  ): Promise<{ items: AuditItem[]; nextCursor?: string }> {
    const status = query.status ?? 'open';
    const limit = Math.min(query.limit ?? AUDIT_PAGE, AUDIT_PAGE_MAX);
    const rows = await this.#audits.page(poolKey, status, limit, parseCursor(query.cursor));
    const titleField = await this.titleField(poolKey);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const at = last && (status === 'open' ? last.at : last.decided_at);
    return {
      items: page.map((row) => itemOf(row, titleField)),
      ...(rows.length > limit && last && at
        ? { nextCursor: encodeCursor(new Date(at).getTime(), last.id) }
        : {}),
    };
  }

  /**
   * A manager's verdict. One transaction closes the audit (only if open: a concurrent verdict finds it
   * closed, 409) and, for "fake", revokes the event's effect on the record's timers with the record
   * locked, notifies the rep and writes the AUDIT history row; the violation is the audit row itself.
   */
  async decide(
    poolKey: string,
    id: string,
    body: { verdict: 'confirmed' | 'fake'; note?: string },
    managerId: string,
  ): Promise<AuditItem> {
    await this.db.transaction(async (trx) => {
      // A follow-up is checked by someone other than the one who logged it: a manager who also works
      // the pool's records leaves the audits of their own events to another manager or an admin.
      const audited = await this.#audits.one(poolKey, id, trx);
      if (audited && audited.actor_id === managerId)
        throw RuntimeError.forbidden(
          `audit ${id} checks your own event: another manager or an admin decides it`,
        );
      const now = await this.clock.now(trx);
      const note = body.note ?? null;
      const closed = await this.#audits.close(trx, poolKey, id, {
        verdict: body.verdict,
        note,
        by: managerId,
        at: now,
      });
      if (!closed) {
        const found = await this.#audits.one(poolKey, id, trx);
        if (!found) throw RuntimeError.notFound(`audit ${id} in pool ${poolKey}`);
        throw new RuntimeError(
          'POOL_ERR_AUDIT_CLOSED',
          `audit ${id} already has a verdict (${found.verdict ?? 'closed'})`,
          { verdict: found.verdict, decidedBy: found.decided_by },
        );
      }
      if (closed.verdict === 'fake') await this.revokeIn(trx, closed, managerId, note);
    });
    this.metrics.count('poolflow_audit_verdicts_total', { verdict: body.verdict });
    const row = await this.#audits.one(poolKey, id);
    if (!row) throw RuntimeError.notFound(`audit ${id} in pool ${poolKey}`);
    return itemOf(row, await this.titleField(poolKey));
  }

  /** The field the pool's policy titles its records by (the designer's recordTitle). */
  private async titleField(poolKey: string): Promise<string | undefined> {
    const pool = await this.db('pools')
      .where({ key: poolKey })
      .first('policy_id', 'policy_version');
    if (!pool) return undefined;
    return (await this.policies.get(pool.policy_id, pool.policy_version)).policy.entity.titleField;
  }

  /** The fake event's revocation as a step of its own, written like any event (record-writer.ts). */
  private async revokeIn(
    trx: Knex.Transaction,
    audit: AuditRow,
    managerId: string,
    note: string | null,
  ): Promise<void> {
    // The record may have moved to another pool since: it is locked where it is now.
    const where = await trx('records').where({ id: audit.record_id }).first('pool_key');
    const [read] = where
      ? await readRecords(
          trx,
          this.clock,
          [{ poolKey: where.pool_key, recordId: audit.record_id }],
          true,
        )
      : [];
    if (!read) {
      await this.#audits.recordRevocation(trx, audit.id, false, []);
      return;
    }
    const { row, now } = read;
    const compiled = await this.policies.get(row.policy_id, row.policy_version);
    const { result, revoked, restored } = revoke(
      compiled,
      row.snapshot,
      {
        timersBefore: audit.timers_before,
        timersAfter: audit.timers_after,
        ...(audit.entered_before && audit.entered_after
          ? { entry: { before: +audit.entered_before, after: +audit.entered_after } }
          : {}),
      },
      { entity: row.data, now, recordId: row.id, rep: audit.actor_id },
    );
    const timers = restored.map((timerKey) => {
      const t = result.snapshot.timers[timerKey];
      return { timerKey, ...(t ? { delay: t.delay } : {}), dueAt: t ? t.dueAt : null };
    });
    const payload = {
      auditId: audit.id,
      verdict: 'fake',
      note,
      audited: { eventType: audit.event_type, seq: audit.seq, at: iso(audit.at) },
      violationOf: audit.actor_id,
      revoked,
      restoredTimers: timers.map((t) => ({ ...t, dueAt: iso(t.dueAt) })),
      notified: audit.actor_id === null ? [] : [audit.actor_id],
    };
    await writeOutcomes(
      trx,
      [
        {
          recordId: row.id,
          poolKey: row.pool_key,
          prevSeq: row.seq,
          entityUnchanged: true,
          steps: [{ result, eventType: AUDIT_EVENT, payload, actorId: managerId, at: now }],
        },
      ],
      this.metrics,
    );
    await this.#audits.recordRevocation(trx, audit.id, revoked, timers);
  }

  /** Integrity records of the pool's members (counted over every pool), worst first. */
  async integrity(poolKey: string): Promise<{ items: IntegrityItem[] }> {
    const members = (await this.db('pool_members as m')
      .join('users as u', 'u.id', 'm.user_id')
      .where({ 'm.pool_key': poolKey })
      .orderBy('m.user_id')
      .limit(INTEGRITY_MEMBERS_MAX)
      .select('u.id', 'u.username', 'u.display_name')) as {
      id: string;
      username: string;
      display_name: string;
    }[];
    const ids = members.map((m) => m.id);
    const now = await this.clock.now(this.db);
    const [records, recent] = await Promise.all([
      this.#audits.integrity(ids, now),
      this.#audits.recentViolations(ids),
    ]);
    const items = members.map((m, i) => ({
      userId: m.id,
      username: m.username,
      displayName: m.display_name,
      ...(records[i] as Integrity),
      recentViolations: recent
        .filter((v) => v.actor_id === m.id)
        .slice(0, RECENT_VIOLATIONS)
        .map((v) => ({
          auditId: v.id,
          recordId: v.record_id,
          poolKey: v.pool_key,
          at: new Date(v.decided_at).toISOString(),
        })),
    }));
    items.sort((a, b) => b.violations90d - a.violations90d || b.violations - a.violations);
    return { items };
  }
}
