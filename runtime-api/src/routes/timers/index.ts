// Failed timers: listed for admins (and a pool's managers, for their pool) and retried on request.
import type { FastifyInstance } from 'fastify';
import { mayWorkInPool, requirePoolRole, requireRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { listFailed, retryFailed } from '../../services/timer-failures.js';

export default function timerRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { pool?: string; limit?: number } }>(
    '/api/timers/failed',
    async (request) => {
      const { pool, limit = 100 } = request.query;
      // Every pool's failed timers are the admins'; one pool's, also its managers'.
      if (pool === undefined) requireRole(request, 'admin');
      else await requirePoolRole(app, request, pool, 'manager');
      return { items: await listFailed(app.db, { pool, limit }) };
    },
  );

  app.post<{ Body: { recordId: string; timerKey?: string } }>(
    '/api/timers/failed/retry',
    async (request) => {
      const { recordId, timerKey } = request.body;
      const record = await app.recordRepository.poolOf(recordId);
      if (!record || !mayWorkInPool(request.actor, record.pool_key)) {
        // Outsiders learn nothing about record ids: a record outside their pools answers as one that
        // does not exist, and only admins (who work in every pool) hear that it does not.
        requireRole(request, 'admin');
        throw RuntimeError.notFound(`record ${recordId}`);
      }
      await requirePoolRole(app, request, record.pool_key, 'manager');
      const items = await retryFailed(app.db, await app.clock.now(app.db), recordId, timerKey);
      if (items.length === 0) {
        throw RuntimeError.notFound(
          timerKey === undefined
            ? `failed timers of record ${recordId}`
            : `failed timer ${timerKey} of record ${recordId}`,
        );
      }
      return { items };
    },
  );
}
