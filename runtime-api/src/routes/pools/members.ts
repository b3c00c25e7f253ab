// A pool's members and managers: added or changed (upsert) and removed by the admins of the pool's
// department; and the pool as the API shows it, with its member and running-record counts.
import type { FastifyInstance } from 'fastify';
import type { PoolRow } from '../../db/rows.js';
import { mayAdminister, requirePoolAdministrator } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';

export interface Pool extends PoolRow {
  time_zone: string;
  department_id: string | null;
}

interface MemberBody {
  userId: string;
  role?: 'member' | 'admin';
  capacity?: number | null;
}

export async function poolReply(app: FastifyInstance, pool: Pool) {
  const members = (await app
    .db('pool_members')
    .where({ pool_key: pool.key })
    .orderBy('user_id')) as { user_id: string; role: string; capacity: number | null }[];
  // Running records: not in a final state (the index records_pool_version covers NOT done).
  const running = (await app
    .db('records')
    .where({ pool_key: pool.key, done: false })
    .count({ n: '*' })
    .first()) as { n: number | string };
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
    recordCount: Number(running.n),
    members: members.map((m) => ({ userId: m.user_id, role: m.role, capacity: m.capacity })),
  };
}

export default function poolMemberRoutes(app: FastifyInstance): void {
  app.post<{ Params: { pool: string }; Body: MemberBody }>(
    '/api/pools/:pool/members',
    {
      schema: {
        tags: ['pools'],
        params: { $ref: 'api.schema.json#/definitions/poolKeyParams' },
        body: { $ref: 'api.schema.json#/definitions/poolMemberBody' },
        response: { 200: { $ref: 'api.schema.json#/definitions/pool' } },
      },
    },
    async (request) => {
      const key = request.params.pool;
      const pool = await requirePoolAdministrator(app, request, key);
      const { userId, role, capacity } = request.body;
      const user = app.db('users').where({ id: userId });
      // A department admin adds users of their department; the others do not exist for them.
      if (!mayAdminister(request.actor)) user.where({ department_id: pool.department_id });
      if (!(await user.first('id')))
        throw RuntimeError.invalid('/body/userId', `user ${userId} does not exist`);
      // Upsert: a member named again gets the role and capacity given (omitted ones are kept).
      const changes = {
        ...(role !== undefined ? { role } : {}),
        ...(capacity !== undefined ? { capacity } : {}),
      };
      const insert = app
        .db('pool_members')
        .insert({
          pool_key: key,
          user_id: userId,
          role: role ?? 'member',
          capacity: capacity ?? null,
        })
        .onConflict(['pool_key', 'user_id']);
      await (Object.keys(changes).length > 0 ? insert.merge(changes) : insert.ignore());
      return poolReply(app, (await app.records.pool(key)) as Pool);
    },
  );

  // Records the user owns stay theirs; the pool's managers reassign them if needed.
  app.delete<{ Params: { pool: string; userId: string } }>(
    '/api/pools/:pool/members/:userId',
    {
      schema: {
        tags: ['pools'],
        params: { $ref: 'api.schema.json#/definitions/poolMemberParams' },
        response: { 200: { $ref: 'api.schema.json#/definitions/pool' } },
      },
    },
    async (request) => {
      const { pool: key, userId } = request.params;
      await requirePoolAdministrator(app, request, key);
      const removed = (await app
        .db('pool_members')
        .where({ pool_key: key, user_id: userId })
        .delete()
        .returning('user_id')) as unknown[];
      if (removed.length === 0) throw RuntimeError.notFound(`member ${userId} of pool ${key}`);
      return poolReply(app, (await app.records.pool(key)) as Pool);
    },
  );
}
