// A pool's members and managers: added or changed (upsert) and removed by the admins of the pool's
// department (services/pool.service.ts).
import type { FastifyInstance } from 'fastify';
import { mayAdminister, requirePoolAdministrator } from '../../access.js';
import type { PoolMemberBody } from '../../api.types.js';

type MemberBody = PoolMemberBody;

export default function poolMemberRoutes(app: FastifyInstance): void {
  app.post<{ Params: { pool: string }; Body: MemberBody }>(
    '/api/pools/:pool/members',
    async (request) => {
      const key = request.params.pool;
      const pool = await requirePoolAdministrator(app, request, key);
      // A department admin adds users of their department; the others do not exist for them.
      const department = mayAdminister(request.actor) ? undefined : pool.department_id;
      return app.pools.view(await app.pools.addMember(key, request.body, department));
    },
  );

  // Records the user owns stay theirs; the pool's managers reassign them if needed.
  app.delete<{ Params: { pool: string; userId: string } }>(
    '/api/pools/:pool/members/:userId',
    async (request) => {
      const { pool: key, userId } = request.params;
      await requirePoolAdministrator(app, request, key);
      return app.pools.view(await app.pools.removeMember(key, userId));
    },
  );
}
