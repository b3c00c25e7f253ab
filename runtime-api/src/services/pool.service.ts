// Pools: creation from a published policy version with members, settings, membership, and the pool as
// the API shows it. Access is the routes' (access.ts); the rows are the repositories'.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { mayAdminister, mayAdministerDepartment } from '../access.js';
import type { PoolRow } from '../db/rows.js';
import type { LocalName, PoolMemberRow } from '../db/tables.js';
import type { PolicyRepository } from '../repositories/policy.repository.js';
import type { PoolRepository } from '../repositories/pool.repository.js';
import { RuntimeError } from '../runtime.error.js';
import type { KeyPage } from './keyset-cursor.js';
import type { Actor } from './record.service.js';
import { DEFAULT_TIME_ZONE, isTimeZone } from './time-zone.js';

declare module 'fastify' {
  interface FastifyInstance {
    pools: PoolService;
  }
}

export interface NewPool {
  key: string;
  name: LocalName;
  policyId: string;
  policyVersion?: number;
  distribution?: PoolRow['distribution'];
  timeZone?: string;
  members?: { userId: string; role?: 'member' | 'admin'; capacity?: number }[];
}

export interface PoolChanges {
  name?: LocalName;
  distribution?: PoolRow['distribution'];
  timeZone?: string;
  policyVersion?: number;
}

export interface MemberChange {
  userId: string;
  role?: 'member' | 'admin';
  capacity?: number | null;
}

/** A time zone given in a body must be one PostgreSQL and Intl both know. */
export function checkTimeZone(zone: string | undefined, path: string): void {
  if (zone !== undefined && !isTimeZone(zone))
    throw RuntimeError.invalid(
      path,
      `${zone} is not an IANA time zone (e.g. Asia/Shanghai)`,
      'time-zone-invalid',
      { zone },
    );
}

/** A user listed twice in a new pool's members: one membership each, so the second is refused. */
function checkMembersOnce(members: readonly { userId: string }[]): void {
  const seen = new Map<string, number>();
  members.forEach(({ userId }, i) => {
    const first = seen.get(userId);
    if (first !== undefined)
      throw RuntimeError.invalid(
        `/body/members/${i}/userId`,
        `user ${userId} is listed already (members/${first})`,
        'member-repeated',
        { userId, first },
      );
    seen.set(userId, i);
  });
}

export class PoolService {
  constructor(
    private readonly db: Knex,
    private readonly repository: PoolRepository,
    private readonly policies: PolicyRepository,
  ) {}

  async get(key: string): Promise<PoolRow> {
    const pool = await this.repository.get(key);
    if (!pool) throw RuntimeError.notFound(`pool ${key}`);
    return pool;
  }

  /** Every pool, or those of `keys`, by key; a page of them when `page` says which. */
  list(keys?: readonly string[], page?: KeyPage<string>): Promise<PoolRow[]> {
    return this.repository.list(keys, page);
  }

  /**
   * A new pool in `departmentId`, on the policy's given (or latest) published version; a department
   * admin builds it from their department's policies and with their department's users only.
   */
  create(actor: Actor, body: NewPool, departmentId: string | null): Promise<PoolRow> {
    return this.db.transaction(async (trx) => {
      if (await this.repository.exists(body.key, trx)) {
        throw RuntimeError.invalid('/body/key', `pool ${body.key} exists`, 'key-taken', {
          value: body.key,
        });
      }
      const policy = await this.policies.head(body.policyId, trx);
      if (policy && !mayAdministerDepartment(actor, policy.department_id))
        throw RuntimeError.forbidden(`policy ${body.policyId} belongs to another department`);
      const version = body.policyVersion ?? policy?.latest_version;
      if (!version || !(await this.policies.hasVersion(body.policyId, version, trx))) {
        throw RuntimeError.invalid(
          body.policyVersion ? '/body/policyVersion' : '/body/policyId',
          `policy ${body.policyId} has no published version${body.policyVersion ? ` ${body.policyVersion}` : ''}`,
          'no-version',
          { policy: body.policyId, version: body.policyVersion ?? '' },
        );
      }
      const members = body.members ?? [];
      checkMembersOnce(members);
      if (members.length > 0) {
        const ids = members.map((m) => m.userId);
        // Users of other departments do not exist for a department admin.
        const known = await this.repository.userIds(
          ids,
          mayAdminister(actor) ? undefined : departmentId,
          trx,
        );
        const missing = ids.findIndex((id) => !known.includes(id));
        if (missing >= 0)
          throw RuntimeError.invalid(
            `/body/members/${missing}/userId`,
            `user ${ids[missing]} does not exist`,
            'unknown-user',
            { user: ids[missing] },
          );
      }
      await this.repository.insert(
        trx,
        {
          key: body.key,
          name: JSON.stringify(body.name),
          policy_id: body.policyId,
          policy_version: version,
          distribution: body.distribution ?? 'manual',
          time_zone: body.timeZone ?? DEFAULT_TIME_ZONE,
          department_id: departmentId,
        },
        members.map((m) => ({
          pool_key: body.key,
          user_id: m.userId,
          role: m.role ?? 'member',
          capacity: m.capacity ?? null,
        })),
      );
      return (await this.repository.get(body.key, trx))!;
    });
  }

