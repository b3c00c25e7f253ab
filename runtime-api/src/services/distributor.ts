// Push distribution: records in a pool state of a pool whose setting is roundRobin or leastLoaded are assigned
// to an eligible member by the distribute job (jobs/jobs.ts) within one interval, or at once by "Distribute
// now". Members are checked as a claim would check them (eligibility, cooldown, owned and daily limits) plus
// their capacity; a member refused at assignment makes way for the next; nobody fitting leaves it pooled.
import { checkClaim, EngineError, type CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { PoolRow, RecordRow } from '../db/rows.js';
import type { Clock } from './clock.js';
import type { PolicyStore } from './policy-store.js';
import type { Actor, RecordService } from './record.service.js';
import { localDay } from './time-zone.js';

interface Member {
  user_id: string;
  capacity: number | null;
  last_assigned_at: Date | null;
  roles: string[];
  attributes: Record<string, unknown>;
  owned: number;
  /** Records the member claimed, or was given by distribution, today (the policy's maxPerDay). */
  today?: number;
}

/**
 * The members a record may go to, best first: never its last owner, nobody at capacity, and only those a
 * claim of theirs would pass (eligibility, previous-owner cooldown, maxOwned, maxPerDay).
 */
export function rankMembers(
  distribution: PoolRow['distribution'],
  members: Member[],
  record: Pick<RecordRow, 'data' | 'snapshot'>,
  compiled: CompiledPolicy,
  now: number,
): Member[] {
  const lastOwner = record.snapshot.instance.previousOwnerIds.at(-1);
  const candidates = members.filter((m) => {
    if (m.user_id === lastOwner) return false;
    if (m.capacity !== null && m.owned >= m.capacity) return false;
    try {
      const refusal = checkClaim(compiled, {
        state: record.snapshot.value,
        instance: record.snapshot.instance,
        entity: record.data,
        user: { id: m.user_id, roles: m.roles, attributes: m.attributes },
        now,
        claimant: { owned: m.owned, claimsToday: m.today ?? 0 },
      });
      return refusal === null;
    } catch {
      // A rule past its budget for this member: not eligible, rather than failing the whole run.
      return false;
    }
  });
  const load = (m: Member) => (m.capacity ? m.owned / m.capacity : m.owned);
  return distribution === 'leastLoaded'
    ? candidates.sort((a, b) => load(a) - load(b) || a.user_id.localeCompare(b.user_id))
    : candidates.sort(
        (a, b) =>
          (a.last_assigned_at?.getTime() ?? 0) - (b.last_assigned_at?.getTime() ?? 0) ||
          a.user_id.localeCompare(b.user_id),
      );
}

/** The member a record goes to, or null when nobody fits (full, not eligible, or its last owner). */
export function chooseMember(
  distribution: PoolRow['distribution'],
  members: Member[],
  record: Pick<RecordRow, 'data' | 'snapshot'>,
  compiled: CompiledPolicy,
  now: number,
): Member | null {
  return rankMembers(distribution, members, record, compiled, now)[0] ?? null;
}

/** The record itself can no longer be assigned (taken meanwhile, or no ASSIGN from its state). */
const RECORD_REFUSALS = new Set([
  'POOL_ERR_TAKEN',
  'POOL_ERR_EVENT_NOT_ALLOWED',
  'POOL_ERR_NOT_FOUND',
]);

/** The member can take no more records today or at all (the policy's limits). */
const MEMBER_LIMITS = new Set(['POOL_ERR_CLAIM_LIMIT', 'POOL_ERR_DAILY_LIMIT']);

const SYSTEM: Actor = { id: 'system:distributor', roles: ['manager'], attributes: {} };

export class Distributor {
  /** Per pool, where the next run goes on (the last record a full page looked at). */
  readonly #resume = new Map<string, { score: number; id: string }>();

  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly records: RecordService,
  ) {}

  /**
   * Assigns pooled records of push-distribution pools (every such pool, or only `pool`: a pool's manager
   * runs it for their own pool), at most `limit` records looked at per pool; returns how many were assigned.
   */
  async distribute(options: { pool?: string; limit?: number } = {}): Promise<number> {
    const limit = options.limit ?? 1000;
    const query = this.db('pools').whereNot({ distribution: 'manual' }).orderBy('key');
    if (options.pool !== undefined) query.where({ key: options.pool });
    const pools = await query;
    let assigned = 0;
    for (const pool of pools) {
      const after = this.#resume.get(pool.key);
      const page = this.db('records').where({ pool_key: pool.key, pooled: true });
      if (after)
        page.whereRaw('(score < ? OR (score = ? AND id > ?::uuid))', [
          after.score,
          after.score,
          after.id,
        ]);
      const rows = await page
        .orderBy([{ column: 'score', order: 'desc' }, { column: 'id' }])
        .limit(limit);
      // A full page: the next run goes on after it, so records nobody can take (at the top by score)
      // never keep the rest of a large pool waiting. Otherwise the next run starts from the top again.
      const last = rows.at(-1);
      if (rows.length === limit && last)
        this.#resume.set(pool.key, { score: last.score, id: last.id });
      else this.#resume.delete(pool.key);
      if (rows.length === 0) continue;
      const now = await this.clock.now(this.db);
      // Read once per pool and kept up to date as records are handed out.
      const zone = pool.time_zone;
      const members = await this.members(pool.key, localDay(now, zone).start);
      // Members refused for a limit of theirs in this run: not tried again until the next.
      const full = new Set<string>();
      for (const row of rows) {
        const compiled = await this.policies.get(row.policy_id, row.policy_version);
        const ranked = rankMembers(pool.distribution, members, row, compiled, now);
        for (const member of ranked.filter((m) => !full.has(m.user_id))) {
          const outcome = await this.assign(pool.key, row.id, member.user_id);
          if (outcome === 'record-refused') break;
          if (outcome !== 'assigned') {
            if (outcome === 'member-full') full.add(member.user_id);
            continue;
          }
          member.owned++;
          member.today = (member.today ?? 0) + 1;
          member.last_assigned_at = new Date(now);
          await this.db('pool_members')
            .where({ pool_key: pool.key, user_id: member.user_id })
            .update({ last_assigned_at: member.last_assigned_at });
          assigned++;
          break;
        }
      }
    }
    return assigned;
  }

  /** One ASSIGN, only while the record is still pooled (another run, or a claim, may have taken it). */
  private async assign(
    poolKey: string,
    recordId: string,
    userId: string,
  ): Promise<'assigned' | 'record-refused' | 'member-refused' | 'member-full'> {
    try {
      // The member is checked again as their claim would be, their row locked (no override): another
      // run (another process) may have given them one.
      await this.records.send(poolKey, recordId, { type: 'ASSIGN', payload: { userId } }, SYSTEM, {
        authorize: (row) => {
          if (!row.pooled)
            throw new EngineError('POOL_ERR_TAKEN', 'the record is not in the pool any more');
        },
      });
      return 'assigned';
    } catch (e) {
      // RuntimeError is an EngineError too (a record gone is POOL_ERR_NOT_FOUND).
      if (e instanceof EngineError && RECORD_REFUSALS.has(e.code)) return 'record-refused';
      if (e instanceof EngineError && MEMBER_LIMITS.has(e.code)) return 'member-full';
      // The member was refused (left the pool meanwhile, or a rule of the step): try the next one.
      if (e instanceof EngineError) return 'member-refused';
      throw e;
    }
  }

  /**
   * The pool's members with what they own and what they took today, from the pool's local midnight
   * (claimed, or given by distribution).
   */
  private async members(poolKey: string, dayStartMs: number): Promise<Member[]> {
    const dayStart = new Date(dayStartMs);
    const rows = await this.db.raw<{ rows: Member[] }>(
      `SELECT m.user_id, m.capacity, m.last_assigned_at, u.roles, u.attributes,
              (SELECT count(*)::int FROM records r WHERE r.pool_key = m.pool_key AND r.owner_id = m.user_id
                 AND NOT r.done AND NOT r.limit_free) AS owned,
              (SELECT count(*)::int FROM claims c WHERE c.user_id = m.user_id AND c.pool_key = m.pool_key AND c.at >= ?)
              + (SELECT count(*)::int FROM history h WHERE h.pool_key = m.pool_key AND h.at >= ?
                   AND h.event_type = 'ASSIGN' AND h.actor_id = ? AND h.owner_to = m.user_id) AS today
       FROM pool_members m JOIN users u ON u.id = m.user_id
       WHERE m.pool_key = ? AND m.role = 'member' AND u.disabled_at IS NULL`,
      [dayStart, dayStart, SYSTEM.id, poolKey],
    );
    return rows.rows;
  }
}
