// Pools: create (admins, department admins in their department) from a published policy version with
// members, list the pools one may see with their counts, read one, change its settings.
import type { FastifyInstance } from 'fastify';
import type { PoolRow } from '../../db/rows.js';
import { RuntimeError } from '../../runtime.error.js';
import {
  departmentForNew,
  mayAdminister,
  mayAdministerDepartment,
  requirePoolAdministrator,
  requirePoolRole,
} from '../../access.js';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../../services/time-zone.js';
import poolMemberRoutes, { poolReply, type Pool } from './members.js';

interface PoolCreate {
  key: string;
  name: { en: string; zh?: string };
  policyId: string;
  policyVersion?: number;
  distribution?: PoolRow['distribution'];
  timeZone?: string;
  departmentId?: string | null;
  members?: { userId: string; role?: 'member' | 'admin'; capacity?: number }[];
}

interface PoolPatch {
  name?: { en: string; zh?: string };
  distribution?: PoolRow['distribution'];
  timeZone?: string;
  policyVersion?: number;
}

function checkTimeZone(zone: string | undefined, path: string): void {
  if (zone !== undefined && !isTimeZone(zone))
    throw RuntimeError.invalid(path, `${zone} is not an IANA time zone (e.g. Asia/Shanghai)`);
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
      const body = request.body;
      const departmentId = await departmentForNew(
        app.db,
        request.actor,
        body.departmentId,
        '/body/departmentId',
      );
      checkTimeZone(body.timeZone, '/body/timeZone');
      const pool = await app.db.transaction(async (trx) => {
        if (await trx('pools').where({ key: body.key }).first('key')) {
          throw RuntimeError.invalid('/key', `pool ${body.key} exists`);
        }
        const policy = (await trx('policies')
          .where({ id: body.policyId })
          .first('latest_version', 'department_id')) as
          { latest_version: number; department_id: string | null } | undefined;
        // A department admin builds pools from their department's policies only.
        if (policy && !mayAdministerDepartment(request.actor, policy.department_id))
          throw RuntimeError.forbidden(`policy ${body.policyId} belongs to another department`);
        const version = body.policyVersion ?? policy?.latest_version;
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
          const users = trx('users').whereIn('id', ids);
          // Users of other departments do not exist for a department admin.
          if (!mayAdminister(request.actor)) users.where({ department_id: departmentId });
          const known = (await users.pluck('id')) as string[];
          const missing = ids.findIndex((id) => !known.includes(id));
          if (missing >= 0)
            throw RuntimeError.invalid(
              `/members/${missing}/userId`,
              `user ${ids[missing]} does not exist`,
            );
        }
        await trx('pools').insert({
          key: body.key,
          name: JSON.stringify(body.name),
          policy_id: body.policyId,
          policy_version: version,
          distribution: body.distribution ?? 'manual',
          time_zone: body.timeZone ?? DEFAULT_TIME_ZONE,
          department_id: departmentId,
        });
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
        return (await trx('pools').where({ key: body.key }).first()) as Pool;
      });
      return reply.status(201).send(await poolReply(app, pool));
    },
  );

  // Admins see every pool; others the pools they belong to, department admins their department's too.
  app.get(
    '/api/pools',
    {
      schema: {
        tags: ['pools'],
        response: { 200: { $ref: 'api.schema.json#/definitions/poolList' } },
      },
    },
    async (request) => {
      const query = app.db('pools').orderBy('key');
      if (!mayAdminister(request.actor))
        query.whereIn('key', Object.keys(request.actor.poolRoles ?? {}));
      const pools = (await query) as Pool[];
      return { items: await Promise.all(pools.map((p) => poolReply(app, p))) };
    },
  );

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
      return poolReply(app, (await app.records.pool(request.params.pool)) as Pool);
    },
  );

  // Distribution is the pool's managers' call; its name, time zone and version belong to the admins of
  // its department. A new version applies to new records; running ones move by an upgrade.
  app.patch<{ Params: { pool: string }; Body: PoolPatch }>(
    '/api/pools/:pool',
    {
      schema: {
        tags: ['pools'],
        params: { $ref: 'api.schema.json#/definitions/poolKeyParams' },
        body: { $ref: 'api.schema.json#/definitions/poolPatch' },
        response: { 200: { $ref: 'api.schema.json#/definitions/pool' } },
      },
    },
    async (request) => {
      const { name, distribution, timeZone, policyVersion } = request.body;
      const key = request.params.pool;
      if (name !== undefined || timeZone !== undefined || policyVersion !== undefined)
        await requirePoolAdministrator(app, request, key);
      else await requirePoolRole(app, request, key, 'manager');
      checkTimeZone(timeZone, '/body/timeZone');
      const pool = await app.records.pool(key);
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
        .where({ key })
        .update({
          ...(policyVersion !== undefined ? { policy_version: policyVersion } : {}),
          ...(distribution !== undefined ? { distribution } : {}),
          ...(name !== undefined ? { name: JSON.stringify(name) } : {}),
          ...(timeZone !== undefined ? { time_zone: timeZone } : {}),
        });
      return poolReply(app, (await app.records.pool(key)) as Pool);
    },
  );

  poolMemberRoutes(app);
}