  /** Changes settings; a new version must be published and applies to new records. */
  async update(key: string, changes: PoolChanges): Promise<PoolRow> {
    const { name, distribution, timeZone, policyVersion } = changes;
    checkTimeZone(timeZone, '/body/timeZone');
    const pool = await this.get(key);
    if (
      policyVersion !== undefined &&
      !(await this.policies.hasVersion(pool.policy_id, policyVersion))
    ) {
      throw RuntimeError.invalid(
        '/body/policyVersion',
        `policy ${pool.policy_id} has no published version ${policyVersion}`,
        'no-version',
        { policy: pool.policy_id, version: policyVersion },
      );
    }
    await this.repository.update(key, {
      ...(policyVersion !== undefined ? { policy_version: policyVersion } : {}),
      ...(distribution !== undefined ? { distribution } : {}),
      ...(name !== undefined ? { name: JSON.stringify(name) } : {}),
      ...(timeZone !== undefined ? { time_zone: timeZone } : {}),
    });
    return this.get(key);
  }

  /**
   * Adds a user of `departmentId` (any user when undefined) or changes a member: the role and capacity
   * given replace theirs, omitted ones are kept.
   */
  async addMember(
    key: string,
    change: MemberChange,
    departmentId: string | null | undefined,
  ): Promise<PoolRow> {
    const { userId, role, capacity } = change;
    if ((await this.repository.userIds([userId], departmentId)).length === 0)
      throw RuntimeError.invalid('/body/userId', `user ${userId} does not exist`, 'unknown-user', {
        user: userId,
      });
    await this.repository.upsertMember(
      { pool_key: key, user_id: userId, role: role ?? 'member', capacity: capacity ?? null },
      {
        ...(role !== undefined ? { role } : {}),
        ...(capacity !== undefined ? { capacity } : {}),
      },
    );
    return this.get(key);
  }

  /** Records the user owns stay theirs; the pool's managers reassign them if needed. */
  async removeMember(key: string, userId: string): Promise<PoolRow> {
    if (!(await this.repository.removeMember(key, userId)))
      throw RuntimeError.notFound(`member ${userId} of pool ${key}`);
    return this.get(key);
  }

  /** The pool as the API shows it, with its members and running-record count. */
  async view(pool: PoolRow) {
    const [view] = await this.views([pool]);
    return view!;
  }

  /** A page of pools as the API shows them: two queries for the page, not two a pool. */
  async views(pools: readonly PoolRow[]) {
    const keys = pools.map((p) => p.key);
    const [members, running] = await Promise.all([
      this.repository.membersOf(keys),
      this.repository.runningCounts(keys),
    ]);
    const membersOf = new Map<string, typeof members>();
    for (const m of members) {
      const list = membersOf.get(m.pool_key);
      if (list) list.push(m);
      else membersOf.set(m.pool_key, [m]);
    }
    return pools.map((pool) =>
      this.#view(pool, membersOf.get(pool.key) ?? [], running.get(pool.key) ?? 0),
    );
  }

  #view(pool: PoolRow, members: PoolMemberRow[], running: number) {
    return {
      id: pool.key,
      key: pool.key,
      name: pool.name,
      policyId: pool.policy_id,
      policyVersion: pool.policy_version,
      distribution: pool.distribution,
      timeZone: pool.time_zone,
      departmentId: pool.department_id,
      memberCount: members.length,
      recordCount: running,
      members: members.map((m) => ({ userId: m.user_id, role: m.role, capacity: m.capacity })),
    };
  }
}

export const poolServicePlugin = fp(
  (app: FastifyInstance) => {
    app.decorate('pools', new PoolService(app.db, app.poolRepository, app.policyRepository));
    return Promise.resolve();
  },
  { name: 'pool-service', dependencies: ['pool-repository', 'policy-repository'] },
);
