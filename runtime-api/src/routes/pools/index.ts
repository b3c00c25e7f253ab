// Pools: create (admins, department admins in their department) from a published policy version with
// members, list the pools one may see with their counts, read one, change its settings.
import type { FastifyInstance } from 'fastify';
import {
  departmentForNew,
  mayAdminister,
  requirePoolAdministrator,
  requirePoolRole,
} from '../../access.js';
import { isKey, keyPageOf } from '../../services/keyset-cursor.js';
import { checkTimeZone } from '../../services/pool.service.js';
import { keyPageQuery } from '../key-page.js';
import poolMemberRoutes from './members.js';
import type { KeyPageQuery, PoolCreate, PoolPatch } from '../../api.types.js';

export default function poolRoutes(app: FastifyInstance): void {
  app.post<{ Body: PoolCreate }>('/api/pools', async (request, reply) => {
    const body = request.body;
    const departmentId = await departmentForNew(
      app.db,
      request.actor,
      body.departmentId,
      '/body/departmentId',
    );
    checkTimeZone(body.timeZone, '/body/timeZone');
    const pool = await app.pools.create(request.actor, body, departmentId);
    return reply.status(201).send(await app.pools.view(pool));
  });

  // Admins see every pool; others the pools they belong to, department admins their department's too.
  app.get<{ Querystring: KeyPageQuery }>('/api/pools', async (request) => {
    const { limit, after } = keyPageQuery(request.query, isKey);
    const rows = await app.pools.list(
      mayAdminister(request.actor) ? undefined : Object.keys(request.actor.poolRoles ?? {}),
      { after, limit: limit + 1 },
    );
    const { page, nextCursor } = keyPageOf(rows, limit, (p) => p.key);
    return { items: await app.pools.views(page), nextCursor };
  });

  app.get<{ Params: { pool: string } }>('/api/pools/:pool', async (request) => {
    await requirePoolRole(app, request, request.params.pool, 'member');
    return app.pools.view(await app.pools.get(request.params.pool));
  });

  // Distribution is the pool's managers' call; its name, time zone and version belong to the admins of
  // its department. A new version applies to new records; running ones move by an upgrade.
  app.patch<{ Params: { pool: string }; Body: PoolPatch }>('/api/pools/:pool', async (request) => {
    const { name, timeZone, policyVersion } = request.body;
    const key = request.params.pool;
    if (name !== undefined || timeZone !== undefined || policyVersion !== undefined)
      await requirePoolAdministrator(app, request, key);
    else await requirePoolRole(app, request, key, 'manager');
    return app.pools.view(await app.pools.update(key, request.body));
  });

  poolMemberRoutes(app);
}
