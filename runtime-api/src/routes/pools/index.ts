// Pools: create (admin) with members and a published policy version, list the pools one may see, read one.
import type { FastifyInstance } from 'fastify';
import type { PoolRow } from '../../db/rows.js';
import { RuntimeError } from '../../runtime.error.js';
import { mayAdminister, requirePoolRole, requireRole } from '../../access.js';

interface PoolCreate {
  key: string;
  name: { en: string; zh?: string };
  policyId: string;
  policyVersion?: number;
  distribution?: PoolRow['distribution'];
  members?: { userId: string; role?: 'member' | 'admin'; capacity?: number }[];
}

async function poolReply(app: FastifyInstance, pool: PoolRow) {
  const members = (await app
    .db('pool_members')
    .where({ pool_key: pool.key })
    .orderBy('user_id')) as {
    user_id: string;
    role: string;
    capacity: number | null;
  }[];
  return {
    id: pool.key,
    key: pool.key,
    name: pool.name,
    policyId: pool.policy_id,
    policyVersion: pool.policy_version,
    distribution: pool.distribution,
    members: members.map((m) => ({ userId: m.user_id, role: m.role, capacity: m.capacity })),
  };
}

export default function poolRoutes(app: FastifyInstance): void {
  app.post<{ Body: PoolCreate }>(
    '/api/pools',
    {
      schema: {
        tags: ['pools'],
        body: { $ref: 'api.schema.json#/definitions/poolCreate' },
        response: { 201: { $ref: 'api.schema.json#/definitions/pool' } },
      },
    },
    async (request, reply) => {
      if (!mayAdminister(request.actor)) throw RuntimeError.forbidden('this needs the admin role');
      const body = request.body;
      const pool = await app.db.transaction(async (trx) => {
        if (await trx('pools').where({ key: body.key }).first('key')) {
          throw RuntimeError.invalid('/key', `pool ${body.key} exists`);
        }
        const version =
          body.policyVersion ??
          (
            (await trx('policies').where({ id: body.policyId }).first('latest_version')) as
              { latest_version: number } | undefined
          )?.latest_version;
        const published = version
          ? ((await trx('policy_versions')
              .where({ policy_id: body.policyId, version })
              .first('version')) as unknown)
          : undefined;
        if (!published) {
          throw RuntimeError.invalid(
            body.policyVersion ? '/policyVersion' : '/policyId',
            `policy ${body.policyId} has no published version${body.policyVersion ? ` ${body.policyVersion}` : ''}`,
          );
        }
        const members = body.members ?? [];
        if (members.length > 0) {
          const ids = members.map((m) => m.userId);
          const known = (await trx('users').whereIn('id', ids).pluck('id')) as string[];
          const missing = ids.findIndex((id) => !known.includes(id));
          if (missing >= 0)
            throw RuntimeError.invalid(
              `/members/${missing}/userId`,
              `user ${ids[missing]} does not exist`,
            );
        }
        const row = {
          key: body.key,
          name: JSON.stringify(body.name),
          policy_id: body.policyId,
          policy_version: version,
          distribution: body.distribution ?? 'manual',
        };
        await trx('pools').insert(row);
        if (members.length > 0) {
          await trx('pool_members').insert(
            members.map((m) => ({
              pool_key: body.key,
              user_id: m.userId,
              role: m.role ?? 'member',
              capacity: m.capacity ?? null,
            })),
          );
        }
        return (await trx('pools').where({ key: body.key }).first()) as PoolRow;
      });
      return reply.status(201).send(await poolReply(app, pool));
    },
  );

  app.get('/api/pools', { schema: { tags: ['pools'] } }, async (request) => {
    const query = app.db('pools').orderBy('key');
    if (!mayAdminister(request.actor)) {
      query.whereIn(
        'key',
        app.db('pool_members').where({ user_id: request.actor.id }).select('pool_key'),
      );
    }
    const pools = (await query) as PoolRow[];
    return { items: await Promise.all(pools.map((p) => poolReply(app, p))) };
  });

  app.get<{ Params: { pool: string } }>(
    '/api/pools/:pool',
    {
      schema: {
        tags: ['pools'],
        params: { $ref: 'api.schema.json#/definitions/poolKeyParams' },
        response: { 200: { $ref: 'api.schema.json#/definitions/pool' } },
      },
    },
    async (request) => {
      await requirePoolRole(app, request, request.params.pool, 'member');
      return poolReply(app, await app.records.pool(request.params.pool));
    },
  );

  // Moves a pool to another published version: new records start on it, running ones stay on theirs.
  app.patch<{
    Params: { pool: string };
    Body: { policyVersion?: number; distribution?: PoolRow['distribution'] };
  }>(
    '/api/pools/:pool',
    {
      schema: {
        tags: ['pools'],
        params: { $ref: 'api.schema.json#/definitions/poolKeyParams' },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            policyVersion: { type: 'integer', minimum: 1, maximum: 2147483647 },
            distribution: { type: 'string', enum: ['manual', 'roundRobin', 'leastLoaded'] },
          },
        },
        response: { 200: { $ref: 'api.schema.json#/definitions/pool' } },
      },
    },
    async (request) => {
      const { policyVersion, distribution } = request.body;
      // Moving a pool to another policy version is an admin's call; its distribution, the pool's managers'.
      if (policyVersion !== undefined) requireRole(request, 'admin');
      else await requirePoolRole(app, request, request.params.pool, 'manager');
      const pool = await app.records.pool(request.params.pool);
      if (policyVersion !== undefined) {
        const published = (await app
          .db('policy_versions')
          .where({ policy_id: pool.policy_id, version: policyVersion })
          .first('version')) as unknown;
        if (!published) {
          throw RuntimeError.invalid(
            '/policyVersion',
            `policy ${pool.policy_id} has no published version ${policyVersion}`,
          );
        }
      }
      await app
        .db('pools')
        .where({ key: pool.key })
        .update({
          ...(policyVersion !== undefined ? { policy_version: policyVersion } : {}),
          ...(distribution !== undefined ? { distribution } : {}),
        });
      return poolReply(app, await app.records.pool(pool.key));
    },
  );
}
