// A pool's admission and routing rules: read (its managers), replace (admins of its department), and
// try a record against them (where it would land) without writing anything.
import type { FastifyInstance } from 'fastify';
import type { Routing } from '@poolflow/engine';
import { requirePoolAdministrator, requirePoolRole } from '../../access.js';
import { RoutingService } from '../../services/routing.service.js';
import type { RoutingTestBody } from '../../api.types.js';

type PoolParams = { Params: { pool: string } };

export default function routingRoutes(app: FastifyInstance): void {
  const routing = new RoutingService(app.poolRepository, app.policies);

  app.get<PoolParams>('/api/pools/:pool/routing', async (request) => {
    await requirePoolRole(app, request, request.params.pool, 'manager');
    return routing.read(request.params.pool);
  });

  app.put<PoolParams & { Body: Routing }>('/api/pools/:pool/routing', async (request) => {
    await requirePoolAdministrator(app, request, request.params.pool);
    return routing.save(request.params.pool, request.body);
  });

  app.post<PoolParams & { Body: RoutingTestBody }>(
    '/api/pools/:pool/routing/test',
    async (request) => {
      await requirePoolRole(app, request, request.params.pool, 'manager');
      return routing.test(request.params.pool, request.body, await app.clock.now(app.db));
    },
  );
}
