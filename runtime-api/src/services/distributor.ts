// Push distribution: records entering a pool whose setting is roundRobin or leastLoaded are assigned to an
// eligible member at once, instead of waiting to be claimed. Runs after the entering transaction committed.
import { EngineError, evaluate, truthy, type CompiledPolicy } from '@poolflow/engine';
import type { Knex } from 'knex';
import type { PoolRow, RecordRow } from '../db/rows.js';
import type { Clock } from './clock.js';
import type { PolicyStore } from './policy-store.js';
import type { Actor, RecordService } from './record.service.js';

interface Member {
  user_id: string;
  capacity: number | null;
  last_assigned_at: Date | null;
  roles: string[];
  attributes: Record<string, unknown>;
  owned: number;
}

/** The member a record goes to, or null when nobody fits (full, not eligible, or its last owner). */
export function chooseMember(
  distribution: PoolRow['distribution'],
  members: Member[],
  record: Pick<RecordRow, 'data' | 'snapshot'>,
  compiled: CompiledPolicy,
  now: number,
): Member | null {
  const eligible = compiled.policy.claim?.eligible;
  const lastOwner = record.snapshot.instance.previousOwnerIds.at(-1);
  const candidates = members.filter((m) => {
    if (m.user_id === lastOwner) return false;
    if (m.capacity !== null && m.owned >= m.capacity) return false;
    if (eligible === undefined) return true;
    const user = { id: m.user_id, roles: m.roles, attributes: m.attributes };
    const data = {
      entity: record.data,
      instance: record.snapshot.instance,
      user,
      now,
      event: { type: 'ASSIGN' },
    };
    return truthy(evaluate(eligible, data, compiled.rules));
  });
  const load = (m: Member) => (m.capacity ? m.owned / m.capacity : m.owned);
  const sorted =
    distribution === 'leastLoaded'
      ? candidates.sort((a, b) => load(a) - load(b) || a.user_id.localeCompare(b.user_id))
      : candidates.sort(
          (a, b) =>
            (a.last_assigned_at?.getTime() ?? 0) - (b.last_assigned_at?.getTime() ?? 0) ||
            a.user_id.localeCompare(b.user_id),
        );
  return sorted[0] ?? null;
}

export class Distributor {
  constructor(
    private readonly db: Knex,
    private readonly policies: PolicyStore,
    private readonly clock: Clock,
    private readonly records: RecordService,
  ) {}

  /**
   * Assigns pooled records of push-distribution pools (every such pool, or only `pool`: a pool's manager
   * runs it for their own pool); returns how many were assigned.
   */
  async distribute(options: { pool?: string; limit?: number } = {}): Promise<number> {
    const limit = options.limit ?? 200;
    const query = this.db('pools').whereNot({ distribution: 'manual' });
    if (options.pool !== undefined) query.where({ key: options.pool });
    const pools = (await query) as PoolRow[];
    let assigned = 0;
    for (const pool of pools) {
      const rows = (await this.db('records')
        .where({ pool_key: pool.key, pooled: true })
        .orderBy([{ column: 'score', order: 'desc' }, { column: 'id' }])
        .limit(limit)) as RecordRow[];
      if (rows.length === 0) continue;
      const system: Actor = { id: 'system:distributor', roles: ['manager'], attributes: {} };
      for (const row of rows) {
        const compiled = await this.policies.get(row.policy_id, row.policy_version);
        const members = await this.members(pool.key);
        const member = chooseMember(
          pool.distribution,
          members,
          row,
          compiled,
          await this.clock.now(this.db),
        );
        if (!member) continue;
        try {
          await this.records.send(
            pool.key,
            row.id,
            { type: 'ASSIGN', payload: { userId: member.user_id } },
            system,
          );
          await this.db('pool_members')
            .where({ pool_key: pool.key, user_id: member.user_id })
            .update({ last_assigned_at: new Date(await this.clock.now(this.db)) });
          assigned++;
        } catch (e) {
          // Claimed by someone in the meantime, or the policy does not allow ASSIGN here: leave it pooled.
          if (!(e instanceof EngineError)) throw e;
        }
      }
    }
    return assigned;
  }

  private async members(poolKey: string): Promise<Member[]> {
    const rows = await this.db.raw<{ rows: Member[] }>(
      `SELECT m.user_id, m.capacity, m.last_assigned_at, u.roles, u.attributes,
              (SELECT count(*)::int FROM records r WHERE r.pool_key = m.pool_key AND r.owner_id = m.user_id AND NOT r.done) AS owned
       FROM pool_members m JOIN users u ON u.id = m.user_id
       WHERE m.pool_key = ? AND m.role = 'member'`,
      [poolKey],
    );
    return rows.rows;
  }
}
