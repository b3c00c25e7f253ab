// Pool upgrades: an admin previews (dry run) and starts moving a pool's running records to a newer
// published version; the pool's managers and admins watch its progress.
import type { FastifyInstance } from 'fastify';
import { requirePolicyEditor, requirePoolAdministrator, requirePoolRole } from '../../access.js';
import type { UpgradeRequest } from '../../services/upgrade-plan.js';

export default function upgradeRoutes(app: FastifyInstance): void {
  app.post<{ Params: { pool: string }; Body: UpgradeRequest }>(
    '/api/pools/:pool/upgrade',
    async (request, reply) => {
      const { pool } = request.params;
      // Moving a pool to other rules is a policy-level act: the admins' of the pool's department, as
      // PATCH policyVersion is (outsiders learn only 403 or 404).
      await requirePoolAdministrator(app, request, pool);
      requirePolicyEditor(request);
      if (request.body.dryRun === true) return app.upgrades.preview(pool, request.body);
      const started = await app.upgrades.begin(pool, request.body, request.actor.id);
      // The first batches start now; every process's upgrade worker (and the manual clock) goes on.
      if (started.status === 'running')
        app.upgrades.kick((e) => app.log.error({ err: e }, 'pool upgrade failed'));
      return reply.status(202).send({ id: started.id, status: started.status });
    },
  );

  app.get<{ Params: { pool: string } }>('/api/pools/:pool/upgrades', async (request) => {
    await requirePoolRole(app, request, request.params.pool, 'manager');
    return { items: await app.upgrades.list(request.params.pool) };
  });

  app.get<{ Params: { pool: string; id: string } }>(
    '/api/pools/:pool/upgrades/:id',
    async (request) => {
      await requirePoolRole(app, request, request.params.pool, 'manager');
      return app.upgrades.get(request.params.pool, request.params.id);
    },
  );
}
